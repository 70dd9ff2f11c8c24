package dataplane

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// Dataplane is what Felix and BIRD programmed on every node. Per-node facts
// (MTUs, devices) are computed by Build; route tables are computed on demand
// by Table and Lookup, so memory stays linear in the number of nodes. A
// Dataplane is immutable and safe for concurrent reads.
type Dataplane struct {
	sc    *topology.Scenario
	g     *topology.Graph
	alloc *ipam.Allocation
	bgp   BestRoutes

	nodes      []NodeInfo
	nodeByAddr map[netip.Addr]int
	// podsOf[n] are the pods on node n that have a veth (an address, not
	// host-networked), in scenario order.
	podsOf    [][]int
	podNode   []int // per pod: the node whose veth it has, or -1
	podByAddr map[netip.Addr]int

	// Precomputed for blockRoute, which runs once per block per node.
	nodePfx  []netip.Prefix // per node: Prefix, masked (CrossSubnet's test)
	nodeNet  []netip.Prefix // per node: its subnet's CIDR, masked (on-link)
	poolEnc  []topology.Encap
	poolMode []topology.EncapMode
}

// NodeInfo is one node's devices and MTUs.
type NodeInfo struct {
	Name   string     `json:"name"`
	Addr   netip.Addr `json:"addr"`
	Subnet int        `json:"-"` // index in Scenario.Underlay.Subnets; -1 when unknown
	// Gateway is the default route's next hop (zero: no default route).
	Gateway netip.Addr `json:"gateway,omitzero"`

	HostMTU      int       `json:"hostMTU"`      // eth0: the node's subnet MTU
	PodMTU       int       `json:"podMTU"`       // every pod veth on the node
	PodMTUSource MTUSource `json:"podMTUSource"` // auto, veth_mtu or felix
	IPIPMTU      int       `json:"ipipMTU,omitempty"`
	VXLANMTU     int       `json:"vxlanMTU,omitempty"`
	// Overhead is the largest overhead of an encapsulation any enabled pool
	// uses (IPIP 20, VXLAN 50).
	Overhead int `json:"overhead"`
	// PathMTU is the smallest link MTU (subnets and router interfaces) on
	// the node's underlay paths to every subnet that holds a node.
	PathMTU int `json:"pathMTU"`
	// MTUMismatch: the pod MTU plus Overhead, or a tunnel device's MTU plus
	// its overhead, is more than PathMTU, so full-size packets with DF set
	// die on the way (finding MTU_MISMATCH). MTUMismatchReason says which.
	MTUMismatch       bool   `json:"mtuMismatch"`
	MTUMismatchReason string `json:"mtuMismatchReason,omitempty"`

	Devices []Device `json:"devices"` // eth0, tunnels, then veths in pod order
}

// Device returns the node's device called name.
func (n NodeInfo) Device(name string) (Device, bool) {
	for _, d := range n.Devices {
		if d.Name == name {
			return d, true
		}
	}
	return Device{}, false
}

// BestRoutes is what the dataplane reads from BGP: node's best route to a
// prefix, by its next hop (node is an index into Scenario.Nodes). Build
// reads a bgp.Result through it; BuildFrom takes any, for hand-made
// results and for the next stages' tests.
type BestRoutes interface {
	BestRoute(node int, prefix netip.Prefix) (nextHop netip.Addr, ok bool)
}

