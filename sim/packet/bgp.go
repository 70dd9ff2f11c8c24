package packet

import (
	"net/netip"
	"slices"
	"sync"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// NewNetwork bundles what a walk reads. plan and res may both be nil (no
// BGP: routers know only their static routes). The dataplane must have been
// built from the same scenario, IPAM and BGP.
func NewNetwork(sc *topology.Scenario, g *topology.Graph, alloc *ipam.Allocation, plan *bgp.Plan, res *bgp.Result, dp *dataplane.Dataplane) (*Network, error) {
	var r routing
	if plan != nil && res != nil {
		r = newBGPRouting(plan, res)
	}
	return newNetwork(sc, g, alloc, dp, r)
}

// bgpRouting answers a walk's BGP questions from a plan and a result.
type bgpRouting struct {
	plan *bgp.Plan
	res  *bgp.Result
	// sessionsOf[sp] are the plan's sessions of speaker sp, indexed on the
	// first bgp-down question: a 2,000-node mesh has two million sessions
	// and most runs never ask.
	once       sync.Once
	sessionsOf [][]int
}

func newBGPRouting(plan *bgp.Plan, res *bgp.Result) *bgpRouting {
	return &bgpRouting{plan: plan, res: res}
}

// sessions returns the plan's sessions of speaker sp.
func (b *bgpRouting) sessions(sp int) []int {
	b.once.Do(func() {
		plan := b.plan
		b.sessionsOf = make([][]int, len(plan.Speakers))
		for i := range plan.Sessions {
			s := &plan.Sessions[i]
			if s.A >= 0 && s.A < len(b.sessionsOf) {
				b.sessionsOf[s.A] = append(b.sessionsOf[s.A], i)
			}
			if s.B >= 0 && s.B < len(b.sessionsOf) && s.B != s.A {
				b.sessionsOf[s.B] = append(b.sessionsOf[s.B], i)
			}
		}
	})
	if sp < 0 || sp >= len(b.sessionsOf) {
		return nil
	}
	return b.sessionsOf[sp]
}

func (b *bgpRouting) routerRoute(r int, dst netip.Addr) (netip.Addr, bool) {
	sp, ok := b.plan.RouterSpeaker(r)
	if !ok {
		return netip.Addr{}, false
	}
	rt, ok := b.res.Lookup(sp, dst)
	if !ok || rt.Local() {
		return netip.Addr{}, false
	}
	return rt.NextHop, true
}

// isDown reports whether session s could establish on paper (reachable, a
// speaker at both ends, the ASes agree) but is not Established where the
// run ended: a failure took it, or it never came up in time. A session the
// fabric blocks is not "down", it never was: a missing route behind it is
// a plain no-route (with finding BGP_BLOCKED to say why).
func (b *bgpRouting) isDown(s int) bool {
	return b.plan.Sessions[s].CanEstablish() && (s >= len(b.res.Sessions) || b.res.Sessions[s].State != bgp.StateEstablished)
}

// down is the bgp-down rule. A route to block, originated by node owner, is
// missing at speaker x (node, or router when node < 0). It is explained by
// BGP being down when the block exists on paper (owner originates it: an
// IPAM block of a pool that exports to BGP) and
//
//   - x and owner have a configured session of their own, and it is down
//     (see isDown); or, when they have none,
//   - one of x's configured sessions is down, or every one of owner's
//     sessions is down (the route had no way in, or no way out).
//
// With no configured session that could have carried the route at all, or
// only sessions the fabric blocks, the answer is false: a plain no-route (a
// missing BGPPeer, a router without BGP, mesh off and no reflector,
// blockBGP).
func (b *bgpRouting) down(node, router, owner int, block netip.Prefix) bool {
	x, ok := b.plan.NodeSpeaker(node)
	if node < 0 {
		x, ok = b.plan.RouterSpeaker(router)
	}
	o, ook := b.plan.NodeSpeaker(owner)
	if !ok || !ook || o >= len(b.plan.Origins) || !slices.Contains(b.plan.Origins[o], block) {
		return false
	}
	for _, s := range b.sessions(x) {
		if b.plan.Sessions[s].Other(x) == o {
			return b.isDown(s)
		}
	}
	for _, s := range b.sessions(x) {
		if b.isDown(s) {
			return true
		}
	}
	if len(b.sessions(o)) == 0 || len(b.sessions(x)) == 0 {
		return false
	}
	for _, s := range b.sessions(o) {
		if !b.isDown(s) {
			return false
		}
	}
	return true
}
