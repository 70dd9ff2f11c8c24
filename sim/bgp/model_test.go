package bgp

import (
	"context"
	"net/netip"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/topology"
)

// learned lists the prefixes speaker sp learned (not its own).
func learned(r *Result, sp int) []netip.Prefix {
	var out []netip.Prefix
	for _, rt := range r.Routes(sp) {
		if !rt.Local() {
			out = append(out, rt.Prefix)
		}
	}
	return out
}

func speakerByName(t *testing.T, p *Plan, name string) int {
	t.Helper()
	for i := range p.Speakers {
		if p.Speakers[i].Name == name {
			return i
		}
	}
	t.Fatalf("no speaker %s", name)
	return -1
}

func TestMeshRoutes(t *testing.T) {
	p, r := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 6, "lan", "10.0.0.10", nil).run(t, Options{Seed: 7})
	if !r.Converged || r.EstablishedSessions() != 15 {
		t.Fatalf("converged %v with %d sessions up, want true and 15", r.Converged, r.EstablishedSessions())
	}
	for sp := range p.Speakers {
		if r.Established(sp) != 5 {
			t.Errorf("%s: %d peers, want 5", p.Speakers[sp].Name, r.Established(sp))
		}
		routes := r.Routes(sp)
		if len(routes) != 6 {
			t.Fatalf("%s: %d routes, want 6", p.Speakers[sp].Name, len(routes))
		}
		for _, rt := range routes {
			if rt.Local() {
				if rt.Origin != sp || rt.Reason != "local" {
					t.Errorf("%s local route %+v", p.Speakers[sp].Name, rt)
				}
				continue
			}
			if rt.NextHop != p.Speakers[rt.Origin].Addr || rt.From != rt.Origin || len(rt.ASPath) != 0 || rt.Reason != "only path" || rt.EBGP {
				t.Errorf("%s: mesh route %+v: want next hop the origin, learned from it, empty AS path, only path", p.Speakers[sp].Name, rt)
			}
		}
		if r.PeakRoutes[sp] != 6 {
			t.Errorf("peak %d, want 6", r.PeakRoutes[sp])
		}
	}
	// 15 sessions, one block each way.
	if r.Updates != 30 {
		t.Errorf("%d updates, want 30", r.Updates)
	}
	// Sessions come up 2 s after start (connect delay) plus skew and RTTs.
	if r.ConvergenceTime < connectDelay || r.ConvergenceTime > connectDelay+startSkew+2*(rttBase+rttJitter)+updateDelay+updateJitter {
		t.Errorf("converged in %v", r.ConvergenceTime)
	}
	rt, ok := r.Lookup(0, netip.MustParseAddr("10.244.0.70"))
	if !ok || rt.Prefix != block(1) {
		t.Errorf("Lookup 10.244.0.70 = %+v, %v; want %s", rt, ok, block(1))
	}
	if _, ok := r.Lookup(0, netip.MustParseAddr("192.168.0.1")); ok {
		t.Error("Lookup outside every block found a route")
	}
	if rt, ok := r.Route(2, block(4)); !ok || rt.NextHop != p.Speakers[4].Addr {
		t.Errorf("Route(n-3, %s) = %+v, %v", block(4), rt, ok)
	}
}

func TestReflectorReflects(t *testing.T) {
	p, r := rrScen(4, 1).run(t, Options{Seed: 3})
	rr := speakerByName(t, p, "rr-1")
	for sp := range p.Speakers {
		if sp == rr {
			continue
		}
		if got := len(learned(r, sp)); got != 4 {
			t.Errorf("%s learned %d prefixes, want 4 (the reflector's and 3 clients')", p.Speakers[sp].Name, got)
		}
		for _, rt := range r.Routes(sp) {
			if rt.Local() || rt.Origin == rr {
				continue
			}
			if rt.From != rr || rt.OriginatorID != p.Speakers[rt.Origin].Addr || !slices.Equal(rt.ClusterList, []string{"224.0.0.1"}) {
				t.Errorf("%s: reflected route %+v: want from rr-1, originator the origin, cluster list [224.0.0.1]", p.Speakers[sp].Name, rt)
			}
			if rt.NextHop != p.Speakers[rt.Origin].Addr {
				t.Errorf("reflection changed the next hop: %+v", rt)
			}
		}
	}
	if got := len(learned(r, rr)); got != 4 {
		t.Errorf("reflector learned %d, want 4", got)
	}
}

