package verify

import (
	"crypto/sha1"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/topology"
)

// felixProto is the route protocol Felix gives the same-subnet and blackhole
// routes it programs (its default route protocol when DeviceRouteProtocol is
// left at boot; routes through vxlan.calico are told apart by their device
// and keep boot).
const felixProto = "80"

// planFelix programs what Felix programs for VXLAN (from the IPAM block
// affinities, no BGP): the vxlan.calico device (VNI 4096, UDP 4789, the
// node address as local, the VTEP address and MAC), a permanent neighbour
// and an FDB entry per remote VTEP, and a route per remote block:
//
//	BLOCK via VTEP dev vxlan.calico onlink      (Always, or another subnet)
//	BLOCK via NODE dev eth0 proto 80 onlink     (CrossSubnet, same subnet)
//	blackhole BLOCK proto 80                    (a local block)
//
// IPIP needs tunl0 and Calico's patched BIRD (krt_tunnel), so its routes
// are not programmed: IPIP checks are skipped with the reason.
func (l *Lab) planFelix(in *Input, opt LabOptions) {
	sc := in.Scenario
	ipip, vxlan := dataplane.EncapsInUse(sc.Resources.IPPools)
	if ipip {
		l.IPIPSkipped = "stock BIRD 1.6 cannot program IPIP routes (Calico's BIRD sets krt_tunnel = tunl0)"
		if opt.IPIPReason != "" {
			l.IPIPSkipped = opt.IPIPReason
		}
	}
	if vxlan && opt.VXLANReason != "" {
		l.VXLANSkipped = opt.VXLANReason
		return
	}
	type vtep struct {
		node int
		addr netip.Addr
		mac  string
	}
	var vteps []vtep
	isVTEP := make([]bool, len(sc.Nodes))
	for i := range sc.Nodes {
		na := &in.Alloc.Nodes[i]
		if !vxlan || na.TunnelDev != VXLANDev || !na.Tunnel.IsValid() || l.PodMTU[i] == 0 {
			continue
		}
		mac := ""
		if in.Nodes != nil {
			mac = in.Nodes[i].VTEPMAC
		}
		if mac == "" {
			mac = deriveMAC(sc.Nodes[i].Name)
		}
		vteps = append(vteps, vtep{i, na.Tunnel, mac})
		isVTEP[i] = true
	}
	for _, v := range vteps {
		ns := l.Names.Node(v.node)
		n := &sc.Nodes[v.node]
		mtu := l.hostMTU(sc, v.node) - topology.EncapVXLAN.Overhead()
		if sc.Resources.Felix.VXLANMTU > 0 {
			mtu = sc.Resources.Felix.VXLANMTU
		}
		l.ip(ns, "link", "add", VXLANDev, "type", "vxlan", "id", "4096", "dstport", "4789",
			"local", n.Addr.String(), "dev", Eth0, "nolearning")
		l.ip(ns, "link", "set", VXLANDev, "mtu", strconv.Itoa(mtu), "address", v.mac, "up")
		l.ip(ns, "addr", "add", v.addr.String()+"/32", "dev", VXLANDev)
		for _, o := range vteps {
			if o.node == v.node {
				continue
			}
			l.ip(ns, "neigh", "add", o.addr.String(), "lladdr", o.mac, "dev", VXLANDev, "nud", "permanent")
			l.Steps = append(l.Steps, Step{Argv: []string{"bridge", "-n", ns, "fdb", "add", o.mac, "dev", VXLANDev,
				"dst", sc.Nodes[o.node].Addr.String()}})
		}
	}
	if !vxlan {
		return
	}
	for i := range sc.Nodes {
		if l.PodMTU[i] == 0 {
			continue
		}
		ns := l.Names.Node(i)
		for _, b := range in.Alloc.Blocks {
			if b.Pool < 0 || b.Pool >= len(sc.Resources.IPPools) || b.Node < 0 || b.Node >= len(sc.Nodes) {
				continue
			}
			pool := &sc.Resources.IPPools[b.Pool]
			if pool.Encap() != topology.EncapVXLAN {
				continue
			}
			switch {
			case b.Node == i:
				l.ip(ns, "route", "add", "blackhole", b.CIDR.String(), "proto", felixProto)
			case pool.VXLANMode == topology.EncapCrossSubnet && sameSubnet(&sc.Nodes[i], sc.Nodes[b.Node].Addr):
				l.ip(ns, "route", "add", b.CIDR.String(), "via", sc.Nodes[b.Node].Addr.String(), "dev", Eth0, "proto", felixProto, "onlink")
			case isVTEP[i] && isVTEP[b.Node]:
				l.ip(ns, "route", "add", b.CIDR.String(), "via", in.Alloc.Nodes[b.Node].Tunnel.String(), "dev", VXLANDev, "onlink")
			}
		}
	}
}

func (l *Lab) ip(ns string, args ...string) {
	l.Steps = append(l.Steps, Step{Argv: append([]string{"ip", "-n", ns}, args...)})
}

// hostMTU is node i's eth0 MTU.
func (l *Lab) hostMTU(sc *topology.Scenario, i int) int {
	for s := range sc.Underlay.Subnets {
		if sc.Underlay.Subnets[s].Name == sc.Nodes[i].Subnet {
			return linkMTU(sc, s)
		}
	}
	return linkMTU(sc, -1)
}

// sameSubnet is Calico's CrossSubnet test: is a inside the node's address
// with its prefix length?
func sameSubnet(n *topology.Node, a netip.Addr) bool {
	return n.Prefix.IsValid() && n.Prefix.Masked().Contains(a)
}

// deriveMAC makes a stable locally administered unicast MAC from a name,
// for a VTEP the prediction gave no MAC.
func deriveMAC(name string) string {
	sum := sha1.Sum([]byte(name))
	sum[0] = sum[0]&^0x01 | 0x02
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", sum[0], sum[1], sum[2], sum[3], sum[4], sum[5])
}
