package packet

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/topology"
)

// maxSteps bounds a walk even if TTLs were not enough (they are: every node
// and router that forwards decrements one).
const maxSteps = 1024

// Walk sends the flow's first packet and follows it hop by hop until it is
// delivered or dropped. It never fails: a packet that cannot be built is a
// drop at its source with the reason in Drop.Detail.
//
// The rules, in the order a packet meets them:
//
//   - a pod sends on its eth0: larger than the pod MTU is mtu-exceeded at the
//     pod; the node forwards it (TTL - 1);
//   - a node looks the destination up in its table (dataplane.Lookup): no
//     route or a blackhole is no-route (bgp-down when BGP explains it, see
//     BGPDown); a veth route delivers to the pod; tunl0 and vxlan.calico
//     encapsulate (larger than the device MTU: mtu-exceeded at the node),
//     then the outer packet is routed like any other; eth0 routes natively,
//     after natOutgoing SNAT when the source pod's pool has it and the
//     destination is outside every pool;
//   - on every segment: larger than the sender's link MTU is mtu-exceeded at
//     the sender; a blocked protocol (ipip: IP protocol 4, vxlan: UDP 4789)
//     is protocol-blocked at the subnet; with srcDstCheck, a frame whose IP
//     source is not the sending node's own address, or whose IP destination
//     is not the receiving node's, is src-dst-check at the subnet (routers
//     are exempt, as a cloud's own router is);
//   - a router drops blocked protocols, decrements the TTL (ttl-exceeded at
//     zero) and forwards underlay addresses by the graph; a pod address
//     needs a BGP route (routers with asNumber) or a static route, else
//     no-route (or bgp-down); the default router sends everything else
//     outside, where externals are delivered;
//   - a node that receives a packet for its own address decapsulates it
//     (IPIP, VXLAN) and routes the inner packet, or delivers it to itself.
//
// An MTU violation does not stop the walk at once: the rest of the path is
// still walked to learn PathMTU, then the trace is cut at the violation.
func Walk(n *Network, f Flow) *Trace {
	w := &walker{n: n, f: f, t: &Trace{Flow: f}, pathMTU: 1 << 30, podMTU: 1 << 30, mtuAt: -1}
	w.start()
	for steps := 0; !w.done && steps < maxSteps; steps++ {
		switch w.at.kind {
		case atNode:
			w.node()
		case atRouter:
			w.router()
		}
	}
	if !w.done {
		w.drop(w.here(), "", TTLExceeded, "the walk did not end (a forwarding loop)", nil)
	}
	w.finish()
	return w.t
}

type placeKind uint8

const (
	atNode placeKind = iota
	atRouter
)

// place is where the packet is now.
type place struct {
	kind placeKind
	idx  int
	// origin: the packet was made here (no TTL decrement, host source
	// selection); from is the subnet it arrived on (-1: none, or outside).
	origin bool
	from   int
}

// walker is one walk's state. The inner packet is the flow's own packet
// (after SNAT and TTL decrements); enc says whether it travels
// encapsulated, with the outer header fields beside it.
type walker struct {
	n *Network
	f Flow
	t *Trace

	pkt   Packet
	inner []byte // pkt serialized; nil when stale

	enc                topology.Encap
	outerSrc, outerDst netip.Addr
	outerTTL           uint8
	srcVTEP, dstVTEP   dataplane.MAC

	at   place
	done bool
	// pathMTU is the smallest of every underlay link (less the overhead)
	// and tunnel device the packet crossed; podMTU the smallest pod veth;
	// the trace's PathMTU is the smaller of the two.
	pathMTU, podMTU int

	// The first MTU violation: the hop index to cut at and the drop.
	mtuAt   int
	mtuDrop Drop
	mtuDev  string
	mtuLen  int

	// missed is set when a node routed a pod address by a route less
	// specific than its block (the default route): the block route BGP
	// should have given it was missing. A later no-route can then be
	// explained by BGP (bgp-down).
	missed *missedBlock
}

type missedBlock struct {
	node, owner int
	block       netip.Prefix
}

