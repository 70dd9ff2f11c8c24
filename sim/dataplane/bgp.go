package dataplane

import (
	"net/netip"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// Build computes the dataplane of sc from IPAM and where BGP settled: a
// node's route to a remote block (IPIP or native) is its best BGP route to
// exactly that block. plan and res may both be nil: no BGP (VXLAN only).
func Build(sc *topology.Scenario, g *topology.Graph, alloc *ipam.Allocation, plan *bgp.Plan, res *bgp.Result) (*Dataplane, error) {
	if plan == nil || res == nil {
		return BuildFrom(sc, g, alloc, nil)
	}
	return BuildFrom(sc, g, alloc, bgpRoutes{sc: sc, plan: plan, res: res})
}

// bgpRoutes reads a node's best routes from a bgp.Result.
type bgpRoutes struct {
	sc   *topology.Scenario
	plan *bgp.Plan
	res  *bgp.Result
}

func (b bgpRoutes) BestRoute(node int, prefix netip.Prefix) (netip.Addr, bool) {
	sp, ok := b.plan.NodeSpeaker(node)
	if !ok {
		return netip.Addr{}, false
	}
	r, ok := b.res.Route(sp, prefix)
	if !ok || r.Local() || !r.NextHop.IsValid() || r.NextHop == b.sc.Nodes[node].Addr {
		return netip.Addr{}, false
	}
	return r.NextHop, true
}
