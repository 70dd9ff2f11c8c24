package packet

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// fixture is a hand-made scenario: subnets behind one default router "vpc"
// (interface .1 on each), nodes, one pool, pods placed round-robin, and a
// BGP outcome described by flags (a converged full mesh unless told
// otherwise).
type fixture struct {
	subnets   []topology.Subnet
	router    topology.Router // Name and Interfaces are filled in
	nodes     [][2]string     // name, address
	pool      topology.IPPool
	pods      int
	felix     topology.FelixConfig
	externals []topology.External
	ifaceMTU  map[string]int // the router's interface MTU per subnet name
	noRouter  bool           // no router at all: no gateway, no way out

	// BGP outcome.
	noMesh      bool        // nodes learn no routes from each other
	downPair    [][2]string // node pairs whose session is down
	routerLearn bool        // the router learned every block (ToR peering)
	nodesViaTor bool        // nodes learned remote blocks from the router
}

func subnet(name, cidr string) topology.Subnet {
	return topology.Subnet{Name: name, CIDR: netip.MustParsePrefix(cidr), MTU: 1500}
}

func ippool(ipip, vxlan topology.EncapMode, nat bool) topology.IPPool {
	return topology.IPPool{Name: "default-ipv4-ippool", CIDR: netip.MustParsePrefix("10.244.0.0/16"), BlockSize: 26,
		IPIPMode: ipip, VXLANMode: vxlan, NATOutgoing: nat, NodeSelector: "all()"}
}

const (
	never  = topology.EncapNever
	always = topology.EncapAlways
	cross  = topology.EncapCrossSubnet
)

// oneSubnet: n-1, n-2 on 172.139.20.0/24; twoSubnets: a-1, a-2 on az-a,
// b-1 on az-b. Both have one pod per node (web-0 on the first node...) and
// the external "internet" at 8.8.8.8.
func oneSubnet(pool topology.IPPool) fixture {
	return fixture{
		subnets:   []topology.Subnet{subnet("lan", "172.139.20.0/24")},
		nodes:     [][2]string{{"n-1", "172.139.20.74"}, {"n-2", "172.139.20.75"}},
		pool:      pool,
		pods:      2,
		externals: []topology.External{{Name: "internet", Addr: netip.MustParseAddr("8.8.8.8")}},
	}
}

func twoSubnets(pool topology.IPPool) fixture {
	return fixture{
		subnets:   []topology.Subnet{subnet("az-a", "10.0.1.0/24"), subnet("az-b", "10.0.2.0/24")},
		nodes:     [][2]string{{"a-1", "10.0.1.10"}, {"a-2", "10.0.1.11"}, {"b-1", "10.0.2.20"}},
		pool:      pool,
		pods:      3,
		externals: []topology.External{{Name: "internet", Addr: netip.MustParseAddr("8.8.8.8")}},
	}
}

func (f fixture) scenario() *topology.Scenario {
	sc := &topology.Scenario{Name: "fixture"}
	sc.Underlay.MTU = 1500
	sc.Underlay.Subnets = f.subnets
	r := f.router
	r.Name, r.Default, r.Interfaces = "vpc", true, nil
	for _, s := range f.subnets {
		r.Interfaces = append(r.Interfaces, topology.Interface{Subnet: s.Name, Addr: s.CIDR.Masked().Addr().Next()})
	}
	for k := range r.Interfaces {
		r.Interfaces[k].MTU = f.ifaceMTU[r.Interfaces[k].Subnet]
	}
	if !f.noRouter {
		sc.Underlay.Routers = []topology.Router{r}
	}
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
	sc.Resources.IPPools = []topology.IPPool{f.pool}
	sc.Resources.Felix = f.felix
	sc.Namespaces = []topology.Namespace{{Name: "default"}}
	for i := range f.pods {
		sc.Pods = append(sc.Pods, topology.Pod{Name: fmt.Sprintf("web-%d", i), Namespace: "default", Workload: "web",
			Node: sc.Nodes[i%len(sc.Nodes)].Name})
	}
	sc.Externals = f.externals
	return sc
}