func TestSplitHorizonWithoutReflector(t *testing.T) {
	// A chain a - b - c of plain iBGP peers: b does not pass a's routes to c.
	s := newScen().noMesh().subnet("lan", "10.0.0.0/24").nodes("n", 3, "lan", "10.0.0.10", nil)
	s.peer(topology.BGPPeer{Name: "ab", Node: "n-1", PeerSelector: "kubernetes.io/hostname == 'n-2'"})
	s.peer(topology.BGPPeer{Name: "bc", Node: "n-2", PeerSelector: "kubernetes.io/hostname == 'n-3'"})
	p, r := s.run(t, Options{Seed: 1})
	if p.Topology != "mixed" {
		t.Errorf("topology %s", p.Topology)
	}
	if got := learned(r, 0); !slices.Equal(got, []netip.Prefix{block(1)}) {
		t.Errorf("n-1 learned %v, want only n-2's block", got)
	}
	if got := learned(r, 2); !slices.Equal(got, []netip.Prefix{block(1)}) {
		t.Errorf("n-3 learned %v, want only n-2's block", got)
	}
	if got := learned(r, 1); len(got) != 2 {
		t.Errorf("n-2 learned %v, want both neighbours' blocks", got)
	}
}

func TestEBGPThroughRouter(t *testing.T) {
	// AS per compute server: each node its own AS, eBGP to the ToR.
	s := torScen()
	for i := range s.sc.Nodes {
		s.sc.Nodes[i].ASNumber = 65100 + uint32(i)
	}
	p, r := s.run(t, Options{Seed: 2})
	torA := speakerByName(t, p, "tor-a")
	for sp := 0; sp < 3; sp++ { // rack a
		got := learned(r, sp)
		if len(got) != 2 {
			t.Fatalf("%s learned %v, want the 2 other rack-a blocks", p.Speakers[sp].Name, got)
		}
		for _, rt := range r.Routes(sp) {
			if rt.Local() {
				continue
			}
			want := []uint32{65001, 65100 + uint32(rt.Origin)}
			if rt.NextHop != netip.MustParseAddr("10.1.0.1") || !slices.Equal(rt.ASPath, want) || !rt.EBGP || rt.From != torA {
				t.Errorf("%s: %+v: want via the ToR (next hop self 10.1.0.1), AS path %v, eBGP", p.Speakers[sp].Name, rt, want)
			}
		}
	}
	// Routers do not peer with each other: rack b's blocks stay in rack b.
	for _, rt := range r.Routes(0) {
		if rt.Origin >= 3 {
			t.Errorf("rack a learned a rack b block: %+v", rt)
		}
	}
}

func TestASPathLoop(t *testing.T) {
	// All nodes in AS 64512 behind one ToR: the ToR's routes carry 64512,
	// so every node drops them (BIRD: AS path loop). Only the ToR learns.
	p, r := torScen().run(t, Options{Seed: 2})
	for sp := 0; sp < 6; sp++ {
		if got := learned(r, sp); len(got) != 0 {
			t.Errorf("%s learned %v despite the AS loop", p.Speakers[sp].Name, got)
		}
	}
	if got := learned(r, speakerByName(t, p, "tor-a")); len(got) != 3 {
		t.Errorf("tor-a learned %v, want rack a's 3 blocks", got)
	}
}

func TestBlockedSessionsNeverEstablish(t *testing.T) {
	s := newScen().subnet("az-a", "10.0.1.0/24").subnet("az-b", "10.0.2.0/24").
		router("vpc", 0, "az-a=10.0.1.1", "az-b=10.0.2.1").
		nodes("a", 2, "az-a", "10.0.1.10", nil).nodes("b", 1, "az-b", "10.0.2.10", nil)
	s.sc.Underlay.Subnets[1].BlockBGP = true
	p, r := s.run(t, Options{Seed: 1})
	for i, st := range r.Sessions {
		ses := p.Sessions[i]
		if ses.Reachable && st.State != StateEstablished {
			t.Errorf("%s: %s, want Established", p.SessionName(i), st.State)
		}
		if !ses.Reachable && (st.State != StateConnect || st.Reason != "TCP/179 blocked by subnet/az-b") {
			t.Errorf("%s: %s %q, want Connect blocked by subnet/az-b", p.SessionName(i), st.State, st.Reason)
		}
	}
	if got := learned(r, 2); len(got) != 0 {
		t.Errorf("b-1 learned %v over blocked sessions", got)
	}
	if !r.Converged {
		t.Error("a blocked session kept the run from going quiet")
	}
}