// BuildFrom is Build with BGP behind BestRoutes (nil: no BGP routes at all).
func BuildFrom(sc *topology.Scenario, g *topology.Graph, alloc *ipam.Allocation, br BestRoutes) (*Dataplane, error) {
	switch {
	case sc == nil:
		return nil, errors.New("dataplane: no scenario")
	case g == nil:
		return nil, errors.New("dataplane: no underlay graph")
	case alloc == nil:
		return nil, errors.New("dataplane: no IPAM allocation")
	case len(alloc.Nodes) != len(sc.Nodes):
		return nil, fmt.Errorf("dataplane: IPAM allocation has %d nodes, the scenario %d", len(alloc.Nodes), len(sc.Nodes))
	case len(alloc.Pods) != len(sc.Pods):
		return nil, fmt.Errorf("dataplane: IPAM allocation has %d pods, the scenario %d", len(alloc.Pods), len(sc.Pods))
	}
	d := &Dataplane{
		sc:         sc,
		g:          g,
		alloc:      alloc,
		bgp:        br,
		nodes:      make([]NodeInfo, len(sc.Nodes)),
		nodeByAddr: make(map[netip.Addr]int, len(sc.Nodes)),
		podsOf:     make([][]int, len(sc.Nodes)),
		podNode:    make([]int, len(sc.Pods)),
		podByAddr:  make(map[netip.Addr]int, len(sc.Pods)),
	}
	subnetIdx := make(map[string]int, len(sc.Underlay.Subnets))
	for i := range sc.Underlay.Subnets {
		if _, dup := subnetIdx[sc.Underlay.Subnets[i].Name]; !dup {
			subnetIdx[sc.Underlay.Subnets[i].Name] = i
		}
	}
	nodeIdx := make(map[string]int, len(sc.Nodes))
	for i := range sc.Nodes {
		n := &sc.Nodes[i]
		if _, dup := nodeIdx[n.Name]; !dup {
			nodeIdx[n.Name] = i
		}
		if _, dup := d.nodeByAddr[n.Addr]; !dup && n.Addr.IsValid() {
			d.nodeByAddr[n.Addr] = i
		}
	}
	for p := range sc.Pods {
		d.podNode[p] = -1
		pod := &sc.Pods[p]
		addr := alloc.Pods[p].Addr
		n, ok := nodeIdx[pod.Node]
		if !ok || pod.HostNetwork || !addr.IsValid() || alloc.Pods[p].Block < 0 {
			continue
		}
		d.podsOf[n] = append(d.podsOf[n], p)
		d.podNode[p] = n
		if _, dup := d.podByAddr[addr]; !dup {
			d.podByAddr[addr] = p
		}
	}

	d.nodePfx = make([]netip.Prefix, len(sc.Nodes))
	d.nodeNet = make([]netip.Prefix, len(sc.Nodes))
	for i := range sc.Nodes {
		if p := sc.Nodes[i].Prefix; p.IsValid() {
			d.nodePfx[i] = p.Masked()
		}
		if s, ok := subnetIdx[sc.Nodes[i].Subnet]; ok {
			d.nodeNet[i] = sc.Underlay.Subnets[s].CIDR.Masked()
		}
	}
	d.poolEnc = make([]topology.Encap, len(sc.Resources.IPPools))
	d.poolMode = make([]topology.EncapMode, len(sc.Resources.IPPools))
	for p := range sc.Resources.IPPools {
		d.poolEnc[p], d.poolMode[p] = sc.Resources.IPPools[p].Encap(), sc.Resources.IPPools[p].EncapMode()
	}

	pathMin := d.subnetPathMTUs(subnetIdx)
	ipip, vxlan := EncapsInUse(sc.Resources.IPPools)
	for i := range sc.Nodes {
		n := &sc.Nodes[i]
		s, ok := subnetIdx[n.Subnet]
		if !ok {
			s = -1
		}
		info := &d.nodes[i]
		*info = NodeInfo{Name: n.Name, Addr: n.Addr, Subnet: s}
		host, path := d.linkMTU(s), 0
		if s >= 0 {
			path = pathMin[s]
			if _, gw, ok := g.Gateway(s); ok {
				info.Gateway = gw
			}
		}
		m := computeMTU(host, path, ipip, vxlan, sc.Resources.Felix)
		info.HostMTU, info.PodMTU, info.PodMTUSource = m.Host, m.Pod, m.Source
		info.IPIPMTU, info.VXLANMTU, info.Overhead, info.PathMTU = m.IPIP, m.VXLAN, m.Overhead, m.Path
		info.MTUMismatch, info.MTUMismatchReason = m.Mismatch, m.Exceeding
		info.Devices = d.devices(i, m, ipip, vxlan)
	}
	return d, nil
}

// linkMTU is the MTU of subnet s: its own, else the underlay's, else 1500.
func (d *Dataplane) linkMTU(s int) int {
	if s >= 0 && s < len(d.sc.Underlay.Subnets) && d.sc.Underlay.Subnets[s].MTU > 0 {
		return d.sc.Underlay.Subnets[s].MTU
	}
	if d.sc.Underlay.MTU > 0 {
		return d.sc.Underlay.MTU
	}
	return DefaultMTU
}

// RouterLinkMTU is the MTU of router r's interface on subnet s: the smaller
// of the interface's MTU (when set) and the subnet's.
func RouterLinkMTU(sc *topology.Scenario, r, s int) int {
	sub := &sc.Underlay.Subnets[s]
	m := sub.MTU
	if m <= 0 {
		m = sc.Underlay.MTU
	}
	if m <= 0 {
		m = DefaultMTU
	}
	for _, in := range sc.Underlay.Routers[r].Interfaces {
		if in.Subnet == sub.Name && in.MTU > 0 && in.MTU < m {
			m = in.MTU
		}
	}
	return m
}

