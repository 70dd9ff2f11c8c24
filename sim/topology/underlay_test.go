package topology

import (
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"testing"
)

// chain builds az-a -- r1 -- transit -- r2 -- az-b, plus az-c hanging off r1
// and a parallel router r3 between transit and az-b (same cost as r2, higher
// index), and r0 (default) attached to az-a and the outside.
func chainScenario() *Scenario {
	ip := netip.MustParseAddr
	pfx := netip.MustParsePrefix
	return &Scenario{
		Underlay: Underlay{
			Subnets: []Subnet{
				{Name: "az-a", CIDR: pfx("10.0.1.0/24")},
				{Name: "transit", CIDR: pfx("10.0.0.0/24")},
				{Name: "az-b", CIDR: pfx("10.0.2.0/24"), BlockBGP: true},
				{Name: "az-c", CIDR: pfx("10.0.3.0/24")},
				{Name: "az-c-small", CIDR: pfx("10.0.3.128/25")},
			},
			Routers: []Router{
				{Name: "edge", Default: true, Interfaces: []Interface{
					{Subnet: "az-a", Addr: ip("10.0.1.254")},
				}},
				{Name: "r1", Interfaces: []Interface{
					{Subnet: "az-a", Addr: ip("10.0.1.1")},
					{Subnet: "transit", Addr: ip("10.0.0.1")},
					{Subnet: "az-c", Addr: ip("10.0.3.1")},
				}},
				{Name: "r2", Interfaces: []Interface{
					{Subnet: "transit", Addr: ip("10.0.0.2")},
					{Subnet: "az-b", Addr: ip("10.0.2.1")},
				}},
				{Name: "r3", BlockBGP: true, Interfaces: []Interface{
					{Subnet: "transit", Addr: ip("10.0.0.3")},
					{Subnet: "az-b", Addr: ip("10.0.2.3")},
					{Subnet: "nowhere", Addr: ip("10.9.9.9")},
					{Subnet: "az-c-small"}, // no address: left out
				}},
			},
		},
	}
}