func TestRefusedSessions(t *testing.T) {
	s := newScen().noMesh().subnet("lan", "10.0.0.0/24").router("tor", 65001, "lan=10.0.0.1").nodes("n", 1, "lan", "10.0.0.10", nil)
	s.peer(topology.BGPPeer{Name: "ghost", PeerIP: netip.MustParseAddr("10.0.0.99"), ASNumber: 65009})
	s.peer(topology.BGPPeer{Name: "wrong-as", PeerIP: netip.MustParseAddr("10.0.0.1"), ASNumber: 65002})
	_, r := s.run(t, Options{})
	if st := r.Sessions[0]; st.State != StateConnect || st.Reason != "no BGP speaker at 10.0.0.99" {
		t.Errorf("ghost: %+v", st)
	}
	if st := r.Sessions[1]; st.State != StateIdle || st.Reason == "" {
		t.Errorf("bad AS: %+v", st)
	}
}

// twoReflectors: clients peer with rr-1 and rr-2 (different cluster IDs, so
// each reflects the other's routes too).
func TestReflectorDown(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rrs       int
		keepsAll  bool
		clusters  []string
		wantPeers int
	}{
		{"two reflectors: routes kept via the other", 2, true, []string{"1.0.0.1", "1.0.0.2"}, 1},
		{"two reflectors of one cluster: routes kept via the other", 2, true, nil, 1},
		{"one reflector: withdrawn after the hold time", 1, false, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := rrScen(4, tc.rrs, tc.clusters...).fail(10*time.Second, topology.FailDown, "node", "rr-1")
			p, r := s.run(t, Options{Seed: 5})
			if !r.Converged {
				t.Fatal("not converged")
			}
			rr1 := speakerByName(t, p, "rr-1")
			for sp := range p.Speakers {
				if p.Speakers[sp].Reflector() {
					continue
				}
				if r.Established(sp) != tc.wantPeers {
					t.Errorf("%s: %d peers, want %d", p.Speakers[sp].Name, r.Established(sp), tc.wantPeers)
				}
				got := learned(r, sp)
				switch {
				case tc.keepsAll && len(got) != 4: // 3 clients and rr-2; rr-1's block is gone
					t.Errorf("%s learned %v, want the 3 other clients' and rr-2's blocks", p.Speakers[sp].Name, got)
				case !tc.keepsAll && len(got) != 0:
					t.Errorf("%s still has %v", p.Speakers[sp].Name, got)
				}
				for _, rt := range r.Routes(sp) {
					if rt.Origin == rr1 || rt.From == rr1 {
						t.Errorf("route through the dead reflector: %+v", rt)
					}
				}
			}
			// Peers notice on the hold timer: 160 to 240 s after the failure.
			if r.ConvergenceTime < 160*time.Second || r.ConvergenceTime > 240*time.Second+time.Second {
				t.Errorf("converged %v after the failure, want within the hold time (160-240 s)", r.ConvergenceTime)
			}
			for i, st := range r.Sessions {
				ses := p.Sessions[i]
				if (ses.A == rr1 || ses.B == rr1) && (st.State == StateEstablished || st.Reason == "") {
					t.Errorf("session %s to the dead reflector: %+v", p.SessionName(i), st)
				}
			}
			// Before the hold timer runs out the clients still have it all.
			_, early := s.run(t, Options{Seed: 5, Until: 60 * time.Second})
			if early.Converged {
				t.Error("snapshot at 60 s says converged while hold timers run")
			}
			for sp := range p.Speakers {
				if !p.Speakers[sp].Reflector() && len(learned(early, sp)) != 3+tc.rrs {
					t.Errorf("at 60 s %s has %v", p.Speakers[sp].Name, learned(early, sp))
				}
			}
		})
	}
}

