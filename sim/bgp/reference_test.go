package bgp

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/topology"
)

// refRoute is a best route in the slow reference.
type refRoute struct {
	a    *adv
	from int // -1: local
	ebgp bool
	lp   uint32
}

// reference computes the settled best routes of a plan the slow way, with
// nothing shared and no timing: every session that can establish is up,
// every speaker keeps one Adj-RIB-In per session, the sender filters what it
// sends (split horizon, reflection rules, nothing back to where a route came
// from), and every speaker re-selects every prefix until nothing changes.
// The model engine must end in the same place.
func reference(p *Plan, down []bool) [][]refRoute {
	n := len(p.Speakers)
	var prefixes []netip.Prefix
	for _, o := range p.Origins {
		prefixes = append(prefixes, o...)
	}
	slices.SortFunc(prefixes, comparePrefix)
	prefixes = slices.Compact(prefixes)
	pid := map[netip.Prefix]int{}
	for i, pf := range prefixes {
		pid[pf] = i
	}
	local := make([][]bool, n)
	for x := range local {
		local[x] = make([]bool, len(prefixes))
		for _, pf := range p.Origins[x] {
			local[x][pid[pf]] = down == nil || !down[x]
		}
	}
	clients := make([]map[int]bool, n)
	for x := range clients {
		clients[x] = map[int]bool{}
	}
	type peerSide struct {
		sess, peer int
		addr       netip.Addr // my address on it
		peerAddr   netip.Addr
		client     bool // I treat the peer as my rr client
		keepNH     bool
	}
	sides := make([][]peerSide, n)
	for i := range p.Sessions {
		s := &p.Sessions[i]
		if !s.CanEstablish() {
			continue
		}
		sides[s.A] = append(sides[s.A], peerSide{i, s.B, s.AAddr, s.BAddr, s.RRClient[0], s.KeepNextHop[0]})
		sides[s.B] = append(sides[s.B], peerSide{i, s.A, s.BAddr, s.AAddr, s.RRClient[1], s.KeepNextHop[1]})
		if s.RRClient[0] {
			clients[s.A][s.B] = true
		}
		if s.RRClient[1] {
			clients[s.B][s.A] = true
		}
	}
	best := make([][]refRoute, n)
	for x := range best {
		best[x] = make([]refRoute, len(prefixes))
		for q := range prefixes {
			if local[x][q] {
				best[x][q] = refRoute{a: &adv{nextHop: p.Speakers[x].Addr, localPref: 100, origin: int32(x), from: -1}, from: -1}
			}
		}
	}
	// export is what y sends x (on side ys of y) for prefix q.
	export := func(y int, ys peerSide, q int) *adv {
		r := best[y][q]
		if r.a == nil || r.from == ys.peer {
			return nil
		}
		me := &p.Speakers[y]
		ebgp := me.AS != p.Speakers[ys.peer].AS
		if r.from < 0 {
			a := &adv{nextHop: ys.addr, localPref: 100, origin: int32(y), from: -1}
			if ebgp {
				a.asPath = []uint32{me.AS}
			}
			return a
		}
		if ebgp {
			a := &adv{nextHop: ys.addr, asPath: append([]uint32{me.AS}, r.a.asPath...), localPref: 100, origin: r.a.origin, from: int32(r.from)}
			if ys.keepNH {
				a.nextHop = r.a.nextHop
			}
			return a
		}
		plain := &adv{nextHop: r.a.nextHop, asPath: r.a.asPath, localPref: r.lp, originator: r.a.originator, clusters: r.a.clusters, origin: r.a.origin, from: int32(r.from)}
		if r.ebgp {
			return plain
		}
		// iBGP-learned, to an iBGP peer: only a reflector passes it on,
		// client routes to everyone, other routes to clients only.
		if !me.Reflector() || (!ys.client && !clients[y][r.from]) {
			return nil
		}
		if !plain.originator.IsValid() {
			plain.originator = p.Speakers[r.from].Addr
		}
		plain.clusters = append([]string{me.ClusterID}, r.a.clusters...)
		return plain
	}
	for round := 0; round < 10*n+10; round++ {
		changed := false
		next := make([][]refRoute, n)
		for x := range next {
			next[x] = slices.Clone(best[x])
			me := &p.Speakers[x]
			for q := range prefixes {
				if local[x][q] {
					continue
				}
				var bc *candidate
				var br refRoute
				for k, xs := range sides[x] {
					y := xs.peer
					var ys peerSide
					for _, s := range sides[y] {
						if s.sess == xs.sess {
							ys = s
						}
					}
					a := export(y, ys, q)
					if a == nil || slices.Contains(a.asPath, me.AS) ||
						(me.Reflector() && slices.Contains(a.clusters, me.ClusterID)) ||
						(a.originator.IsValid() && a.originator == me.Addr) {
						continue
					}
					ebgp := p.Speakers[y].AS != me.AS
					c := candidate{adv: a, group: int32(k), localPref: a.localPref, ebgp: ebgp, peerAS: p.Speakers[y].AS,
						peerID: p.Speakers[y].Addr, peerAddr: xs.peerAddr}
					if ebgp {
						c.localPref = 100
					}
					if bc == nil {
						bc, br = &c, refRoute{a: a, from: y, ebgp: ebgp, lp: c.localPref}
						continue
					}
					if r, _ := better(&c, bc); r < 0 {
						bc, br = &c, refRoute{a: a, from: y, ebgp: ebgp, lp: c.localPref}
					}
				}
				if bc == nil {
					br = refRoute{}
				}
				old := best[x][q]
				if (old.a == nil) != (br.a == nil) || (br.a != nil && (old.from != br.from || !equalAdv(old.a, br.a))) {
					changed = true
				}
				next[x][q] = br
			}
		}
		best = next
		if !changed {
			break
		}
	}
	return best
}

