package bgp

import (
	"net/netip"
	"testing"
)

func TestBetter(t *testing.T) {
	ip := netip.MustParseAddr
	base := func() candidate {
		return candidate{adv: &adv{asPath: []uint32{65001}}, group: 1, localPref: 100, peerAS: 65001,
			peerID: ip("10.0.0.2"), peerAddr: ip("10.0.0.2")}
	}
	for _, tc := range []struct {
		name   string
		change func(a, b *candidate) // make a the better one
		why    reason
	}{
		{"higher local-pref", func(a, b *candidate) { a.localPref = 200 }, reasonLocalPref},
		{"shorter AS path", func(a, b *candidate) { b.adv.asPath = []uint32{65001, 65002} }, reasonASPath},
		{"lower origin", func(a, b *candidate) { b.adv.originCode = 2 }, reasonOrigin},
		{"lower MED from the same AS", func(a, b *candidate) { b.adv.med = 10 }, reasonMED},
		{"eBGP over iBGP", func(a, b *candidate) { a.ebgp = true }, reasonEBGP},
		{"lower router ID", func(a, b *candidate) { b.peerID = ip("10.0.0.9") }, reasonRouterID},
		{"ORIGINATOR_ID stands for the router ID", func(a, b *candidate) {
			a.adv.originator, b.adv.originator = ip("10.0.0.1"), ip("10.0.0.5")
			a.peerID = ip("10.0.0.99") // would lose on the sender's ID
		}, reasonRouterID},
		{"shorter cluster list", func(a, b *candidate) { b.adv.clusters = []string{"1.1.1.1"} }, reasonClusterList},
		{"lower neighbour address", func(a, b *candidate) { b.peerAddr = ip("10.0.0.3") }, reasonNeighbor},
		{"update group as the last resort", func(a, b *candidate) { b.group = 2 }, reasonGroup},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := base(), base()
			a.adv, b.adv = &adv{asPath: a.adv.asPath}, &adv{asPath: b.adv.asPath}
			tc.change(&a, &b)
			if c, why := better(&a, &b); c >= 0 || why != tc.why {
				t.Errorf("better(a, b) = %d, %s; want a, %s", c, why, tc.why)
			}
			if c, why := better(&b, &a); c <= 0 || why != tc.why {
				t.Errorf("better(b, a) = %d, %s; want a, %s", c, why, tc.why)
			}
		})
	}
	// MED is not compared between routes from different neighbour ASes.
	a, b := base(), base()
	a.adv = &adv{asPath: []uint32{65001}, med: 50}
	b.adv = &adv{asPath: []uint32{65002}}
	b.peerID = ip("10.0.0.9")
	if c, why := better(&a, &b); c >= 0 || why != reasonRouterID {
		t.Errorf("MED across ASes decided: %d, %s", c, why)
	}
}