func TestSessionAdminDownWithdrawsAtOnce(t *testing.T) {
	s := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 3, "lan", "10.0.0.10", nil).
		fail(10*time.Second, topology.FailDown, "session", "n-2~n-1")
	p, r := s.run(t, Options{Seed: 1})
	if st := r.Sessions[0]; st.State != StateIdle || st.Reason != "administratively down" || st.Since != 10*time.Second {
		t.Errorf("n-1~n-2: %+v", st)
	}
	if got := learned(r, 0); !slices.Equal(got, []netip.Prefix{block(2)}) {
		t.Errorf("n-1 learned %v, want only n-3's block", got)
	}
	if r.ConvergenceTime > 100*time.Millisecond {
		t.Errorf("withdrawal took %v", r.ConvergenceTime)
	}
	// And back up.
	s.fail(20*time.Second, topology.FailUp, "session", "n-1~n-2")
	_, r = s.run(t, Options{Seed: 1})
	if r.Sessions[0].State != StateEstablished || len(learned(r, 0)) != 2 {
		t.Errorf("after up: %+v, learned %v", r.Sessions[0], learned(r, 0))
	}
	if r.ConvergenceTime < connectDelay || r.ConvergenceTime > connectDelay+time.Second {
		t.Errorf("re-established %v after up, want about the 2 s connect delay", r.ConvergenceTime)
	}
	_ = p
}

func TestGracefulRestartKeepsRoutes(t *testing.T) {
	// n-1 (a router in effect: it has an eBGP peer) restarts within the
	// hold time: peers keep its routes and never withdraw.
	s := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 3, "lan", "10.0.0.10", nil).
		fail(10*time.Second, topology.FailDown, "node", "n-1").
		fail(40*time.Second, topology.FailUp, "node", "n-1")
	p, r := s.run(t, Options{Seed: 4})
	if !r.Converged || r.EstablishedSessions() != 3 {
		t.Fatalf("converged %v, %d sessions", r.Converged, r.EstablishedSessions())
	}
	for _, e := range r.Timeline {
		if e.What == "session-down" {
			t.Errorf("a session went down: %+v", e)
		}
	}
	seenGR := false
	for _, e := range r.Timeline {
		seenGR = seenGR || e.What == "graceful-restart"
	}
	if !seenGR {
		t.Error("no graceful restart in the timeline")
	}
	for sp := range p.Speakers {
		if len(learned(r, sp)) != 2 {
			t.Errorf("%s learned %v", p.Speakers[sp].Name, learned(r, sp))
		}
	}
	// At 30 s, n-1 is down but its peers still hold its block.
	_, mid := s.run(t, Options{Seed: 4, Until: 30 * time.Second})
	if rt, ok := mid.Route(1, block(0)); !ok || rt.From != 0 {
		t.Errorf("at 30 s n-2 has no route to n-1's block: %+v %v", rt, ok)
	}
	if mid.Routes(0) != nil {
		t.Error("a down speaker has routes")
	}
}

func TestSubnetBlockThenUp(t *testing.T) {
	s := newScen().subnet("az-a", "10.0.1.0/24").subnet("az-b", "10.0.2.0/24").
		router("vpc", 0, "az-a=10.0.1.1", "az-b=10.0.2.1").
		nodes("a", 2, "az-a", "10.0.1.10", nil).nodes("b", 2, "az-b", "10.0.2.10", nil).
		fail(30*time.Second, topology.FailBlockBGP, "subnet", "az-b")
	p, r := s.run(t, Options{Seed: 9})
	for i, st := range r.Sessions {
		cross := p.Sessions[i].B >= 2
		if cross && (st.State != StateConnect || st.Reason != "hold timer expired: TCP/179 blocked by subnet/az-b") {
			t.Errorf("%s: %+v", p.SessionName(i), st)
		}
		if !cross && st.State != StateEstablished {
			t.Errorf("%s: %+v", p.SessionName(i), st)
		}
	}
	if got := learned(r, 0); !slices.Equal(got, []netip.Prefix{block(1)}) {
		t.Errorf("a-1 learned %v", got)
	}
	s.fail(400*time.Second, topology.FailUp, "subnet", "az-b")
	_, r = s.run(t, Options{Seed: 9})
	if r.EstablishedSessions() != 6 || len(learned(r, 0)) != 3 {
		t.Errorf("after up: %d sessions, a-1 learned %v", r.EstablishedSessions(), learned(r, 0))
	}
	if r.ConvergenceTime > connectRetry+time.Second {
		t.Errorf("reconnected %v after up, want within the 5 s connect retry", r.ConvergenceTime)
	}
}

