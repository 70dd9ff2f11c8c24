package dataplane

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// fixture is a hand-made scenario: subnets, one router "vpc" (default, with
// an interface .1 on every subnet), nodes, one pool and pods spread
// round-robin, as the loader would have defaulted them.
type fixture struct {
	subnets []topology.Subnet
	nodes   [][2]string // name, address
	pool    topology.IPPool
	pods    int
	felix   topology.FelixConfig
	extra   []topology.IPPool
}

func subnet(name, cidr string, mtu int) topology.Subnet {
	return topology.Subnet{Name: name, CIDR: netip.MustParsePrefix(cidr), MTU: mtu}
}

func ippool(cidr string, ipip, vxlan topology.EncapMode) topology.IPPool {
	return topology.IPPool{Name: "default-ipv4-ippool", CIDR: netip.MustParsePrefix(cidr), BlockSize: 26,
		IPIPMode: ipip, VXLANMode: vxlan, NATOutgoing: true, NodeSelector: "all()"}
}

func (f fixture) scenario(t testing.TB) *topology.Scenario {
	t.Helper()
	sc := &topology.Scenario{Name: "fixture"}
	sc.Underlay.MTU = 1500
	sc.Underlay.Subnets = f.subnets
	vpc := topology.Router{Name: "vpc", Default: true}
	for _, s := range f.subnets {
		gw := s.CIDR.Masked().Addr().Next()
		vpc.Interfaces = append(vpc.Interfaces, topology.Interface{Subnet: s.Name, Addr: gw})
	}
	sc.Underlay.Routers = []topology.Router{vpc}
	for _, n := range f.nodes {
		a := netip.MustParseAddr(n[1])
		var sub topology.Subnet
		for _, s := range f.subnets {
			if s.CIDR.Contains(a) {
				sub = s
			}
		}
		sc.Nodes = append(sc.Nodes, topology.Node{Name: n[0], Subnet: sub.Name, Addr: a,
			Prefix: netip.PrefixFrom(a, sub.CIDR.Bits()), Labels: map[string]string{"kubernetes.io/hostname": n[0]}})
	}
	sc.Resources.IPPools = append([]topology.IPPool{f.pool}, f.extra...)
	sc.Resources.Felix = f.felix
	sc.Namespaces = []topology.Namespace{{Name: "default"}}
	for i := range f.pods {
		sc.Pods = append(sc.Pods, topology.Pod{Name: fmt.Sprintf("web-%d", i), Namespace: "default", Workload: "web",
			Node: sc.Nodes[i%len(sc.Nodes)].Name})
	}
	return sc
}

// meshBGP is a converged full mesh: every node's best route to a block is
// the block's owner, unless down says the pair's session is down.
type meshBGP struct {
	sc    *topology.Scenario
	alloc *ipam.Allocation
	down  map[[2]int]bool
	// tor replaces every next hop with the router's address on the node's
	// subnet (a ToR that does next-hop-self).
	tor bool
}

func (m *meshBGP) BestRoute(node int, p netip.Prefix) (netip.Addr, bool) {
	b, ok := m.alloc.BlockOf(p.Addr())
	if !ok || b.CIDR != p || b.Node == node {
		return netip.Addr{}, false
	}
	if m.down[[2]int{min(node, b.Node), max(node, b.Node)}] {
		return netip.Addr{}, false
	}
	if m.tor {
		for _, in := range m.sc.Underlay.Routers[0].Interfaces {
			if in.Subnet == m.sc.Nodes[node].Subnet {
				return in.Addr, true
			}
		}
	}
	return m.sc.Nodes[b.Node].Addr, true
}

// built runs IPAM and the dataplane over the fixture with a full mesh.
func (f fixture) built(t testing.TB) (*Dataplane, *meshBGP) {
	t.Helper()
	sc := f.scenario(t)
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		t.Fatal(err)
	}
	m := &meshBGP{sc: sc, alloc: alloc}
	d, err := BuildFrom(sc, topology.NewGraph(sc), alloc, m)
	if err != nil {
		t.Fatal(err)
	}
	return d, m
}

// twoAZ is two /24 subnets behind the router: a-1, a-2 in az-a, b-1 in az-b.
func twoAZ(pool topology.IPPool) fixture {
	return fixture{
		subnets: []topology.Subnet{subnet("az-a", "10.0.1.0/24", 1500), subnet("az-b", "10.0.2.0/24", 1500)},
		nodes:   [][2]string{{"a-1", "10.0.1.10"}, {"a-2", "10.0.1.11"}, {"b-1", "10.0.2.20"}},
		pool:    pool,
		pods:    6,
	}
}

func mustBuild(t testing.TB, sc *topology.Scenario) *Dataplane {
	t.Helper()
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		t.Fatal(err)
	}
	d, err := BuildFrom(sc, topology.NewGraph(sc), alloc, &meshBGP{sc: sc, alloc: alloc})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
