package dataplane

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// scaleScenario has nodes spread over subnets of 1,000 (10.S.x.y/16 behind
// one router), an IPIP CrossSubnet pool and podsPerNode pods on each node.
func scaleScenario(nodes, podsPerNode int) *topology.Scenario {
	sc := &topology.Scenario{Name: "scale"}
	sc.Underlay.MTU = 1500
	vpc := topology.Router{Name: "vpc", Default: true}
	subnets := (nodes + 999) / 1000
	for s := range subnets {
		cidr := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(s), 0, 0}), 16)
		sc.Underlay.Subnets = append(sc.Underlay.Subnets, topology.Subnet{Name: fmt.Sprintf("s-%d", s), CIDR: cidr, MTU: 1500})
		vpc.Interfaces = append(vpc.Interfaces, topology.Interface{Subnet: fmt.Sprintf("s-%d", s), Addr: cidr.Addr().Next()})
	}
	sc.Underlay.Routers = []topology.Router{vpc}
	for i := range nodes {
		s := i / 1000
		a := netip.AddrFrom4([4]byte{10, byte(s), byte((i%1000 + 10) >> 8), byte(i%1000 + 10)})
		name := fmt.Sprintf("n-%d", i)
		sc.Nodes = append(sc.Nodes, topology.Node{Name: name, Subnet: fmt.Sprintf("s-%d", s), Addr: a,
			Prefix: netip.PrefixFrom(a, 16), Labels: map[string]string{"kubernetes.io/hostname": name}})
	}
	sc.Resources.IPPools = []topology.IPPool{{Name: "default-ipv4-ippool", CIDR: netip.MustParsePrefix("100.64.0.0/10"), BlockSize: 26,
		IPIPMode: topology.EncapCrossSubnet, VXLANMode: topology.EncapNever, NATOutgoing: true, NodeSelector: "all()"}}
	for i := range nodes * podsPerNode {
		sc.Pods = append(sc.Pods, topology.Pod{Name: fmt.Sprintf("p-%d", i), Namespace: "default", Workload: "p", Node: sc.Nodes[i%nodes].Name})
	}
	return sc
}

func scaleBuilt(tb testing.TB, nodes, podsPerNode int) (*Dataplane, *topology.Scenario) {
	tb.Helper()
	sc := scaleScenario(nodes, podsPerNode)
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := BuildFrom(sc, topology.NewGraph(sc), alloc, &meshBGP{sc: sc, alloc: alloc})
	if err != nil {
		tb.Fatal(err)
	}
	return d, sc
}

// TestScaleTenThousand builds 10,000 nodes and reads a few tables: each
// table holds one line per block plus the node's own, and nothing is kept
// between calls.
func TestScaleTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	d, _ := scaleBuilt(t, 10000, 1)
	for _, i := range []int{0, 4999, 9999} {
		tab := d.Table(i)
		// default + connected + 10,000 blocks + 1 pod
		if got := len(tab.Routes); got != 10003 {
			t.Errorf("node %d: %d routes, want 10003", i, got)
		}
		if tab.Routes[0].Dst.Bits() != 0 {
			t.Errorf("node %d: first line %q, want the default route", i, tab.Routes[0])
		}
	}
	// A node in s-0 reaches a block of s-9 through tunl0, one in s-0 natively.
	r, ok := d.Lookup(0, d.alloc.Blocks[d.alloc.Nodes[9999].Blocks[0]].CIDR.Addr().Next())
	if !ok || r.Dev != DevTunl0 {
		t.Errorf("cross-subnet route %q", r)
	}
	r, ok = d.Lookup(0, d.alloc.Blocks[d.alloc.Nodes[1].Blocks[0]].CIDR.Addr().Next())
	if !ok || r.Dev != DevEth0 || r.Via != d.Node(1).Addr {
		t.Errorf("same-subnet route %q", r)
	}
}

func BenchmarkBuild1k(b *testing.B) {
	sc := scaleScenario(1000, 10)
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		b.Fatal(err)
	}
	g := topology.NewGraph(sc)
	bgp := &meshBGP{sc: sc, alloc: alloc}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildFrom(sc, g, alloc, bgp); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildAllTables1k is what `calisim run` pays to build every
// table of a 1,000-node cluster once.
func BenchmarkBuildAllTables1k(b *testing.B) {
	sc := scaleScenario(1000, 10)
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		b.Fatal(err)
	}
	g := topology.NewGraph(sc)
	bgp := &meshBGP{sc: sc, alloc: alloc}
	b.ReportAllocs()
	for b.Loop() {
		d, err := BuildFrom(sc, g, alloc, bgp)
		if err != nil {
			b.Fatal(err)
		}
		for i := range d.Nodes() {
			_ = d.Table(i)
		}
	}
}

func BenchmarkBuild10k(b *testing.B) {
	sc := scaleScenario(10000, 1)
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		b.Fatal(err)
	}
	g := topology.NewGraph(sc)
	bgp := &meshBGP{sc: sc, alloc: alloc}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildFrom(sc, g, alloc, bgp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTable10k(b *testing.B) {
	d, _ := scaleBuilt(b, 10000, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = d.Table(i % 10000)
		i += 7919
	}
}

func BenchmarkLookup10k(b *testing.B) {
	d, _ := scaleBuilt(b, 10000, 1)
	dsts := make([]netip.Addr, 1024)
	for k := range dsts {
		dsts[k] = d.alloc.Blocks[(k*7919)%len(d.alloc.Blocks)].CIDR.Addr().Next()
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := d.Lookup(i%10000, dsts[i%len(dsts)]); !ok {
			b.Fatal("no route")
		}
		i++
	}
}

func BenchmarkTable1k(b *testing.B) {
	d, _ := scaleBuilt(b, 1000, 10)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = d.Table(i % 1000)
		i += 7919
	}
}

func BenchmarkRouteCount10k(b *testing.B) {
	d, _ := scaleBuilt(b, 10000, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = d.RouteCount(i % 10000)
		i += 7919
	}
}
