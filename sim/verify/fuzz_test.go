package verify

import (
	"strings"
	"testing"
)

// FuzzParseRoute: any line parses without panic, a line always matches
// itself, and the destination is normalised (parsing what normDst printed
// gives the same destination).
func FuzzParseRoute(f *testing.F) {
	for _, s := range []string{
		"default via 10.0.1.1 dev eth0",
		"10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10",
		"blackhole 10.244.0.0/26 proto bird",
		"10.244.0.64/26 via 10.0.1.11 dev eth0 proto bird",
		"10.244.0.128/26 via 10.244.0.128 dev vxlan.calico onlink",
		"10.244.1.0/26 via 10.0.2.20 dev tunl0 proto bird onlink",
		"10.244.0.5 dev cali0123456789a scope link",
		"unicast 10.1.2.3/8 dev x", "", "blackhole", "via via via",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := parseRoute(s)
		if !ok {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("parseRoute(%q) refused a non-empty line", s)
			}
			return
		}
		if !r.matches(r) {
			t.Fatalf("%q does not match itself", s)
		}
		if normDst(r.dst) != r.dst {
			t.Fatalf("normDst is not idempotent on %q: %q -> %q", s, r.dst, normDst(r.dst))
		}
		if _, _, found := findRoute([]string{s}, s); !found {
			t.Fatalf("findRoute does not find %q in itself", s)
		}
	})
}

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
