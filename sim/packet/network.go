package packet

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// Network is everything a walk reads: the scenario, its underlay graph, the
// IPAM allocation, BGP and the dataplane, with the lookups a walk needs
// built once. It is immutable and safe for concurrent walks.
type Network struct {
	sc    *topology.Scenario
	g     *topology.Graph
	alloc *ipam.Allocation
	dp    *dataplane.Dataplane
	bgp   routing

	subnetIdx  map[string]int
	nodeIdx    map[string]int
	routerIdx  map[string]int
	external   map[string]int     // name -> index in sc.Externals
	externalAt map[netip.Addr]int // address -> index in sc.Externals
	// pods maps "namespace/name" to pods: a pod's own name, and a
	// workload's name to every pod of it (in scenario order).
	pods map[string][]int
}

// routing is what a walk reads from BGP beyond the node tables (which the
// dataplane already holds).
type routing interface {
	// routerRoute is router r's best BGP route toward dst: its next hop.
	routerRoute(r int, dst netip.Addr) (netip.Addr, bool)
	// down reports whether a route that is missing at node (router < 0) or
	// at router, toward a block node owner originates, is explained by a
	// configured BGP session that is not established (see BGPDown).
	down(node, router, owner int, block netip.Prefix) bool
}

// newNetwork is NewNetwork with BGP behind an interface, for tests.
func newNetwork(sc *topology.Scenario, g *topology.Graph, alloc *ipam.Allocation, dp *dataplane.Dataplane, r routing) (*Network, error) {
	switch {
	case sc == nil:
		return nil, errors.New("packet: no scenario")
	case g == nil:
		return nil, errors.New("packet: no underlay graph")
	case alloc == nil || len(alloc.Pods) != len(sc.Pods) || len(alloc.Nodes) != len(sc.Nodes):
		return nil, errors.New("packet: no IPAM allocation for this scenario")
	case dp == nil || dp.Nodes() != len(sc.Nodes):
		return nil, errors.New("packet: no dataplane for this scenario")
	}
	n := &Network{
		sc: sc, g: g, alloc: alloc, dp: dp, bgp: r,
		subnetIdx:  make(map[string]int, len(sc.Underlay.Subnets)),
		nodeIdx:    make(map[string]int, len(sc.Nodes)),
		routerIdx:  make(map[string]int, len(sc.Underlay.Routers)),
		external:   make(map[string]int, len(sc.Externals)),
		externalAt: make(map[netip.Addr]int, len(sc.Externals)),
		pods:       make(map[string][]int, len(sc.Pods)),
	}
	for i := range sc.Underlay.Subnets {
		setFirst(n.subnetIdx, sc.Underlay.Subnets[i].Name, i)
	}
	for i := range sc.Nodes {
		setFirst(n.nodeIdx, sc.Nodes[i].Name, i)
	}
	for i := range sc.Underlay.Routers {
		setFirst(n.routerIdx, sc.Underlay.Routers[i].Name, i)
	}
	for i := range sc.Externals {
		setFirst(n.external, sc.Externals[i].Name, i)
		setFirst(n.externalAt, sc.Externals[i].Addr, i)
	}
	for i := range sc.Pods {
		p := &sc.Pods[i]
		own := p.Namespace + "/" + p.Name
		n.pods[own] = append(n.pods[own], i)
		if p.Workload != "" && p.Workload != p.Name {
			wl := p.Namespace + "/" + p.Workload
			n.pods[wl] = append(n.pods[wl], i)
		}
	}
	return n, nil
}

func setFirst[K comparable](m map[K]int, k K, v int) {
	if _, dup := m[k]; !dup {
		m[k] = v
	}
}

// Scenario returns the scenario the network was built from.
func (n *Network) Scenario() *topology.Scenario { return n.sc }

// Dataplane returns the dataplane the network walks over.
func (n *Network) Dataplane() *dataplane.Dataplane { return n.dp }

