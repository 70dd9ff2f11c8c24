package packet

import (
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/topology"
)

// The packet as it is on the wire: the outer header when encapsulated.

func (w *walker) wireDst() netip.Addr {
	if w.enc != topology.EncapNone {
		return w.outerDst
	}
	return w.pkt.Dst
}

func (w *walker) wireSrc() netip.Addr {
	if w.enc != topology.EncapNone {
		return w.outerSrc
	}
	return w.pkt.Src
}

func (w *walker) wireLen() int { return w.pkt.Len() + w.enc.Overhead() }

// wireBlockedBy is the fabric protocol class of the wire packet, if any.
func (w *walker) wireBlockedBy() (topology.FabricProto, bool) {
	switch w.enc {
	case topology.EncapIPIP:
		return topology.BlockIPIP, true
	case topology.EncapVXLAN:
		return topology.BlockVXLAN, true
	}
	return "", false
}

func (w *walker) innerBytes() ([]byte, error) {
	if w.inner == nil {
		b, err := w.pkt.Bytes()
		if err != nil {
			return nil, err
		}
		w.inner = b
	}
	return w.inner, nil
}

// wireIP serializes the packet on the wire (encapsulated when it is).
func (w *walker) wireIP() ([]byte, error) {
	inner, err := w.innerBytes()
	if err != nil {
		return nil, err
	}
	var ip []byte
	switch w.enc {
	case topology.EncapIPIP:
		ip, err = IPIP(w.outerSrc, w.outerDst, inner)
	case topology.EncapVXLAN:
		ip, err = VXLAN(w.outerSrc, w.outerDst, w.srcVTEP, w.dstVTEP, inner)
	default:
		return inner, nil
	}
	if err != nil {
		return nil, err
	}
	if w.outerTTL != DefaultTTL {
		setTTL(ip, w.outerTTL)
	}
	return ip, nil
}

