package ipam

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/calisim/calisim/sim/topology"
)

// overlaps lists, pool by pool in name order, the later pools each pool
// overlaps and then the underlay subnets it overlaps (for POOL_OVERLAP).
// Disabled pools are included: their addresses still clash with routes.
func overlaps(sc *topology.Scenario) []Overlap {
	pools := sc.Resources.IPPools
	var out []Overlap
	for i := range pools {
		pi := pools[i].CIDR
		if !pi.IsValid() {
			continue
		}
		for j := i + 1; j < len(pools); j++ {
			pj := pools[j].CIDR
			if pj.IsValid() && pi.Overlaps(pj) {
				out = append(out, Overlap{
					Pool: i, OtherPool: j,
					Message: fmt.Sprintf("IPPool %s (%s) overlaps IPPool %s (%s)", pools[i].Name, pi.Masked(), pools[j].Name, pj.Masked()),
				})
			}
		}
		for _, s := range sc.Underlay.Subnets {
			if s.CIDR.IsValid() && pi.Overlaps(s.CIDR) {
				out = append(out, Overlap{
					Pool: i, OtherPool: -1, Subnet: s.Name,
					Message: fmt.Sprintf("IPPool %s (%s) overlaps underlay subnet %s (%s)", pools[i].Name, pi.Masked(), s.Name, s.CIDR.Masked()),
				})
			}
		}
	}
	return out
}

// podCapacity is the number of addresses in the enabled pools, each address
// counted once when pools overlap, saturated at math.MaxInt64.
func podCapacity(pools []topology.IPPool) int64 {
	var ps []netip.Prefix
	for i := range pools {
		if !pools[i].Disabled && pools[i].CIDR.IsValid() {
			ps = append(ps, pools[i].CIDR.Masked())
		}
	}
	// Two prefixes either nest or are disjoint: sorted by address and then
	// shorter first, a prefix inside an earlier one is already counted.
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	var total int64
	var last netip.Prefix
	for _, p := range ps {
		if last.IsValid() && last.Overlaps(p) {
			continue
		}
		last = p
		total = addSat(total, pow2i64(p.Addr().BitLen()-p.Bits()))
	}
	return total
}
