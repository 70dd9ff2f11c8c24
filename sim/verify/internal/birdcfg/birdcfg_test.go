package birdcfg

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

func nodeCases() []struct {
	name string
	node Node
} {
	return []struct {
		name string
		node Node
	}{
		{"mesh-native", Node{
			Name: "worker-1", Addr: addr("10.0.1.10"), Network: pfx("10.0.1.10/24"), AS: 64512,
			Blocks: []netip.Prefix{pfx("10.244.0.0/26")},
			Pools:  []Pool{{CIDR: pfx("10.244.0.0/16")}},
			Peers: []Peer{
				{Kind: PeerMesh, Addr: addr("10.0.1.11"), AS: 64512, Description: "node/worker-2"},
				{Kind: PeerMesh, Addr: addr("10.0.1.9"), AS: 64512, Description: "node/worker-0"},
			},
			Dir: "/run/calisim/n-0",
		}},
		{"reflector-vxlan", Node{
			Name: "rr-1", Addr: addr("10.0.2.20"), Network: pfx("10.0.2.20/24"), AS: 64512, ClusterID: "224.0.0.1",
			Blocks: []netip.Prefix{pfx("10.244.1.0/26"), pfx("10.244.9.0/26")},
			Pools: []Pool{
				{CIDR: pfx("10.244.0.0/16"), Encap: VXLAN},
				{CIDR: pfx("10.250.0.0/16"), DisableBGPExport: true},
			},
			Peers: []Peer{
				{Kind: PeerNode, Addr: addr("10.0.1.10"), AS: 64512, Description: "node/worker-1"},
				{Kind: PeerNode, Addr: addr("10.0.2.21"), AS: 64512, ClusterID: "224.0.0.1", Description: "node/rr-2"},
			},
			Dir: "/run/calisim/n-1",
		}},
		{"ipip-crosssubnet-tor", Node{
			Name: "worker-3", Addr: addr("10.0.3.10"), Network: pfx("10.0.3.10/24"), AS: 64513, ListenPort: 1179,
			Pools: []Pool{{CIDR: pfx("192.168.0.0/16"), Encap: IPIPCrossSubnet}, {CIDR: pfx("172.16.0.0/16"), Encap: IPIPAlways}},
			Peers: []Peer{
				{Kind: PeerGlobal, Addr: addr("10.0.3.1"), AS: 64600, KeepNextHop: true, Description: "router/tor"},
				{Kind: PeerNode, Addr: addr("10.0.9.1"), Port: 1179, AS: 64513, Description: "router/spine"},
			},
			Dir: "/run/calisim/n-2",
		}},
	}
}

func TestNodeGolden(t *testing.T) {
	for _, tc := range nodeCases() {
		t.Run(tc.name, func(t *testing.T) {
			var all bytes.Buffer
			for _, f := range tc.node.Files() {
				all.WriteString("=== " + f.Name + "\n")
				all.Write(f.Data)
			}
			golden(t, filepath.Join("testdata", tc.name+".golden"), all.Bytes())
		})
	}
}

func TestRouterGolden(t *testing.T) {
	r := Router{Name: "tor", RouterID: addr("10.0.1.1"), AS: 64600, Peers: []RouterPeer{
		{Node: "worker-1", Addr: addr("10.0.1.10"), AS: 64512, Direct: true},
		{Node: "worker-9", Addr: addr("10.0.2.10"), AS: 64600},
	}}
	golden(t, filepath.Join("testdata", "router.golden"), r.Config())
}

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output:\n%s", file, got)
	}
}

func TestProtocolNameAndPassive(t *testing.T) {
	tests := []struct {
		peer Peer
		want string
	}{
		{Peer{Kind: PeerMesh, Addr: addr("10.0.1.11")}, "Mesh_10_0_1_11"},
		{Peer{Kind: PeerGlobal, Addr: addr("192.168.0.1")}, "Global_192_168_0_1"},
		{Peer{Kind: PeerNode, Addr: addr("10.0.2.20"), Port: 1179}, "Node_10_0_2_20_port_1179"},
	}
	for _, tc := range tests {
		if got := tc.peer.ProtocolName(); got != tc.want {
			t.Errorf("ProtocolName(%v) = %q, want %q", tc.peer.Addr, got, tc.want)
		}
	}
	// The template compares strings: "10.0.0.9" > "10.0.0.10".
	if !Passive(addr("10.0.0.1"), addr("10.0.0.2")) || Passive(addr("10.0.0.2"), addr("10.0.0.1")) {
		t.Error("the node whose peer compares greater must be the passive one")
	}
	if !Passive(addr("10.0.0.10"), addr("10.0.0.9")) {
		t.Error("Passive must compare as strings, as the template's gt does")
	}
}

// TestBirdParses has the real BIRD parse every configuration (bird -p).
func TestBirdParses(t *testing.T) {
	bird, err := exec.LookPath("bird")
	if err != nil {
		t.Skip("bird not installed")
	}
	check := func(t *testing.T, dir string) {
		out, err := exec.Command(bird, "-p", "-c", filepath.Join(dir, Main)).CombinedOutput()
		if err != nil {
			t.Fatalf("bird -p: %v\n%s", err, out)
		}
	}
	for _, tc := range nodeCases() {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.node
			n.Dir = t.TempDir()
			for _, f := range n.Files() {
				if err := os.WriteFile(filepath.Join(n.Dir, f.Name), f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			check(t, n.Dir)
		})
	}
	t.Run("router", func(t *testing.T) {
		dir := t.TempDir()
		r := Router{Name: "tor", RouterID: addr("10.0.1.1"), AS: 64600, Peers: []RouterPeer{{Node: "w", Addr: addr("10.0.1.10"), AS: 64512, Direct: true}}}
		if err := os.WriteFile(filepath.Join(dir, Main), r.Config(), 0o644); err != nil {
			t.Fatal(err)
		}
		check(t, dir)
	})
}

func TestNoBlocks(t *testing.T) {
	n := Node{Name: "x", Addr: addr("10.0.0.1"), AS: 64512}
	got := string(n.Files()[1].Data)
	if !strings.Contains(got, "No IP blocks") || strings.Contains(got, "protocol static") {
		t.Errorf("a node without blocks must have no static protocol:\n%s", got)
	}
}
