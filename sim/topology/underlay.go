package topology

import (
	"math"
	"net/netip"
	"slices"

	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// Graph is the underlay as a graph: subnets and routers are vertices, each
// router interface is an edge between its router and its subnet. It answers
// underlay forwarding questions between underlay addresses (node addresses
// and router interface addresses) by shortest path, ties broken by scenario
// order, so every answer is deterministic.
//
// A Graph is immutable after NewGraph and safe for concurrent reads.
//
// Interfaces whose subnet name is unknown or whose address is not assigned
// (the zero Addr) are not part of the graph: the loader reports the first and
// assigns the second.
type Graph struct {
	subnets []Subnet
	routers []Router

	// ifaces[r] are router r's usable interfaces, in scenario order.
	ifaces [][]attach
	// onSubnet[s] are the routers with an interface on subnet s, in
	// scenario order (a router appears once, with its first interface there).
	onSubnet [][]attach
	// lens are the subnets' prefix lengths, longest first; byPrefix maps
	// each (masked) subnet CIDR to its first subnet, for longest-match
	// SubnetOf in a few map lookups.
	lens     []int
	byPrefix map[netip.Prefix]int
	// routerAddr maps an interface address to its router.
	routerAddr map[netip.Addr]int
	// gateway[s] is the default gateway of subnet s, or -1.
	gateway []attach
	def     int // the default router, or -1

	// step[r][v] is router r's next step toward vertex v (subnets 0..S-1,
	// routers S..S+R-1).
	step [][]hop
}

// attach is one router interface: the router, the subnet and its address.
type attach struct {
	router, subnet int
	addr           netip.Addr
}

// hop is a forwarding decision at a router toward a vertex.
type hop struct {
	ok     bool
	direct bool       // the target subnet is attached (or the target router is the router itself)
	via    netip.Addr // the next router's interface address (zero when direct)
	next   int        // the next router (-1 when direct)
	out    int        // the subnet the packet leaves on
}

// UnderlayPath is the L3 hops between two underlay addresses. Subnets[i] is
// crossed before Routers[i], so a path has len(Subnets) == len(Routers)+1,
// except toward an address outside every subnet (an external), which ends
// after the default router: then len(Subnets) == len(Routers) and the last
// router sends the packet "outside".
//
// When the source is itself a router's interface address, Subnets[0] is that
// interface's subnet and Routers[0] is that router (it forwards its own
// packet), unless the destination is on that same subnet.
type UnderlayPath struct {
	Subnets []int
	Routers []int
}

// External reports whether the path ends outside every subnet.
func (p UnderlayPath) External() bool { return len(p.Subnets) == len(p.Routers) }

// NewGraph builds the underlay graph of sc. It never fails: unusable
// interfaces are left out (see Graph).
func NewGraph(sc *Scenario) *Graph {
	u := &sc.Underlay
	S, R := len(u.Subnets), len(u.Routers)
	g := &Graph{
		subnets:    u.Subnets,
		routers:    u.Routers,
		ifaces:     make([][]attach, R),
		onSubnet:   make([][]attach, S),
		routerAddr: make(map[netip.Addr]int),
		gateway:    make([]attach, S),
		def:        -1,
		step:       make([][]hop, R),
	}
	subnetIdx := make(map[string]int, S)
	for i, s := range u.Subnets {
		if _, dup := subnetIdx[s.Name]; !dup {
			subnetIdx[s.Name] = i
		}
	}
	gg := simple.NewUndirectedGraph()
	for v := 0; v < S+R; v++ {
		gg.AddNode(simple.Node(v))
	}
	for r := range u.Routers {
		rt := &u.Routers[r]
		if rt.Default && g.def < 0 {
			g.def = r
		}
		for _, in := range rt.Interfaces {
			s, ok := subnetIdx[in.Subnet]
			if !ok || !in.Addr.IsValid() {
				continue
			}
			a := attach{router: r, subnet: s, addr: in.Addr}
			g.ifaces[r] = append(g.ifaces[r], a)
			if _, dup := g.routerAddr[in.Addr]; !dup {
				g.routerAddr[in.Addr] = r
			}
			seen := false
			for _, o := range g.onSubnet[s] {
				if o.router == r {
					seen = true
					break
				}
			}
			if !seen {
				g.onSubnet[s] = append(g.onSubnet[s], a)
			}
			gg.SetEdge(gg.NewEdge(simple.Node(s), simple.Node(S+r)))
		}
	}
	g.byPrefix = make(map[netip.Prefix]int, S)
	for i, sub := range u.Subnets {
		if !sub.CIDR.IsValid() {
			continue
		}
		pfx := sub.CIDR.Masked()
		if _, dup := g.byPrefix[pfx]; dup {
			continue
		}
		g.byPrefix[pfx] = i
		if !slices.Contains(g.lens, pfx.Bits()) {
			g.lens = append(g.lens, pfx.Bits())
		}
	}
	slices.SortFunc(g.lens, func(a, b int) int { return b - a })
	for s := range g.gateway {
		g.gateway[s] = attach{router: -1, subnet: s}
		for _, a := range g.onSubnet[s] {
			if a.router == g.def {
				g.gateway[s] = a
				break
			}
		}
		if g.gateway[s].router < 0 && len(g.onSubnet[s]) > 0 {
			g.gateway[s] = g.onSubnet[s][0]
		}
	}

	all := path.DijkstraAllPaths(gg)
	// Hop counts into a dense matrix once: AllShortest.Weight looks node
	// IDs up in maps, too slow for the next-step table's inner loop.
	V := S + R
	mat := make([]float64, V*V)
	for a := 0; a < V; a++ {
		for b := 0; b < V; b++ {
			mat[a*V+b] = all.Weight(int64(a), int64(b))
		}
	}
	dist := func(a, b int) float64 { return mat[a*V+b] }
	for r := 0; r < R; r++ {
		g.step[r] = make([]hop, S+R)
		for v := 0; v < S+R; v++ {
			g.step[r][v] = g.nextStep(r, v, S, dist)
		}
	}
	return g
}

// nextStep picks router r's forwarding step toward vertex v: directly when v
// is an attached subnet (or r itself), else through the neighbour router on
// a shortest path with the lowest scenario index, leaving on r's first
// interface (scenario order) that reaches it.
func (g *Graph) nextStep(r, v, S int, dist func(a, b int) float64) hop {
	if v == S+r {
		return hop{ok: true, direct: true, next: -1, out: -1}
	}
	if v < S {
		for _, a := range g.ifaces[r] {
			if a.subnet == v {
				return hop{ok: true, direct: true, next: -1, out: v}
			}
		}
	}
	d := dist(S+r, v)
	if math.IsInf(d, 1) {
		return hop{next: -1, out: -1}
	}
	best := hop{next: -1, out: -1}
	for _, a := range g.ifaces[r] {
		for _, n := range g.onSubnet[a.subnet] {
			if n.router == r || dist(S+n.router, v) != d-2 {
				continue
			}
			if best.next < 0 || n.router < best.next {
				best = hop{ok: true, via: n.addr, next: n.router, out: a.subnet}
			}
		}
	}
	return best
}

// SubnetOf returns the index (in sc.Underlay.Subnets) of the subnet whose
// CIDR holds a; with overlapping subnets the longest prefix wins, then
// scenario order.
func (g *Graph) SubnetOf(a netip.Addr) (int, bool) {
	if !a.IsValid() {
		return -1, false
	}
	for _, l := range g.lens {
		pfx, err := a.Prefix(l)
		if err != nil {
			continue // an IPv4 length for an IPv6 address, or the reverse
		}
		if s, ok := g.byPrefix[pfx]; ok && g.subnets[s].CIDR.Addr().Is4() == a.Is4() {
			return s, true
		}
	}
	return -1, false
}

// RouterAt returns the router that owns interface address a.
func (g *Graph) RouterAt(a netip.Addr) (int, bool) {
	r, ok := g.routerAddr[a]
	return r, ok
}

// DefaultRouter returns the router with Default set (the first one), if any.
func (g *Graph) DefaultRouter() (int, bool) { return g.def, g.def >= 0 }

// Gateway returns the router a host on subnet uses as its default gateway:
// the default router if it has an interface there, else the first router in
// scenario order with one; gw is that interface's address.
func (g *Graph) Gateway(subnet int) (router int, gw netip.Addr, ok bool) {
	if subnet < 0 || subnet >= len(g.gateway) || g.gateway[subnet].router < 0 {
		return -1, netip.Addr{}, false
	}
	a := g.gateway[subnet]
	return a.router, a.addr, true
}

// NextHop is underlay forwarding at router toward dst, an underlay address.
// When dst's subnet is attached to the router, via is dst itself and
// outSubnet that subnet. Otherwise via is the interface address of the next
// router on a shortest path (ties: lowest router index, then the router's
// first interface in scenario order) and outSubnet the subnet shared with
// it. An address in no subnet (an external) is forwarded toward the default
// router; at the default router itself it goes "outside": ok, via = dst and
// outSubnet = -1.
func (g *Graph) NextHop(router int, dst netip.Addr) (via netip.Addr, outSubnet int, ok bool) {
	if router < 0 || router >= len(g.step) || !dst.IsValid() {
		return netip.Addr{}, -1, false
	}
	S := len(g.subnets)
	target := -1
	if s, in := g.SubnetOf(dst); in {
		target = s
	} else if g.def >= 0 {
		target = S + g.def
	} else {
		return netip.Addr{}, -1, false
	}
	h := g.step[router][target]
	switch {
	case !h.ok:
		return netip.Addr{}, -1, false
	case h.direct && target >= S: // at the default router: out to the world
		return dst, -1, true
	case h.direct:
		return dst, h.out, true
	}
	return h.via, h.out, true
}

// Path returns the L3 hops from src to dst, both underlay addresses (dst may
// also be an external address, reached through the default router). A
// source outside every subnet has no path: traffic from outside enters at
// the default router, so use NextHop from there. See UnderlayPath for the
// shape of the result.
func (g *Graph) Path(src, dst netip.Addr) (UnderlayPath, bool) {
	ss, ok := g.SubnetOf(src)
	if !ok || !dst.IsValid() {
		return UnderlayPath{}, false
	}
	p := UnderlayPath{Subnets: []int{ss}}
	ds, dstIn := g.SubnetOf(dst)
	if dstIn && ds == ss {
		return p, true
	}
	r, isRouter := g.routerAddr[src]
	if !isRouter {
		gr, _, ok := g.Gateway(ss)
		if !ok {
			return UnderlayPath{}, false
		}
		r = gr
	}
	for range len(g.routers) + 1 {
		p.Routers = append(p.Routers, r)
		via, out, ok := g.NextHop(r, dst)
		if !ok {
			return UnderlayPath{}, false
		}
		if out < 0 {
			return p, true
		}
		p.Subnets = append(p.Subnets, out)
		if via == dst {
			return p, true
		}
		r = g.routerAddr[via]
	}
	return UnderlayPath{}, false // a loop: cannot happen with shortest paths
}

// BGPReachable reports whether TCP/179 passes between underlay addresses a
// and b: a path exists both ways and no subnet or router on either path
// (including both ends' subnets, and a router that owns a or b) has
// BlockBGP. blockedBy names the first blocker in path order
// ("subnet/az-b", "router/vpc") or says "no path".
func (g *Graph) BGPReachable(a, b netip.Addr) (ok bool, blockedBy string) {
	return g.BGPReachableExcept(a, b, nil)
}

// BGPReachableExcept is BGPReachable with extra blockers: blocked(kind,
// index) reports a subnet ("subnet") or router ("router") that also drops
// TCP/179 (a failure injected at run time). blocked may be nil.
func (g *Graph) BGPReachableExcept(a, b netip.Addr, blocked func(kind string, index int) bool) (ok bool, blockedBy string) {
	for _, e := range [2][2]netip.Addr{{a, b}, {b, a}} {
		p, ok := g.Path(e[0], e[1])
		if !ok {
			return false, "no path"
		}
		if by := g.bgpBlocker(p, e[0], e[1], blocked); by != "" {
			return false, by
		}
	}
	return true, ""
}

func (g *Graph) bgpBlocker(p UnderlayPath, src, dst netip.Addr, blocked func(string, int) bool) string {
	subnetBlocks := func(s int) bool {
		return g.subnets[s].BlockBGP || (blocked != nil && blocked("subnet", s))
	}
	routerBlocks := func(r int) bool {
		return g.routers[r].BlockBGP || (blocked != nil && blocked("router", r))
	}
	if r, ok := g.routerAddr[src]; ok && routerBlocks(r) {
		return "router/" + g.routers[r].Name
	}
	for i, s := range p.Subnets {
		if subnetBlocks(s) {
			return "subnet/" + g.subnets[s].Name
		}
		if i < len(p.Routers) && routerBlocks(p.Routers[i]) {
			return "router/" + g.routers[p.Routers[i]].Name
		}
	}
	if r, ok := g.routerAddr[dst]; ok && routerBlocks(r) {
		return "router/" + g.routers[r].Name
	}
	return ""
}