func TestRouterDownReroutes(t *testing.T) {
	// Two routers between the subnets: one going down does not cut BGP.
	s := newScen().subnet("az-a", "10.0.1.0/24").subnet("az-b", "10.0.2.0/24").
		router("r1", 0, "az-a=10.0.1.1", "az-b=10.0.2.1").
		router("r2", 0, "az-a=10.0.1.2", "az-b=10.0.2.2").
		nodes("a", 1, "az-a", "10.0.1.10", nil).nodes("b", 1, "az-b", "10.0.2.10", nil).
		fail(10*time.Second, topology.FailDown, "router", "r1")
	_, r := s.run(t, Options{Seed: 1})
	if r.Sessions[0].State != StateEstablished {
		t.Errorf("session lost with a second router up: %+v", r.Sessions[0])
	}
	s.fail(10*time.Second, topology.FailDown, "router", "r2")
	_, r = s.run(t, Options{Seed: 1})
	if st := r.Sessions[0]; st.State != StateConnect || st.Reason != "hold timer expired: no underlay path for TCP/179" {
		t.Errorf("both routers down: %+v", st)
	}
}

func TestFailureTargetErrors(t *testing.T) {
	for _, target := range []topology.FailureTarget{{Kind: "node", Name: "nope"}, {Kind: "session", Name: "n-1~nope"}, {Kind: "pod", Name: "x"}} {
		s := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 2, "lan", "10.0.0.10", nil)
		p := s.plan(t)
		_, err := NewModel().Run(context.Background(), p, Options{Failures: []topology.Failure{{At: time.Second, Action: topology.FailDown, Target: target, Pos: topology.Pos{File: "f.yaml", Line: 9, Path: "spec.failures[0]"}}}})
		fe, ok := err.(*topology.FieldError)
		if !ok || fe.Line != 9 || fe.Path != "spec.failures[0]" {
			t.Errorf("%+v: error %v, want a FieldError at f.yaml:9 spec.failures[0]", target, err)
		}
	}
}

func TestDeterminism(t *testing.T) {
	build := func() *scen {
		return rrScen(30, 2, "1.0.0.1", "1.0.0.2").
			fail(5*time.Second, topology.FailDown, "node", "rr-1").
			fail(100*time.Second, topology.FailUp, "node", "rr-1").
			fail(150*time.Second, topology.FailBlockBGP, "node", "n-3")
	}
	p1, r1 := build().run(t, Options{Seed: 42})
	prev := runtime.GOMAXPROCS(1)
	p2, r2 := build().run(t, Options{Seed: 42})
	runtime.GOMAXPROCS(prev)
	a, b := dump(p1, r1), dump(p2, r2)
	if a != b {
		t.Fatalf("two runs differ:\n%s\n---\n%s", a, b)
	}
	_, r3 := build().run(t, Options{Seed: 43})
	if r3.SettleTime == r1.SettleTime {
		t.Error("another seed gave the very same timing")
	}
}

func TestResultConcurrentReads(t *testing.T) {
	p, r := rrScen(20, 2).run(t, Options{Seed: 1})
	done := make(chan string)
	for range 4 {
		go func() {
			var s string
			for sp := range p.Speakers {
				for _, rt := range r.Routes(sp) {
					s += rt.Prefix.String()
				}
				r.Lookup(sp, netip.MustParseAddr("10.244.0.1"))
			}
			done <- s
		}()
	}
	first := <-done
	for range 3 {
		if s := <-done; s != first {
			t.Error("concurrent readers saw different routes")
		}
	}
}

func TestReflectorGracefulRestart(t *testing.T) {
	// The only reflector restarts within the hold time: its clients keep
	// the reflected routes all along (stale, then refreshed).
	s := rrScen(4, 1).fail(10*time.Second, topology.FailDown, "node", "rr-1").fail(30*time.Second, topology.FailUp, "node", "rr-1")
	for _, until := range []time.Duration{20 * time.Second, 31 * time.Second, 32500 * time.Millisecond, 0} {
		p, r := s.run(t, Options{Seed: 8, Until: until})
		for sp := range p.Speakers {
			if p.Speakers[sp].Reflector() {
				continue
			}
			if got := learned(r, sp); len(got) != 4 {
				t.Errorf("at %v %s learned %v, want 4 prefixes", until, p.Speakers[sp].Name, got)
			}
		}
		if until == 0 {
			if !r.Converged || r.EstablishedSessions() != 4 {
				t.Errorf("converged %v with %d sessions", r.Converged, r.EstablishedSessions())
			}
			for _, e := range r.Timeline {
				if e.What == "session-down" {
					t.Errorf("a session went down: %+v", e)
				}
			}
		}
	}
}