func TestSubnetOf(t *testing.T) {
	g := NewGraph(chainScenario())
	for _, tc := range []struct {
		addr string
		want int
		ok   bool
	}{
		{"10.0.1.10", 0, true},
		{"10.0.0.2", 1, true},
		{"10.0.2.99", 2, true},
		{"10.0.3.5", 3, true},
		{"10.0.3.200", 4, true}, // longest prefix wins
		{"192.168.1.1", -1, false},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			got, ok := g.SubnetOf(netip.MustParseAddr(tc.addr))
			if got != tc.want || ok != tc.ok {
				t.Errorf("SubnetOf(%s) = %d, %v; want %d, %v", tc.addr, got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := g.SubnetOf(netip.Addr{}); ok {
		t.Error("SubnetOf(zero) = ok")
	}
}

func TestGateway(t *testing.T) {
	g := NewGraph(chainScenario())
	for _, tc := range []struct {
		name   string
		subnet int
		router int
		gw     string
		ok     bool
	}{
		{"default router wins", 0, 0, "10.0.1.254", true},
		{"first router in order", 1, 1, "10.0.0.1", true},
		{"r2 before r3", 2, 2, "10.0.2.1", true},
		{"az-c via r1", 3, 1, "10.0.3.1", true},
		{"unassigned interface gives no gateway", 4, -1, "", false},
		{"out of range", 9, -1, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, gw, ok := g.Gateway(tc.subnet)
			if r != tc.router || ok != tc.ok || (ok && gw != netip.MustParseAddr(tc.gw)) {
				t.Errorf("Gateway(%d) = %d, %v, %v; want %d, %s, %v", tc.subnet, r, gw, ok, tc.router, tc.gw, tc.ok)
			}
		})
	}
}

func TestNextHop(t *testing.T) {
	g := NewGraph(chainScenario())
	for _, tc := range []struct {
		name   string
		router int
		dst    string
		via    string
		out    int
		ok     bool
	}{
		{"directly connected", 1, "10.0.3.7", "10.0.3.7", 3, true},
		{"through r2 (lower index than r3)", 1, "10.0.2.7", "10.0.0.2", 1, true},
		{"back toward az-a", 2, "10.0.1.7", "10.0.0.1", 1, true},
		{"two hops away", 2, "10.0.3.7", "10.0.0.1", 1, true},
		{"edge to az-b", 0, "10.0.2.7", "10.0.1.1", 0, true},
		{"external toward the default router", 2, "8.8.8.8", "10.0.0.1", 1, true},
		{"external from r1", 1, "8.8.8.8", "10.0.1.254", 0, true},
		{"external at the default router", 0, "8.8.8.8", "8.8.8.8", -1, true},
		{"bad router", 7, "10.0.1.1", "", -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			via, out, ok := g.NextHop(tc.router, netip.MustParseAddr(tc.dst))
			var want netip.Addr
			if tc.via != "" {
				want = netip.MustParseAddr(tc.via)
			}
			if via != want || out != tc.out || ok != tc.ok {
				t.Errorf("NextHop(%d, %s) = %v, %d, %v; want %v, %d, %v", tc.router, tc.dst, via, out, ok, want, tc.out, tc.ok)
			}
		})
	}
}

func TestNextHopNoDefault(t *testing.T) {
	sc := chainScenario()
	sc.Underlay.Routers[0].Default = false
	g := NewGraph(sc)
	if _, _, ok := g.NextHop(1, netip.MustParseAddr("8.8.8.8")); ok {
		t.Error("external reachable without a default router")
	}
	if r, _, _ := g.Gateway(0); r != 0 {
		t.Errorf("gateway of az-a = %d, want 0 (first in order)", r)
	}
}

func TestPath(t *testing.T) {
	g := NewGraph(chainScenario())
	for _, tc := range []struct {
		name     string
		src, dst string
		subnets  []int
		routers  []int
		ok       bool
	}{
		{"same subnet", "10.0.1.10", "10.0.1.11", []int{0}, nil, true},
		{"host to host through edge, r1, r2", "10.0.1.10", "10.0.2.10", []int{0, 0, 1, 2}, []int{0, 1, 2}, true},
		{"back", "10.0.2.10", "10.0.1.10", []int{2, 1, 0}, []int{2, 1}, true},
		{"az-c to az-b", "10.0.3.10", "10.0.2.10", []int{3, 1, 2}, []int{1, 2}, true},
		{"router interface as source", "10.0.0.2", "10.0.3.10", []int{1, 1, 3}, []int{2, 1}, true},
		{"router to router interface", "10.0.2.1", "10.0.2.10", []int{2}, nil, true},
		{"external ends at the default router", "10.0.2.10", "1.1.1.1", []int{2, 1, 0}, []int{2, 1, 0}, true},
		{"external source", "1.1.1.1", "10.0.2.10", nil, nil, false},
		{"no gateway", "10.0.3.200", "10.0.1.1", nil, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := g.Path(netip.MustParseAddr(tc.src), netip.MustParseAddr(tc.dst))
			if ok != tc.ok || !slices.Equal(p.Subnets, tc.subnets) || !slices.Equal(p.Routers, tc.routers) {
				t.Errorf("Path(%s, %s) = %+v, %v; want {%v %v}, %v", tc.src, tc.dst, p, ok, tc.subnets, tc.routers, tc.ok)
			}
			if ok {
				ext := p.External()
				_, in := g.SubnetOf(netip.MustParseAddr(tc.dst))
				if ext == in {
					t.Errorf("External() = %v for dst in subnet %v", ext, in)
				}
			}
		})
	}
}