// Resolve turns an endpoint reference into the endpoints it names, in
// scenario order: ns/workload (every pod of it; a pod's own name wins over
// a workload of the same name), ns/pod, node/NAME, router/NAME,
// external/NAME, or a literal IP (the pod, node, router or external that
// owns it, else the bare address). A host-networked pod is its node's host.
func (n *Network) Resolve(ref topology.Ref) ([]Endpoint, error) {
	switch ref.Kind {
	case topology.RefWorkload:
		key := ref.Namespace + "/" + ref.Name
		list := n.pods[key]
		var own []int
		for _, p := range list {
			if n.sc.Pods[p].Name == ref.Name {
				own = append(own, p)
			}
		}
		if len(own) > 0 {
			list = own[:1]
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("no pod or workload %q", key)
		}
		out := make([]Endpoint, 0, len(list))
		for _, p := range list {
			out = append(out, n.podEndpoint(p))
		}
		return out, nil
	case topology.RefNode:
		i, ok := n.nodeIdx[ref.Name]
		if !ok {
			return nil, fmt.Errorf("no node %q", ref.Name)
		}
		return []Endpoint{n.hostEndpoint(i)}, nil
	case topology.RefRouter:
		r, ok := n.routerIdx[ref.Name]
		if !ok {
			return nil, fmt.Errorf("no router %q", ref.Name)
		}
		return []Endpoint{n.routerEndpoint(r)}, nil
	case topology.RefExternal:
		e, ok := n.external[ref.Name]
		if !ok {
			return nil, fmt.Errorf("no external %q", ref.Name)
		}
		return []Endpoint{n.externalEndpoint(e)}, nil
	case topology.RefIP:
		if !ref.Addr.IsValid() {
			return nil, fmt.Errorf("%q is not an address", ref.Raw)
		}
		return []Endpoint{n.addrEndpoint(ref.Addr)}, nil
	}
	return nil, fmt.Errorf("reference %q of unknown kind %d", ref.Raw, ref.Kind)
}

func (n *Network) podEndpoint(p int) Endpoint {
	pod := &n.sc.Pods[p]
	node, ok := n.nodeIdx[pod.Node]
	if !ok {
		node = -1
	}
	e := Endpoint{Kind: EndpointPod, Node: node, Pod: p, Router: -1, Addr: n.alloc.Pods[p].Addr, Name: "pod/" + pod.Namespace + "/" + pod.Name}
	if pod.HostNetwork && node >= 0 {
		e.Kind, e.Addr = EndpointHost, n.sc.Nodes[node].Addr
	}
	return e
}

func (n *Network) hostEndpoint(i int) Endpoint {
	return Endpoint{Kind: EndpointHost, Node: i, Pod: -1, Router: -1, Addr: n.sc.Nodes[i].Addr, Name: "node/" + n.sc.Nodes[i].Name}
}

func (n *Network) routerEndpoint(r int) Endpoint {
	rt := &n.sc.Underlay.Routers[r]
	var a netip.Addr
	for _, in := range rt.Interfaces {
		if in.Addr.IsValid() {
			a = in.Addr
			break
		}
	}
	return Endpoint{Kind: EndpointRouter, Node: -1, Pod: -1, Router: r, Addr: a, Name: "router/" + rt.Name}
}

func (n *Network) externalEndpoint(e int) Endpoint {
	x := &n.sc.Externals[e]
	return Endpoint{Kind: EndpointExternal, Node: -1, Pod: -1, Router: -1, Addr: x.Addr, Name: "external/" + x.Name}
}

// addrEndpoint is whatever owns a: a pod, a node, a router, an external, or
// nothing known (EndpointIP, named external/ADDR).
func (n *Network) addrEndpoint(a netip.Addr) Endpoint {
	if p, ok := n.dp.PodAt(a); ok {
		return n.podEndpoint(p)
	}
	if i, ok := n.dp.NodeAt(a); ok {
		return n.hostEndpoint(i)
	}
	if r, ok := n.g.RouterAt(a); ok {
		e := n.routerEndpoint(r)
		e.Addr = a
		return e
	}
	if e, ok := n.externalAt[a]; ok {
		return n.externalEndpoint(e)
	}
	return Endpoint{Kind: EndpointIP, Node: -1, Pod: -1, Router: -1, Addr: a, Name: "external/" + a.String()}
}
