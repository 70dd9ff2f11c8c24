package verify

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
)

// Names gives everything one run creates its name. Namespaces carry the
// per-run prefix cs-RUNID-, so parallel runs never meet and cleanup can
// find exactly what a run made; interfaces live inside those namespaces,
// so their short names (at most 15 bytes, IFNAMSIZ-1) never clash either.
type Names struct {
	RunID string
}

// NewRunID returns a fresh random run ID: six lowercase hex digits.
func NewRunID() string {
	var b [3]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b[:])
}

// Prefix is what every namespace of the run starts with.
func (n Names) Prefix() string { return "cs-" + n.RunID + "-" }

// Subnet is the namespace holding subnet i's bridge.
func (n Names) Subnet(i int) string { return n.ns("s", i) }

// Node is node i's namespace.
func (n Names) Node(i int) string { return n.ns("n", i) }

// Router is router i's namespace.
func (n Names) Router(i int) string { return n.ns("r", i) }

// External is external i's namespace.
func (n Names) External(i int) string { return n.ns("x", i) }

// Pod is pod i's namespace.
func (n Names) Pod(i int) string { return n.ns("p", i) }

func (n Names) ns(kind string, i int) string { return fmt.Sprintf("%s%s-%d", n.Prefix(), kind, i) }

// Owns reports whether a namespace name belongs to this run.
func (n Names) Owns(netns string) bool { return n.RunID != "" && strings.HasPrefix(netns, n.Prefix()) }

// The interface names. Inside a subnet's namespace: the bridge and one port
// per attachment; inside a node, router, external or pod: its own links.
const (
	BridgeName = "br0"
	Eth0       = "eth0"
	VXLANDev   = "vxlan.calico"
)

// NodePort is node i's port on its subnet's bridge.
func NodePort(i int) string { return fmt.Sprintf("n%d", i) }

// RouterPort is router r's interface k's port on the subnet's bridge.
func RouterPort(r, k int) string { return fmt.Sprintf("r%di%d", r, k) }

// RouterIface is router r's interface k inside the router's namespace.
func RouterIface(k int) string { return fmt.Sprintf("eth%d", k) }

// ExternalPort is the default router's link to external e.
func ExternalPort(e int) string { return fmt.Sprintf("x%d", e) }

// CaliName is the host side of a pod's veth as Calico's CNI plugin names
// it: "cali" and the first 11 hex digits of the SHA-1 of "namespace.pod".
func CaliName(namespace, pod string) string {
	sum := sha1.Sum([]byte(namespace + "." + pod))
	return "cali" + hex.EncodeToString(sum[:])[:11]
}
