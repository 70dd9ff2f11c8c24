package iproute

import (
	"strings"
	"testing"
)

// FuzzParse: any line parses without panic, a line always matches
// itself, and the destination is normalised (parsing what normDst printed
// gives the same destination).
func FuzzParse(f *testing.F) {
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
		r, ok := Parse(s)
		if !ok {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("Parse(%q) refused a non-empty line", s)
			}
			return
		}
		if !r.Matches(r) {
			t.Fatalf("%q does not match itself", s)
		}
		if NormDst(r.Dst) != r.Dst {
			t.Fatalf("normDst is not idempotent on %q: %q -> %q", s, r.Dst, NormDst(r.Dst))
		}
		if _, _, found := Find([]string{s}, s); !found {
			t.Fatalf("findRoute does not find %q in itself", s)
		}
	})
}
