package packet

import (
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/topology"
)

// router is the packet at router r.
func (w *walker) router() {
	r := w.at.idx
	rt := &w.n.sc.Underlay.Routers[r]
	name := "router/" + rt.Name
	dst := w.wireDst()
	for _, in := range rt.Interfaces {
		if in.Addr != dst {
			continue
		}
		if w.enc != topology.EncapNone {
			// A node tunnelled a pod packet to the router (an IPIP route
			// whose BGP next hop is the router): routers do not
			// decapsulate, so the inner packet goes nowhere.
			w.drop(name, routerDev(rt, in.Subnet), NoRoute, fmt.Sprintf("router %s received %s addressed to itself and does not decapsulate it (%v -> %v inside)",
				rt.Name, w.enc, w.pkt.Src, w.pkt.Dst), nil)
			return
		}
		w.deliver(Hop{At: name, Device: routerDev(rt, in.Subnet), Action: ActionDeliver})
		return
	}
	if p, ok := w.wireBlockedBy(); ok && rt.Blocks(p) {
		w.drop(name, "", ProtocolBlocked, fmt.Sprintf("router %s drops %s (%s)", rt.Name, p, protoDesc(p)), nil)
		return
	}
	if !w.at.origin && !w.decrementTTL(name) {
		return
	}
	var via netip.Addr
	var out int
	var ok bool
	detail := ""
	if _, inPool := w.n.alloc.PoolOf(dst); inPool && w.enc == topology.EncapNone {
		// A pod address: only BGP or a static route knows where it lives.
		nh, how, found := w.podRoute(r, dst)
		if !found {
			w.noRoute(name, -1, r, dst, fmt.Sprintf("router %s has no route to pod address %v (no BGP route, no static route)", rt.Name, dst))
			return
		}
		detail = fmt.Sprintf("%v via %v (%s)", dst, nh, how)
		via, out, ok = w.n.g.NextHop(r, nh)
	} else {
		via, out, ok = w.n.g.NextHop(r, dst)
		detail = fmt.Sprintf("%v via %v", dst, via)
	}
	if !ok {
		w.drop(name, "", NoRoute, fmt.Sprintf("router %s has no underlay route to %v", rt.Name, dst), nil)
		return
	}
	if out < 0 {
		w.outside(r, name)
		return
	}
	w.hop(Hop{At: name, Device: routerDev(rt, w.n.sc.Underlay.Subnets[out].Name), Action: ActionForward, Detail: detail})
	w.send(name, -1, r, out, via)
}

// podRoute is router r's route to a pod address: its BGP best route (a
// router with asNumber), else the longest static route; how says which.
func (w *walker) podRoute(r int, dst netip.Addr) (nh netip.Addr, how string, ok bool) {
	if w.n.bgp != nil {
		if nh, ok := w.n.bgp.routerRoute(r, dst); ok && nh.IsValid() {
			return nh, "bgp", true
		}
	}
	best := -1
	for _, s := range w.n.sc.Underlay.Routers[r].StaticRoutes {
		if s.Dst.Contains(dst) && s.Dst.Bits() > best {
			best, nh = s.Dst.Bits(), s.Via
		}
	}
	return nh, "static", best >= 0
}

// outside sends the packet out of the default router to the world: it is
// delivered when it is for an external (or a literal address beyond).
func (w *walker) outside(r int, name string) {
	rt := &w.n.sc.Underlay.Routers[r]
	dst := w.wireDst()
	w.hop(Hop{At: name, Device: "outside", Action: ActionForward, Detail: fmt.Sprintf("%v leaves the underlay", dst)})
	at := "external/" + dst.String()
	if w.f.Dst.Addr == dst && (w.f.Dst.Kind == EndpointExternal || w.f.Dst.Kind == EndpointIP) {
		at = w.f.Dst.Name
	} else if e, ok := w.n.externalAt[dst]; ok {
		at = "external/" + w.n.sc.Externals[e].Name
	}
	w.deliver(Hop{At: at, Action: ActionDeliver, Frame: w.frame(routerMAC(rt.Name, "outside"), dataplane.DeriveMAC(at))})
}