func (w *walker) start() {
	f := w.f
	size := max(f.Size, 0)
	if !f.Src.Addr.IsValid() || !f.Src.Addr.Is4() {
		w.drop(f.Src.Name, "", NoRoute, "the source has no IPv4 address (IPAM gave the pod none?)", nil)
		return
	}
	if !f.Dst.Addr.IsValid() || !f.Dst.Addr.Is4() {
		w.drop(f.Src.Name, "", NoRoute, fmt.Sprintf("the destination %s has no IPv4 address", f.Dst.Name), nil)
		return
	}
	w.pkt = NewPacket(f.Src.Addr, f.Dst.Addr, f.Port, size)
	if _, err := w.innerBytes(); err != nil {
		w.drop(f.Src.Name, "", NoRoute, err.Error(), nil)
		return
	}
	switch f.Src.Kind {
	case EndpointPod:
		if f.Src.Node < 0 {
			w.drop(f.Src.Name, "", NoRoute, "the pod is on no known node", nil)
			return
		}
		node := w.n.dp.Node(f.Src.Node)
		w.podMTU = node.PodMTU
		frame := w.frame(w.podMAC(f.Src.Pod), dataplane.VethMAC())
		w.hop(Hop{At: f.Src.Name, Device: "eth0", Action: ActionForward, Frame: frame})
		if w.pkt.Len() > node.PodMTU {
			w.mtuViolation(f.Src.Name, "eth0", node.PodMTU)
		}
		w.at = place{kind: atNode, idx: f.Src.Node, from: -1}
	case EndpointHost:
		w.at = place{kind: atNode, idx: f.Src.Node, origin: true, from: -1}
	case EndpointRouter:
		w.at = place{kind: atRouter, idx: f.Src.Router, origin: true, from: -1}
	default: // from outside: in through the default router
		def, ok := w.n.g.DefaultRouter()
		if !ok {
			w.drop(f.Src.Name, "", NoRoute, "no default router to enter the underlay by", nil)
			return
		}
		r := &w.n.sc.Underlay.Routers[def]
		w.hop(Hop{At: f.Src.Name, Action: ActionForward, Frame: w.frame(dataplane.DeriveMAC(f.Src.Name), routerMAC(r.Name, "outside"))})
		w.at = place{kind: atRouter, idx: def, from: -1}
	}
}

// node is the packet at node i.
func (w *walker) node() {
	i := w.at.idx
	info := w.n.dp.Node(i)
	name := "node/" + info.Name
	dst := w.wireDst()
	if dst == info.Addr || (w.enc == topology.EncapNone && dst == w.tunnelAddr(i)) {
		if w.enc != topology.EncapNone {
			w.decapsulate(i, name)
			return
		}
		dev := dataplane.DevEth0
		if dst != info.Addr {
			dev = w.n.alloc.Nodes[i].TunnelDev
		}
		w.deliver(Hop{At: name, Device: dev, Action: ActionDeliver})
		return
	}
	if !w.at.origin && !w.decrementTTL(name) {
		return
	}
	r, ok := w.n.dp.Lookup(i, dst)
	if !ok {
		w.noRoute(name, i, -1, dst, "no route to "+dst.String())
		return
	}
	w.noteMissedBlock(i, dst, r)
	if r.Type == dataplane.Blackhole {
		w.drop(name, "", NoRoute, "matched "+r.String()+" (no pod has that address)", nil)
		return
	}
	switch {
	case w.enc == topology.EncapNone && (r.Dev == dataplane.DevTunl0 || r.Dev == dataplane.DevVXLAN):
		w.encapsulate(i, name, r)
	case r.Dev == dataplane.DevEth0:
		w.snat(i, name)
		w.hop(Hop{At: name, Device: r.Dev, Action: ActionRoute, Detail: r.String()})
		nh := r.Via
		if !nh.IsValid() {
			nh = dst
		}
		w.send(name, i, -1, info.Subnet, nh)
	case strings.HasPrefix(r.Dev, "cali") && w.enc == topology.EncapNone:
		w.toPod(i, name, r)
	default:
		w.drop(name, r.Dev, NoRoute, "matched "+r.String()+", which this packet cannot take", nil)
	}
}

// toPod hands the packet to a local pod over its veth.
func (w *walker) toPod(i int, name string, r dataplane.Route) {
	p, ok := w.n.dp.PodAt(w.pkt.Dst)
	if !ok {
		w.drop(name, r.Dev, NoRoute, "no pod behind "+r.Dev, nil)
		return
	}
	podMTU := w.n.dp.Node(i).PodMTU
	w.podMTU = min(w.podMTU, podMTU)
	w.hop(Hop{At: name, Device: r.Dev, Action: ActionRoute, Detail: r.String()})
	if w.pkt.Len() > podMTU {
		w.mtuViolation(name, r.Dev, podMTU)
	}
	pod := &w.n.sc.Pods[p]
	w.deliver(Hop{At: "pod/" + pod.Namespace + "/" + pod.Name, Device: "eth0", Action: ActionDeliver,
		Frame: w.frame(dataplane.VethMAC(), w.podMAC(p))})
}

