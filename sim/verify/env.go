package verify

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// MissingError says what this machine lacks to run verify: a tool, or root.
type MissingError struct {
	What string // "root", or the tool's name
	Hint string
}

func (e *MissingError) Error() string {
	if e.What == "root" {
		return "verify needs root (network namespaces, links, nftables): " + e.Hint
	}
	return fmt.Sprintf("verify needs %s: %s", e.What, e.Hint)
}

// Requirements checks that this machine can build a scenario: root, and
// every tool verify runs. The first thing missing is the error.
func Requirements() error {
	if os.Geteuid() != 0 {
		return &MissingError{What: "root", Hint: "run it as root (sudo calisim verify ...)"}
	}
	tools := []struct{ name, pkg string }{
		{"ip", "iproute2"}, {"bridge", "iproute2"}, {"bird", "bird"}, {"birdc", "bird"},
		{"nft", "nftables"}, {"ping", "iputils-ping"}, {"sysctl", "procps"},
	}
	for _, t := range tools {
		if _, err := exec.LookPath(t.name); err != nil {
			return &MissingError{What: t.name, Hint: fmt.Sprintf("not found in PATH (apt-get install %s)", t.pkg)}
		}
	}
	return nil
}

// ProbeKernel finds out, in a scratch namespace of the run, whether the
// kernel can make ipip and vxlan devices. It returns "available" or the
// reason for each.
func ProbeKernel(ctx context.Context, names Names) (Environment, error) {
	ns := names.Prefix() + "probe"
	if _, err := run(ctx, []string{"ip", "netns", "add", ns}, ""); err != nil {
		return Environment{}, err
	}
	defer func() { _ = deleteNetns(context.Background(), ns) }()
	try := func(kind string, args ...string) string {
		argv := append([]string{"ip", "-n", ns, "link", "add", "probe0", "type", kind}, args...)
		out, err := run(ctx, argv, "")
		if err != nil {
			msg := strings.TrimSpace(out)
			if strings.Contains(msg, "Unknown device type") {
				return fmt.Sprintf("unavailable: the kernel has no %s module (ip link add type %s: Unknown device type)", kind, kind)
			}
			return "unavailable: " + msg
		}
		_, _ = run(ctx, []string{"ip", "-n", ns, "link", "del", "probe0"}, "")
		return "available"
	}
	return Environment{
		IPIP:  try("ipip", "local", "192.0.2.1", "remote", "192.0.2.2"),
		VXLAN: try("vxlan", "id", "4096", "dstport", "4789", "local", "192.0.2.1"),
	}, nil
}