// setTTL rewrites an IPv4 header's TTL and fixes its checksum.
func setTTL(ip []byte, ttl uint8) {
	ip[8] = ttl
	ip[10], ip[11] = 0, 0
	var s uint32
	ihl := int(ip[0]&0x0f) * 4
	for i := 0; i+1 < ihl; i += 2 {
		s += uint32(ip[i])<<8 | uint32(ip[i+1])
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	c := ^uint16(s)
	ip[10], ip[11] = byte(c>>8), byte(c)
}

// frame is the wire packet in an Ethernet frame; nil if it cannot be built
// (which start has already ruled out).
func (w *walker) frame(src, dst dataplane.MAC) []byte {
	ip, err := w.wireIP()
	if err != nil {
		return nil
	}
	f, err := Frame(src, dst, ip)
	if err != nil {
		return nil
	}
	return f
}

func (w *walker) podMAC(p int) dataplane.MAC {
	pod := &w.n.sc.Pods[p]
	return dataplane.DeriveMAC("pod/" + pod.Namespace + "/" + pod.Name)
}

func routerMAC(router, subnet string) dataplane.MAC {
	return dataplane.DeriveMAC("router/" + router + "/" + subnet)
}

// send puts the packet on subnet s from a node (router < 0) or a router
// toward the next hop nh, an address on s, and moves it to whoever owns nh.
// at names the sender.
func (w *walker) send(at string, node, router, s int, nh netip.Addr) {
	sc := w.n.sc
	if s < 0 || s >= len(sc.Underlay.Subnets) {
		w.drop(at, "", NoRoute, "the sender is on no known subnet", nil)
		return
	}
	sub := &sc.Underlay.Subnets[s]
	var linkMTU int
	var srcMAC dataplane.MAC
	dev := dataplane.DevEth0
	if router < 0 {
		info := w.n.dp.Node(node)
		linkMTU, srcMAC = info.HostMTU, info.Devices[0].MAC
	} else {
		linkMTU = dataplane.RouterLinkMTU(sc, router, s)
		srcMAC = routerMAC(sc.Underlay.Routers[router].Name, sub.Name)
		dev = routerDev(&sc.Underlay.Routers[router], sub.Name)
	}
	w.pathMTU = min(w.pathMTU, linkMTU-w.enc.Overhead())
	if w.wireLen() > linkMTU {
		w.mtuViolation(at, dev, linkMTU)
	}

	// Who answers ARP for nh on s: a node or a router interface.
	rcvNode, rcvRouter := -1, -1
	var dstMAC dataplane.MAC
	if k, ok := w.n.dp.NodeAt(nh); ok && w.n.dp.Node(k).Subnet == s {
		rcvNode, dstMAC = k, w.n.dp.Node(k).Devices[0].MAC
	} else if r, ok := w.n.g.RouterAt(nh); ok && routerOn(&sc.Underlay.Routers[r], sub.Name, nh) {
		rcvRouter, dstMAC = r, routerMAC(sc.Underlay.Routers[r].Name, sub.Name)
	} else {
		w.drop(at, dev, NoRoute, fmt.Sprintf("nothing on subnet %s answers ARP for %v", sub.Name, nh), nil)
		return
	}

	if rcvRouter >= 0 {
		// A link carries no more than its smaller end: a router interface
		// with a smaller MTU than the sender's cannot take the frame in
		// (the same bound dataplane's node PathMTU applies both ways).
		rmtu := dataplane.RouterLinkMTU(sc, rcvRouter, s)
		w.pathMTU = min(w.pathMTU, rmtu-w.enc.Overhead())
		if w.wireLen() > rmtu {
			r := &sc.Underlay.Routers[rcvRouter]
			w.mtuViolation("router/"+r.Name, routerDev(r, sub.Name), rmtu)
		}
	}

	name := "subnet/" + sub.Name
	frame := w.frame(srcMAC, dstMAC)
	if p, ok := w.wireBlockedBy(); ok && sub.Blocks(p) {
		w.drop(name, "", ProtocolBlocked, fmt.Sprintf("subnet %s drops %s (%s)", sub.Name, p, protoDesc(p)), frame)
		return
	}
	if sub.SrcDstCheck {
		if node >= 0 && w.wireSrc() != w.n.dp.Node(node).Addr {
			w.drop(name, "", SrcDstCheck, fmt.Sprintf("source %v is not the sending node %s's address %v", w.wireSrc(), sc.Nodes[node].Name, w.n.dp.Node(node).Addr), frame)
			return
		}
		if rcvNode >= 0 && w.wireDst() != w.n.dp.Node(rcvNode).Addr {
			w.drop(name, "", SrcDstCheck, fmt.Sprintf("destination %v is not the receiving node %s's address %v", w.wireDst(), sc.Nodes[rcvNode].Name, w.n.dp.Node(rcvNode).Addr), frame)
			return
		}
	}
	w.hop(Hop{At: name, Action: ActionForward, Detail: fmt.Sprintf("%v -> %v", w.wireSrc(), w.wireDst()), Frame: frame})
	if rcvNode >= 0 {
		w.at = place{kind: atNode, idx: rcvNode, from: s}
	} else {
		w.at = place{kind: atRouter, idx: rcvRouter, from: s}
	}
}

func protoDesc(p topology.FabricProto) string {
	if p == topology.BlockVXLAN {
		return "UDP 4789"
	}
	return "IP protocol 4"
}

// routerOn reports whether router r has address a on the subnet named sub.
func routerOn(r *topology.Router, sub string, a netip.Addr) bool {
	for _, in := range r.Interfaces {
		if in.Subnet == sub && in.Addr == a {
			return true
		}
	}
	return false
}

// routerDev names router r's interface on the subnet named sub: eth<k> by
// its place in the router's interface list.
func routerDev(r *topology.Router, sub string) string {
	for k, in := range r.Interfaces {
		if in.Subnet == sub {
			return fmt.Sprintf("eth%d", k)
		}
	}
	return "eth?"
}