// encapsulate wraps the packet as route r says (tunl0 or vxlan.calico) and
// routes the outer packet.
func (w *walker) encapsulate(i int, name string, r dataplane.Route) {
	info := w.n.dp.Node(i)
	enc := r.Encap()
	dev, _ := info.Device(r.Dev)
	if w.at.origin && w.pkt.Src == info.Addr {
		// The kernel picks the tunnel device's address as the source of a
		// host's own packet routed into a tunnel.
		if t := w.tunnelAddr(i); t.IsValid() {
			w.pkt.Src, w.inner = t, nil
		}
	}
	outerDst := r.Via
	if enc == topology.EncapVXLAN {
		k, ok := w.n.dp.VTEP(r.Via)
		if !ok {
			w.drop(name, r.Dev, NoRoute, "no node owns VTEP "+r.Via.String(), nil)
			return
		}
		kInfo := w.n.dp.Node(k)
		outerDst = kInfo.Addr
		if v, ok := kInfo.Device(dataplane.DevVXLAN); ok {
			w.dstVTEP = v.MAC
		}
		w.srcVTEP = dev.MAC
	}
	if dev.MTU > 0 {
		w.pathMTU = min(w.pathMTU, dev.MTU)
		if w.pkt.Len() > dev.MTU {
			w.mtuViolation(name, r.Dev, dev.MTU)
		}
	}
	// tunl0 is the kernel's fallback IPIP device, "ttl inherit": the outer
	// header copies the inner TTL. vxlan.calico has no TTL set, so the
	// kernel's default hop limit (64) applies.
	outerTTL := uint8(DefaultTTL)
	if enc == topology.EncapIPIP {
		outerTTL = w.pkt.TTL
	}
	w.enc, w.outerSrc, w.outerDst, w.outerTTL = enc, info.Addr, outerDst, outerTTL
	w.t.Encap, w.t.OverheadBytes = enc, enc.Overhead()
	w.hop(Hop{At: name, Device: r.Dev, Action: ActionEncapsulate,
		Detail: fmt.Sprintf("%s (%s) %s -> %s", enc, r.String(), info.Addr, outerDst)})
	out, ok := w.n.dp.Lookup(i, outerDst)
	if !ok || out.Dev != dataplane.DevEth0 || out.Type == dataplane.Blackhole {
		w.noRoute(name, i, -1, outerDst, "no underlay route to "+outerDst.String())
		return
	}
	nh := out.Via
	if !nh.IsValid() {
		nh = outerDst
	}
	w.send(name, i, -1, info.Subnet, nh)
}

// decapsulate unwraps a packet addressed to node i and routes the inner one.
func (w *walker) decapsulate(i int, name string) {
	dev := dataplane.DevTunl0
	if w.enc == topology.EncapVXLAN {
		dev = dataplane.DevVXLAN
	}
	if _, ok := w.n.dp.Node(i).Device(dev); !ok {
		w.drop(name, dev, NoRoute, "the node has no "+dev+" to decapsulate with", nil)
		return
	}
	w.enc = topology.EncapNone
	w.hop(Hop{At: name, Device: dev, Action: ActionDecapsulate, Detail: fmt.Sprintf("%v -> %v", w.pkt.Src, w.pkt.Dst)})
	w.at = place{kind: atNode, idx: i, from: w.at.from}
}

// snat applies natOutgoing at the pod's own node: the source pod's pool has
// natOutgoing and the destination is outside every pool.
func (w *walker) snat(i int, name string) {
	if w.f.Src.Kind != EndpointPod || w.f.Src.Node != i || w.pkt.Src != w.f.Src.Addr {
		return
	}
	pool, ok := w.n.alloc.PoolOf(w.pkt.Src)
	if !ok || !w.n.sc.Resources.IPPools[pool].NATOutgoing {
		return
	}
	if _, inPool := w.n.alloc.PoolOf(w.pkt.Dst); inPool {
		return
	}
	addr := w.n.dp.Node(i).Addr
	w.hop(Hop{At: name, Device: dataplane.DevEth0, Action: ActionRoute,
		Detail: fmt.Sprintf("natOutgoing: SNAT %v -> %v (pool %s)", w.pkt.Src, addr, w.n.sc.Resources.IPPools[pool].Name)})
	w.pkt.Src, w.inner = addr, nil
	w.t.SNAT = addr
}

func (w *walker) tunnelAddr(i int) netip.Addr { return w.n.alloc.Nodes[i].Tunnel }