// subnetPathMTUs returns, per subnet, the smallest link MTU on the underlay
// paths from it to every subnet that holds a node (itself included); 0 for
// a subnet without nodes.
func (d *Dataplane) subnetPathMTUs(subnetIdx map[string]int) []int {
	S := len(d.sc.Underlay.Subnets)
	rep := make([]netip.Addr, S) // one node address per subnet
	for i := range d.sc.Nodes {
		n := &d.sc.Nodes[i]
		if s, ok := subnetIdx[n.Subnet]; ok && !rep[s].IsValid() && n.Addr.IsValid() {
			rep[s] = n.Addr
		}
	}
	out := make([]int, S)
	for s := range S {
		if !rep[s].IsValid() {
			continue
		}
		out[s] = d.linkMTU(s)
		for t := range S {
			if t == s || !rep[t].IsValid() {
				continue
			}
			p, ok := d.g.Path(rep[s], rep[t])
			if !ok {
				continue
			}
			for _, ps := range p.Subnets {
				out[s] = min(out[s], d.linkMTU(ps))
			}
			for k, r := range p.Routers {
				out[s] = min(out[s], RouterLinkMTU(d.sc, r, p.Subnets[k]))
				if k+1 < len(p.Subnets) {
					out[s] = min(out[s], RouterLinkMTU(d.sc, r, p.Subnets[k+1]))
				}
			}
		}
	}
	return out
}

// devices lists node i's devices: eth0, the tunnel devices in use, then one
// veth per local pod.
func (d *Dataplane) devices(i int, m mtus, ipip, vxlan bool) []Device {
	n := &d.sc.Nodes[i]
	na := &d.alloc.Nodes[i]
	devs := make([]Device, 0, 3+len(d.podsOf[i]))
	devs = append(devs, Device{Name: DevEth0, Kind: DeviceEthernet, Addr: n.Addr, MTU: m.Host, MAC: DeriveMAC(n.Name + "/" + DevEth0), Pod: -1})
	if ipip {
		dev := Device{Name: DevTunl0, Kind: DeviceIPIP, MTU: m.IPIP, Pod: -1}
		if na.TunnelDev == DevTunl0 {
			dev.Addr = na.Tunnel
		}
		devs = append(devs, dev)
	}
	if vxlan && d.hasVTEP(i) {
		// Felix creates vxlan.calico only with the node's own VTEP: a node
		// that no VXLAN pool selects has none (its pods' MTU still counts
		// the VXLAN overhead, as Felix's is cluster-wide).
		devs = append(devs, Device{Name: DevVXLAN, Kind: DeviceVXLAN, MTU: m.VXLAN, MAC: DeriveMAC(n.Name), VNI: VXLANVNI, Port: VXLANPort, Pod: -1, Addr: na.Tunnel})
	}
	for _, p := range d.podsOf[i] {
		pod := &d.sc.Pods[p]
		devs = append(devs, Device{Name: VethName(pod.Namespace, pod.Name), Kind: DeviceVeth, MTU: m.Pod, MAC: VethMAC(), Pod: p})
	}
	return devs
}

// Nodes is the number of nodes.
func (d *Dataplane) Nodes() int { return len(d.nodes) }

// Node returns node i's devices and MTUs. It panics on an index out of range,
// as a slice does.
func (d *Dataplane) Node(i int) NodeInfo { return d.nodes[i] }

// NodeAt returns the node whose underlay address is a.
func (d *Dataplane) NodeAt(a netip.Addr) (int, bool) {
	n, ok := d.nodeByAddr[a]
	return n, ok
}

// PodAt returns the pod (index in Scenario.Pods) with a veth and address a.
func (d *Dataplane) PodAt(a netip.Addr) (int, bool) {
	p, ok := d.podByAddr[a]
	return p, ok
}

// VTEP returns the node whose vxlan.calico address is a.
func (d *Dataplane) VTEP(a netip.Addr) (int, bool) {
	if b, ok := d.alloc.BlockOf(a); ok && b.Node >= 0 && b.Node < len(d.alloc.Nodes) {
		na := &d.alloc.Nodes[b.Node]
		if na.TunnelDev == DevVXLAN && na.Tunnel == a {
			return b.Node, true
		}
	}
	return -1, false
}
