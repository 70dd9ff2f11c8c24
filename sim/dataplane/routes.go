package dataplane

import (
	"net/netip"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// Table computes node i's route table, sorted as `ip route` prints it:
//
//	default via GW dev eth0                          (the subnet's gateway)
//	SUBNET dev eth0 proto kernel scope link src NODE (connected)
//	blackhole BLOCK proto bird                       (every local block)
//	BLOCK via NODE dev tunl0 proto bird onlink       (IPIP)
//	BLOCK via NEXTHOP dev eth0 proto bird            (native)
//	BLOCK via VTEP dev vxlan.calico onlink           (VXLAN, programmed by Felix)
//	POD dev caliXXXXXXXXXXX scope link               (every local pod)
//
// The table is computed on every call; callers that need one destination
// should use Lookup, which does not build the table.
func (d *Dataplane) Table(i int) *Table {
	t := &Table{Node: i}
	if i < 0 || i >= len(d.nodes) {
		return t
	}
	t.Routes = make([]Route, 0, 2+len(d.alloc.Blocks)+len(d.podsOf[i]))
	if r, ok := d.defaultRoute(i); ok {
		t.Routes = append(t.Routes, r)
	}
	if r, ok := d.connectedRoute(i); ok {
		t.Routes = append(t.Routes, r)
	}
	for _, b := range d.alloc.Blocks {
		if r, ok := d.blockRoute(i, b); ok {
			t.Routes = append(t.Routes, r)
		}
	}
	for _, p := range d.podsOf[i] {
		t.Routes = append(t.Routes, d.podRoute(p))
	}
	t.sort()
	return t
}

// RouteCount is len(Table(i).Routes) without building the table.
func (d *Dataplane) RouteCount(i int) int {
	if i < 0 || i >= len(d.nodes) {
		return 0
	}
	n := len(d.podsOf[i])
	if _, ok := d.defaultRoute(i); ok {
		n++
	}
	if _, ok := d.connectedRoute(i); ok {
		n++
	}
	for _, b := range d.alloc.Blocks {
		if _, ok := d.blockRoute(i, b); ok {
			n++
		}
	}
	return n
}

// Lookup is Table(i).Lookup(dst) without building the table: it looks only
// at the routes that can contain dst (the pod's /32, its block, the
// connected subnet, the default route).
func (d *Dataplane) Lookup(i int, dst netip.Addr) (Route, bool) {
	if i < 0 || i >= len(d.nodes) || !dst.IsValid() {
		return Route{}, false
	}
	var best Route
	found := false
	consider := func(r Route, ok bool) {
		if ok && r.Dst.Contains(dst) && (!found || r.Dst.Bits() > best.Dst.Bits()) {
			best, found = r, true
		}
	}
	if p, ok := d.podByAddr[dst]; ok && d.podNode[p] == i {
		consider(d.podRoute(p), true)
	}
	if b, ok := d.alloc.BlockOf(dst); ok {
		consider(d.blockRoute(i, b))
	}
	consider(d.connectedRoute(i))
	consider(d.defaultRoute(i))
	return best, found
}

func (d *Dataplane) defaultRoute(i int) (Route, bool) {
	gw := d.nodes[i].Gateway
	if !gw.IsValid() {
		return Route{}, false
	}
	return Route{Dst: netip.PrefixFrom(netip.IPv4Unspecified(), 0), Via: gw, Dev: DevEth0}, true
}

func (d *Dataplane) connectedRoute(i int) (Route, bool) {
	s := d.nodes[i].Subnet
	if s < 0 || !d.nodes[i].Addr.IsValid() {
		return Route{}, false
	}
	return Route{
		Dst:   d.sc.Underlay.Subnets[s].CIDR.Masked(),
		Dev:   DevEth0,
		Proto: ProtoKernel,
		Scope: ScopeLink,
		Src:   d.nodes[i].Addr,
	}, true
}

func (d *Dataplane) podRoute(p int) Route {
	pod := &d.sc.Pods[p]
	a := d.alloc.Pods[p].Addr
	return Route{Dst: netip.PrefixFrom(a, a.BitLen()), Dev: VethName(pod.Namespace, pod.Name), Scope: ScopeLink}
}

// blockRoute is node i's route to block b, if it has one. The
// encapsulation is chosen by b's pool (the destination block's pool):
//
//   - a local block is blackholed;
//   - VXLAN, Always or CrossSubnet with the owner outside node i's prefix:
//     via the owner's VTEP on vxlan.calico; VXLAN CrossSubnet with the owner
//     inside it: native via the owner's address on eth0. Felix programs
//     both from IPAM alone, with no BGP: Calico's BIRD template rejects
//     VXLAN pools from kernel programming ("these are handled by Felix"),
//     and calico_backend vxlan runs no BIRD at all;
//   - IPIP and native pools take the route from BGP: no best route, no
//     line (the packet meets the default route, or nothing). An IPIP pool
//     (Always, or CrossSubnet with the BGP next hop outside node i's
//     prefix) goes via tunl0 onlink to the next hop, whoever it is: Calico's
//     calico_kernel_programming filter (bird_ipam.cfg.template) sets
//     krt_tunnel from the pool's mode and the next hop's subnet alone, so a
//     route learned from an eBGP ToR is tunnelled to the ToR too (which
//     cannot decapsulate it: see packet). Native routes go via eth0,
//     resolved through the default gateway when the next hop is off the
//     node's subnet.
func (d *Dataplane) blockRoute(i int, b ipam.Block) (Route, bool) {
	if b.Node == i {
		// BIRD blackholes the node's own blocks (proto bird), except those of
		// VXLAN pools: its kernel filter rejects them and Felix programs the
		// blackhole itself (proto 80), as Calico v3.28-v3.30 do.
		if b.Pool >= 0 && b.Pool < len(d.poolEnc) && d.poolEnc[b.Pool] == topology.EncapVXLAN {
			return Route{Type: Blackhole, Dst: b.CIDR, Proto: ProtoFelix}, true
		}
		return Route{Type: Blackhole, Dst: b.CIDR, Proto: ProtoBird}, true
	}
	if b.Node < 0 || b.Node >= len(d.nodes) || b.Pool < 0 || b.Pool >= len(d.poolEnc) {
		return Route{}, false
	}
	enc, mode := d.poolEnc[b.Pool], d.poolMode[b.Pool]
	if enc == topology.EncapVXLAN {
		if !d.hasVTEP(i) {
			// Felix configures vxlan.calico, and the route tables of its
			// VXLAN manager (the no-encap one included), only once it knows
			// the node's own VTEP ("Missing local VTEP information,
			// retrying..."), and calico-node allocates a VTEP only on nodes
			// a VXLAN pool selects: a node of an IPIP or native pool has no
			// route to VXLAN blocks.
			return Route{}, false
		}
		owner := d.nodes[b.Node].Addr
		if mode == topology.EncapCrossSubnet && d.nodePfx[i].Contains(owner) {
			// Felix's "no-encap" route for a VXLAN CrossSubnet block in the
			// same subnet: from the block affinity, no BGP (Calico's BIRD
			// never programs VXLAN pools into the kernel).
			return Route{Dst: b.CIDR, Via: owner, Dev: DevEth0, Proto: ProtoFelix, Onlink: true}, true
		}
		na := &d.alloc.Nodes[b.Node]
		if na.TunnelDev != DevVXLAN || !na.Tunnel.IsValid() {
			return Route{}, false // the owner has no VTEP: Felix has nothing to route to
		}
		// Routes on the VXLAN device carry Felix's deviceRouteProtocol
		// (default: boot, which ip route does not print).
		return Route{Dst: b.CIDR, Via: na.Tunnel, Dev: DevVXLAN, Onlink: true}, true
	}
	if d.bgp == nil {
		return Route{}, false
	}
	nh, ok := d.bgp.BestRoute(i, b.CIDR)
	if !ok || !nh.IsValid() {
		return Route{}, false
	}
	if enc == topology.EncapIPIP && (mode == topology.EncapAlways || !d.nodePfx[i].Contains(nh)) {
		return Route{Dst: b.CIDR, Via: nh, Dev: DevTunl0, Proto: ProtoBird, Onlink: true}, true
	}
	if !d.nodeNet[i].Contains(nh) {
		// Calico's BIRD resolves BGP next hops recursively ("gateway
		// recursive"): one off the node's subnet is reached through the
		// node's own route to it, the default gateway; without one BIRD
		// cannot install the route.
		gw := d.nodes[i].Gateway
		if !gw.IsValid() {
			return Route{}, false
		}
		nh = gw
	}
	return Route{Dst: b.CIDR, Via: nh, Dev: DevEth0, Proto: ProtoBird}, true
}

// hasVTEP reports whether node i has a vxlan.calico address (its IPAM tunnel
// address from a VXLAN pool).
func (d *Dataplane) hasVTEP(i int) bool {
	na := &d.alloc.Nodes[i]
	return na.TunnelDev == DevVXLAN && na.Tunnel.IsValid()
}