// noRoute drops for a missing route at a node (router < 0) or a router:
// bgp-down when the destination is a block whose route BGP should have
// carried and a session that would carry it is down, else no-route.
func (w *walker) noRoute(at string, node, router int, dst netip.Addr, detail string) {
	reason := NoRoute
	if b, ok := w.n.alloc.BlockOf(dst); ok && b.Node >= 0 && w.n.bgp != nil && w.needsBGP(node, b.Node, b.Pool) &&
		w.n.bgp.down(node, router, b.Node, b.CIDR) {
		reason = BGPDown
		detail += fmt.Sprintf(": the BGP session that carries %v here is not established", b.CIDR)
	} else if m := w.missed; m != nil && w.n.bgp != nil && w.n.bgp.down(m.node, -1, m.owner, m.block) {
		reason = BGPDown
		detail += fmt.Sprintf(": node %s took its default route because the BGP session that carries %v to it is not established",
			w.n.sc.Nodes[m.node].Name, m.block)
	}
	w.drop(at, "", reason, detail, nil)
}

// noteMissedBlock records that node i routed dst, an address in another
// node's block whose route comes from BGP, by a less specific route.
func (w *walker) noteMissedBlock(i int, dst netip.Addr, r dataplane.Route) {
	if w.missed != nil || w.enc != topology.EncapNone {
		return
	}
	b, ok := w.n.alloc.BlockOf(dst)
	if !ok || b.Node < 0 || b.Node == i || r.Dst.Bits() >= b.CIDR.Bits() || !w.needsBGP(i, b.Node, b.Pool) {
		return
	}
	w.missed = &missedBlock{node: i, owner: b.Node, block: b.CIDR}
}

// needsBGP reports whether node's route to a block of owner in pool comes
// from BGP: everything but VXLAN pools, whose routes Felix makes from IPAM.
// Routers (node < 0) always need BGP or a static route.
func (w *walker) needsBGP(node, owner, pool int) bool {
	if node < 0 || pool < 0 || pool >= len(w.n.sc.Resources.IPPools) {
		return true
	}
	return w.n.sc.Resources.IPPools[pool].Encap() != topology.EncapVXLAN
}

func (w *walker) here() string {
	if w.at.kind == atRouter {
		return "router/" + w.n.sc.Underlay.Routers[w.at.idx].Name
	}
	return "node/" + w.n.sc.Nodes[w.at.idx].Name
}

// decrementTTL decrements the TTL of the packet on the wire (the outer one
// when encapsulated); at zero the packet is dropped ttl-exceeded at at.
func (w *walker) decrementTTL(at string) bool {
	if w.enc != topology.EncapNone {
		if w.outerTTL <= 1 {
			w.drop(at, "", TTLExceeded, "outer TTL reached 0", nil)
			return false
		}
		w.outerTTL--
		return true
	}
	if w.pkt.TTL <= 1 {
		w.drop(at, "", TTLExceeded, "TTL reached 0", nil)
		return false
	}
	w.pkt.TTL--
	w.inner = nil
	return true
}

func (w *walker) hop(h Hop) {
	if h.IPLen == 0 {
		h.IPLen = w.wireLen()
	}
	w.t.Hops = append(w.t.Hops, h)
}

func (w *walker) deliver(h Hop) {
	w.hop(h)
	w.t.Delivered = true
	w.done = true
}

// drop ends the walk at at for reason.
func (w *walker) drop(at, dev string, reason Reason, detail string, frame []byte) {
	w.hop(Hop{At: at, Device: dev, Action: ActionDrop, Detail: reason.String() + ": " + detail, Frame: frame})
	w.t.Drop = &Drop{At: at, Reason: reason, Detail: detail}
	w.t.Delivered = false
	w.done = true
}

// mtuViolation records the first place the packet is too big for; the
// walk goes on to measure the path and is cut there at the end.
func (w *walker) mtuViolation(at, dev string, mtu int) {
	if w.mtuAt >= 0 {
		return
	}
	w.mtuAt = len(w.t.Hops)
	w.mtuDev, w.mtuLen = dev, w.wireLen()
	w.mtuDrop = Drop{At: at, Reason: MTUExceeded, Detail: fmt.Sprintf("IP packet of %d bytes > MTU %d of %s, DF set", w.wireLen(), mtu, dev)}
}

func (w *walker) finish() {
	t := w.t
	if w.mtuAt >= 0 {
		t.Hops = t.Hops[:w.mtuAt]
		d := w.mtuDrop
		t.Hops = append(t.Hops, Hop{At: d.At, Device: w.mtuDev, Action: ActionDrop, Detail: d.Reason.String() + ": " + d.Detail, IPLen: w.mtuLen})
		t.Drop, t.Delivered = &d, false
	}
	// A pod cannot send more than its veth's MTU, so the pod MTU bounds
	// the path too: with a tunnel in any pool every pod's MTU is lowered,
	// native legs included (as a real ping -M do shows).
	w.pathMTU = min(w.pathMTU, w.podMTU)
	if w.pathMTU == 1<<30 {
		w.pathMTU = 0
	}
	t.PathMTU = w.pathMTU
}