// randomScen makes a small random cluster: nodes on two subnets, some of
// them reflectors of one or two clusters, mesh on or off, a ToR or two with
// their own AS, some nodes in their own AS, random peerings.
func randomScen(r *rand.Rand) *scen {
	s := newScen().subnet("a", "10.0.1.0/24").subnet("b", "10.0.2.0/24").
		router("core", 0, "a=10.0.1.1", "b=10.0.2.1")
	s.sc.Underlay.Routers[0].Default = true
	if r.IntN(2) == 0 {
		s.noMesh()
	}
	n := 3 + r.IntN(8)
	s.nodes("x", n/2, "a", "10.0.1.10", nil).nodes("y", n-n/2, "b", "10.0.2.10", nil)
	for i := range s.sc.Nodes {
		switch r.IntN(6) {
		case 0:
			s.sc.Nodes[i].RouteReflectorClusterID = "1.1.1.1"
			s.sc.Nodes[i].Labels["route-reflector"] = "true"
		case 1:
			s.sc.Nodes[i].RouteReflectorClusterID = "2.2.2.2"
			s.sc.Nodes[i].Labels["route-reflector"] = "true"
		case 2:
			s.sc.Nodes[i].ASNumber = 65100 + uint32(i)
		}
	}
	tors := r.IntN(3)
	for k := 0; k < tors; k++ {
		sub := [2]string{"a", "b"}[k]
		ip := fmt.Sprintf("10.0.%d.2", k+1)
		s.router(fmt.Sprintf("tor-%d", k), 65001+uint32(k), sub+"="+ip)
		as := 65001 + uint32(k)
		if r.IntN(4) == 0 {
			as = 64512 // iBGP with the ToR
			s.sc.Underlay.Routers[len(s.sc.Underlay.Routers)-1].ASNumber = as
		}
		s.peer(topology.BGPPeer{Name: "tor", NodeSelector: fmt.Sprintf("has(kubernetes.io/hostname) && kubernetes.io/hostname starts with '%s'", [2]string{"x", "y"}[k]),
			PeerIP: netip.MustParseAddr(ip), ASNumber: as, KeepOriginalNextHop: r.IntN(3) == 0})
	}
	if r.IntN(2) == 0 {
		s.peer(topology.BGPPeer{Name: "to-rr", NodeSelector: "all()", PeerSelector: "has(route-reflector)"})
	}
	for range r.IntN(4) {
		a, b := r.IntN(len(s.sc.Nodes)), r.IntN(len(s.sc.Nodes))
		s.peer(topology.BGPPeer{Name: "pair", Node: s.sc.Nodes[a].Name, PeerSelector: "kubernetes.io/hostname == '" + s.sc.Nodes[b].Name + "'"})
	}
	return s
}