func TestBGPReachable(t *testing.T) {
	sc := chainScenario()
	g := NewGraph(sc)
	for _, tc := range []struct {
		name string
		a, b string
		ok   bool
		by   string
	}{
		{"same subnet", "10.0.1.10", "10.0.1.11", true, ""},
		{"across routers", "10.0.1.10", "10.0.3.10", true, ""},
		{"destination subnet blocks", "10.0.1.10", "10.0.2.10", false, "subnet/az-b"},
		{"source subnet blocks", "10.0.2.10", "10.0.1.10", false, "subnet/az-b"},
		{"router owning an end blocks", "10.0.0.3", "10.0.0.10", false, "router/r3"},
		{"no path", "10.0.3.200", "10.0.1.10", false, "no path"},
		{"external peer through default", "10.0.3.10", "1.1.1.1", false, "no path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, by := g.BGPReachable(netip.MustParseAddr(tc.a), netip.MustParseAddr(tc.b))
			if ok != tc.ok || by != tc.by {
				t.Errorf("BGPReachable(%s, %s) = %v, %q; want %v, %q", tc.a, tc.b, ok, by, tc.ok, tc.by)
			}
		})
	}
	// A router in the middle that blocks.
	sc.Underlay.Routers[1].BlockBGP = true
	g = NewGraph(sc)
	if ok, by := g.BGPReachable(netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("10.0.3.10")); ok || by != "router/r1" {
		t.Errorf("through r1 = %v, %q; want blocked by router/r1", ok, by)
	}
	// Extra blockers injected at run time.
	sc.Underlay.Routers[1].BlockBGP = false
	g = NewGraph(sc)
	extra := func(kind string, i int) bool { return kind == "subnet" && i == 3 }
	if ok, by := g.BGPReachableExcept(netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("10.0.3.10"), extra); ok || by != "subnet/az-c" {
		t.Errorf("with az-c blocked = %v, %q; want blocked by subnet/az-c", ok, by)
	}
}

func TestGraphConcurrentReads(t *testing.T) {
	g := NewGraph(chainScenario())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				g.Path(netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("10.0.2.10"))
				g.BGPReachable(netip.MustParseAddr("10.0.3.10"), netip.MustParseAddr("10.0.1.10"))
			}
		}()
	}
	wg.Wait()
}

func TestGraphEmpty(t *testing.T) {
	g := NewGraph(&Scenario{})
	if _, ok := g.Path(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")); ok {
		t.Error("path in an empty underlay")
	}
	if _, _, ok := g.NextHop(0, netip.MustParseAddr("10.0.0.1")); ok {
		t.Error("next hop in an empty underlay")
	}
}

// racks is a leaf-spine underlay: n rack subnets, each behind its own
// router, all routers on one spine subnet.
func racks(n int) *Scenario {
	sc := &Scenario{}
	sc.Underlay.Subnets = append(sc.Underlay.Subnets, Subnet{Name: "spine", CIDR: netip.MustParsePrefix("10.255.0.0/16")})
	for k := 0; k < n; k++ {
		name := "rack-" + strconv.Itoa(k)
		sc.Underlay.Subnets = append(sc.Underlay.Subnets, Subnet{Name: name, CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(k >> 8), byte(k), 0}), 24)})
		sc.Underlay.Routers = append(sc.Underlay.Routers, Router{Name: "tor-" + strconv.Itoa(k), Default: k == 0, Interfaces: []Interface{
			{Subnet: name, Addr: netip.AddrFrom4([4]byte{10, byte(k >> 8), byte(k), 1})},
			{Subnet: "spine", Addr: netip.AddrFrom4([4]byte{10, 255, byte(k >> 8), byte(k) + 2})},
		}})
	}
	return sc
}

func TestRacksPath(t *testing.T) {
	g := NewGraph(racks(100))
	p, ok := g.Path(netip.MustParseAddr("10.0.5.10"), netip.MustParseAddr("10.0.77.10"))
	if !ok || !slices.Equal(p.Subnets, []int{6, 0, 78}) || !slices.Equal(p.Routers, []int{5, 77}) {
		t.Errorf("rack 5 to rack 77: %+v %v", p, ok)
	}
	if s, ok := g.SubnetOf(netip.MustParseAddr("2001:db8::1")); ok {
		t.Errorf("an IPv6 address in subnet %d", s)
	}
}

func BenchmarkGraph100Racks(b *testing.B) {
	sc := racks(100)
	b.ReportAllocs()
	for b.Loop() {
		NewGraph(sc)
	}
}

func BenchmarkPath(b *testing.B) {
	g := NewGraph(racks(100))
	src, dst := netip.MustParseAddr("10.0.5.10"), netip.MustParseAddr("10.0.77.10")
	b.ReportAllocs()
	for b.Loop() {
		g.Path(src, dst)
	}
}

func BenchmarkNextHop(b *testing.B) {
	g := NewGraph(racks(100))
	dst := netip.MustParseAddr("10.0.77.10")
	b.ReportAllocs()
	for b.Loop() {
		g.NextHop(5, dst)
	}
}
