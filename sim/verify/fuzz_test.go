package verify

import (
	"testing"
)

// FuzzParseProtocols: any birdc output parses without panic; every
// session it returns came from a BGP line and names its peer when the
// protocol name carries one.
func FuzzParseProtocols(f *testing.F) {
	f.Add("BIRD 1.6.8 ready.\nname     proto    table    state  since       info\nMesh_10_0_1_11 BGP      master   up     23:59:12    Established   \n")
	f.Add("Node_10_0_2_20_port_1179 BGP master start 23:59:12 Active Socket: Connection reset by peer\n")
	f.Add("Global_1_2_3 BGP x y z\nMesh_999_1_1_1 BGP a b c d\n")
	f.Fuzz(func(t *testing.T, out string) {
		for _, s := range parseProtocols(out) {
			if s.Name == "" {
				t.Fatalf("a session without a name from %q", out)
			}
			if a, ok := peerAddr(s.Name); ok != s.Peer.IsValid() || (ok && a != s.Peer) {
				t.Fatalf("peer of %q: %v vs %v", s.Name, a, s.Peer)
			}
		}
	})
}