// TestModelMatchesReference checks the model's settled routes against the
// slow reference on random clusters: same best route (from, next hop, AS
// path, reflection attributes) for every speaker and prefix.
func TestModelMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 11))
	for i := range 300 {
		s := randomScen(r)
		p, res := s.run(t, Options{Seed: uint64(i)})
		if !res.Converged {
			t.Fatalf("case %d: not converged", i)
		}
		ref := reference(p, nil)
		for x := range p.Speakers {
			got := map[netip.Prefix]Route{}
			for _, rt := range res.Routes(x) {
				got[rt.Prefix] = rt
			}
			for q, rr := range ref[x] {
				pf := res.m.prefixes[q]
				g, ok := got[pf]
				switch {
				case rr.a == nil && ok:
					t.Errorf("case %d (%s): %s has %s via %d, the reference has no route", i, p.Topology, p.Speakers[x].Name, pf, g.From)
				case rr.a != nil && !ok:
					t.Errorf("case %d (%s): %s has no route to %s, the reference has one from %d", i, p.Topology, p.Speakers[x].Name, pf, rr.from)
				case rr.a != nil && (g.From != rr.from || g.NextHop != rr.a.nextHop || !slices.Equal(g.ASPath, rr.a.asPath) ||
					g.OriginatorID != rr.a.originator || !slices.Equal(g.ClusterList, rr.a.clusters)):
					t.Errorf("case %d (%s): %s to %s: model %+v, reference from %d %+v", i, p.Topology, p.Speakers[x].Name, pf, g, rr.from, *rr.a)
				}
			}
		}
		if t.Failed() {
			t.Logf("case %d plan:", i)
			for k, ses := range p.Sessions {
				t.Logf("  %s %s ebgp=%v rr=%v can=%v", p.SessionName(k), ses.Kind, ses.EBGP, ses.RRClient, ses.CanEstablish())
			}
			return
		}
	}
}

// TestModelMatchesReferenceAfterFailures injects random failures and checks
// the settled state against the reference run on what is left: the
// sessions Established at the end, the speakers still up.
func TestModelMatchesReferenceAfterFailures(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 300 {
		s := randomScen(r)
		at := 5 * time.Second
		for range 1 + r.IntN(4) {
			at += time.Duration(r.IntN(300)) * time.Second
			node := s.sc.Nodes[r.IntN(len(s.sc.Nodes))].Name
			switch r.IntN(7) {
			case 0:
				s.fail(at, topology.FailDown, "node", node)
			case 1:
				s.fail(at, topology.FailUp, "node", node)
			case 2:
				s.fail(at, topology.FailBlockBGP, "subnet", "b")
			case 3:
				s.fail(at, topology.FailUp, "subnet", "b")
			case 4:
				s.fail(at, topology.FailDown, "router", "core")
			case 5:
				s.fail(at, topology.FailBlockBGP, "node", node)
			case 6:
				s.fail(at, topology.FailUp, "router", "core")
			}
		}
		p, res := s.run(t, Options{Seed: uint64(i)})
		if !res.Converged {
			t.Fatalf("case %d: not converged", i)
		}
		// What is left: sessions up at the end, speakers up at the end.
		left := Plan{Speakers: p.Speakers, Sessions: slices.Clone(p.Sessions), Origins: p.Origins}
		down := make([]bool, len(p.Speakers))
		for k := range left.Sessions {
			if res.Sessions[k].State != StateEstablished {
				left.Sessions[k].Refused = "down at the end"
			}
		}
		for x := range left.Speakers {
			down[x] = !res.m.sp[x].up
		}
		ref := reference(&left, down)
		for x := range p.Speakers {
			if !res.m.sp[x].up {
				if res.Routes(x) != nil {
					t.Errorf("case %d: down speaker %s has routes", i, p.Speakers[x].Name)
				}
				continue
			}
			got := map[netip.Prefix]Route{}
			for _, rt := range res.Routes(x) {
				got[rt.Prefix] = rt
			}
			for pf, g := range got {
				q := slices.Index(res.m.prefixes, pf)
				rr := ref[x][q]
				if rr.a == nil {
					t.Errorf("case %d: %s has %s from %d, the reference has none", i, p.Speakers[x].Name, pf, g.From)
				} else if g.From != rr.from || g.NextHop != rr.a.nextHop || !slices.Equal(g.ASPath, rr.a.asPath) {
					t.Errorf("case %d: %s to %s: model %+v, reference from %d %+v", i, p.Speakers[x].Name, pf, g, rr.from, *rr.a)
				}
			}
			for q, rr := range ref[x] {
				if _, ok := got[res.m.prefixes[q]]; rr.a != nil && !ok {
					t.Errorf("case %d: %s has no route to %s, the reference has one from %d", i, p.Speakers[x].Name, res.m.prefixes[q], rr.from)
				}
			}
		}
		if t.Failed() {
			for _, e := range res.Timeline {
				t.Logf("  %v %s %s", e.At, e.What, e.Detail)
			}
			return
		}
	}
}
