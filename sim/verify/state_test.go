package verify

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/calisim/calisim/sim/verify/internal/birdcfg"
)

func TestParseProtocols(t *testing.T) {
	out := `BIRD 1.6.8 ready.
name     proto    table    state  since       info
static1  Static   master   up     23:59:10    
kernel1  Kernel   master   up     23:59:10    
Mesh_10_0_1_11 BGP      master   up     23:59:12    Established   
Node_10_0_2_20_port_1179 BGP      master   start  23:59:12    Active        Socket: Connection reset by peer
Global_192_168_0_1 BGP      master   start  23:59:12    Connect
`
	got := parseProtocols(out)
	want := []Session{
		{Name: "Mesh_10_0_1_11", Peer: netip.MustParseAddr("10.0.1.11"), State: "up", Info: "Established"},
		{Name: "Node_10_0_2_20_port_1179", Peer: netip.MustParseAddr("10.0.2.20"), State: "start", Info: "Active Socket: Connection reset by peer"},
		{Name: "Global_192_168_0_1", Peer: netip.MustParseAddr("192.168.0.1"), State: "start", Info: "Connect"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("parseProtocols:\n got %+v\nwant %+v", got, want)
	}
	if !got[0].Established() || got[1].Established() {
		t.Error("Established must read the info column")
	}
	for _, bad := range []string{"Mesh_", "Mesh_1_2_3", "Node_300_1_1_1", "static1", "Mesh_a_b_c_d"} {
		if _, ok := peerAddr(bad); ok {
			t.Errorf("peerAddr(%q) accepted", bad)
		}
	}
}

func TestPingWhy(t *testing.T) {
	tests := []struct{ out, want string }{
		{"PING 10.0.0.2 (10.0.0.2) 1473(1501) bytes of data.\nping: local error: message too long, mtu=1500\n", "local error: message too long, mtu=1500"},
		{"PING x\nFrom 10.0.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)\n", "From 10.0.1.1 Frag needed and DF set (mtu = 1400)"},
		{"PING x\nFrom 10.0.1.1 icmp_seq=1 Destination Net Unreachable\n", "From 10.0.1.1 Destination Net Unreachable"},
		{"PING x\n\n--- x ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss\n", "no reply"},
	}
	for _, tc := range tests {
		if got := pingWhy(tc.out); got != tc.want {
			t.Errorf("pingWhy: got %q, want %q", got, tc.want)
		}
	}
}

// TestBGPPeersBothEnds: a BGPPeer with a peerSelector configures both ends,
// as confd does; the mesh skips reflectors; rr client only towards
// non-reflectors of the same AS.
func TestBGPPeersBothEnds(t *testing.T) {
	in := loadInput(t, "verify-reflectors")
	peers, err := bgpPeers(in.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	addrs := func(i int) []string {
		var out []string
		for _, p := range peers[i] {
			out = append(out, p.ProtocolName())
		}
		return out
	}
	sc := in.Scenario
	// rr-1 (node 0) peers rr-2 and the three workers; workers peer both RRs.
	if got := len(peers[0]); got != 4 {
		t.Errorf("rr-1 sessions: %v, want 4", addrs(0))
	}
	for i := 2; i < 5; i++ {
		if got := len(peers[i]); got != 2 {
			t.Errorf("%s sessions: %v, want the 2 reflectors", sc.Nodes[i].Name, addrs(i))
		}
		for _, p := range peers[i] {
			if p.Kind != birdcfg.PeerNode || p.ClusterID == "" {
				t.Errorf("%s: %+v is not a Node_ peer at a reflector", sc.Nodes[i].Name, p)
			}
		}
	}
	mesh, err := bgpPeers(loadInput(t, "verify-native").Scenario)
	if err != nil {
		t.Fatal(err)
	}
	for i, ps := range mesh {
		if len(ps) != 2 || ps[0].Kind != birdcfg.PeerMesh {
			t.Errorf("native node %d: want 2 mesh sessions, got %+v", i, ps)
		}
	}
}