// fakeBGP is the fixture's BGP outcome, for the dataplane and the walk.
type fakeBGP struct {
	f     fixture
	sc    *topology.Scenario
	alloc *ipam.Allocation
	downs map[[2]int]bool
}

func (b *fakeBGP) BestRoute(node int, p netip.Prefix) (netip.Addr, bool) {
	blk, ok := b.alloc.BlockOf(p.Addr())
	if !ok || blk.CIDR != p || blk.Node == node || blk.Node < 0 {
		return netip.Addr{}, false
	}
	if b.f.nodesViaTor && len(b.sc.Underlay.Routers) > 0 {
		r := &b.sc.Underlay.Routers[0]
		for _, in := range r.Interfaces {
			if in.Subnet == b.sc.Nodes[node].Subnet {
				return in.Addr, true
			}
		}
	}
	if b.f.noMesh || b.downs[[2]int{min(node, blk.Node), max(node, blk.Node)}] {
		return netip.Addr{}, false
	}
	return b.sc.Nodes[blk.Node].Addr, true
}

func (b *fakeBGP) routerRoute(r int, dst netip.Addr) (netip.Addr, bool) {
	if !b.f.routerLearn {
		return netip.Addr{}, false
	}
	blk, ok := b.alloc.BlockOf(dst)
	if !ok || blk.Node < 0 {
		return netip.Addr{}, false
	}
	return b.sc.Nodes[blk.Node].Addr, true
}

func (b *fakeBGP) down(node, router, owner int, block netip.Prefix) bool {
	if node < 0 {
		return false
	}
	return b.downs[[2]int{min(node, owner), max(node, owner)}]
}

// network builds the fixture: IPAM, the dataplane and the walk's network.
func (f fixture) network(t testing.TB) *Network {
	t.Helper()
	sc := f.scenario()
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		t.Fatal(err)
	}
	b := &fakeBGP{f: f, sc: sc, alloc: alloc, downs: map[[2]int]bool{}}
	idx := map[string]int{}
	for i, n := range sc.Nodes {
		idx[n.Name] = i
	}
	for _, p := range f.downPair {
		x, y := idx[p[0]], idx[p[1]]
		b.downs[[2]int{min(x, y), max(x, y)}] = true
	}
	g := topology.NewGraph(sc)
	dp, err := dataplane.BuildFrom(sc, g, alloc, b)
	if err != nil {
		t.Fatal(err)
	}
	n, err := newNetwork(sc, g, alloc, dp, b)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// flow resolves two references ("default/web-0", "node/a-1",
// "external/internet", "router/vpc", "1.2.3.4") to one flow.
func (n *Network) mustFlow(t testing.TB, from, to string, port topology.Port, size int) Flow {
	t.Helper()
	return Flow{Src: n.mustResolve(t, from), Dst: n.mustResolve(t, to), Port: port, Size: size}
}

func (n *Network) mustResolve(t testing.TB, s string) Endpoint {
	t.Helper()
	ref := parseRef(s)
	eps, err := n.Resolve(ref)
	if err != nil || len(eps) != 1 {
		t.Fatalf("resolve %q: %v (%d endpoints)", s, err, len(eps))
	}
	return eps[0]
}

func parseRef(s string) topology.Ref {
	if a, err := netip.ParseAddr(s); err == nil {
		return topology.Ref{Kind: topology.RefIP, Addr: a, Raw: s}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '/' {
			continue
		}
		kind, name := s[:i], s[i+1:]
		switch kind {
		case "node":
			return topology.Ref{Kind: topology.RefNode, Name: name, Raw: s}
		case "router":
			return topology.Ref{Kind: topology.RefRouter, Name: name, Raw: s}
		case "external":
			return topology.Ref{Kind: topology.RefExternal, Name: name, Raw: s}
		}
		return topology.Ref{Kind: topology.RefWorkload, Namespace: kind, Name: name, Raw: s}
	}
	return topology.Ref{Raw: s}
}

var (
	tcp80  = topology.Port{Proto: topology.ProtoTCP, Num: 80}
	tcp443 = topology.Port{Proto: topology.ProtoTCP, Num: 443}
)
