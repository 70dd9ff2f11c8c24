package bgp

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/topology"
)

// rrScen: one subnet, nodes n-1..n-<clients>, reflectors rr-1..rr-<rrs>,
// clients peer with reflectors, reflectors with each other (Calico's
// documented route reflector setup).
func rrScen(clients, rrs int, clusters ...string) *scen {
	s := newScen().noMesh().subnet("lan", "10.0.0.0/16").
		nodes("rr", rrs, "lan", "10.0.0.10", nil).
		nodes("n", clients, "lan", "10.0.1.1", nil)
	for i := 1; i <= rrs; i++ {
		id := "224.0.0.1"
		if len(clusters) >= i {
			id = clusters[i-1]
		}
		s.reflectors(id, "rr-"+strconv.Itoa(i))
	}
	s.peer(topology.BGPPeer{Name: "peer-with-rr", NodeSelector: "!has(route-reflector)", PeerSelector: "has(route-reflector)"})
	s.peer(topology.BGPPeer{Name: "rr-mesh", NodeSelector: "has(route-reflector)", PeerSelector: "has(route-reflector)"})
	return s
}

// torScen: two racks, a ToR (eBGP) per rack, nodes peer with their ToR.
func torScen() *scen {
	s := newScen().noMesh().
		subnet("rack-a", "10.1.0.0/24").subnet("rack-b", "10.2.0.0/24").subnet("spine", "10.0.0.0/24").
		router("tor-a", 65001, "rack-a=10.1.0.1", "spine=10.0.0.1").
		router("tor-b", 65002, "rack-b=10.2.0.1", "spine=10.0.0.2").
		nodes("a", 3, "rack-a", "10.1.0.10", map[string]string{"rack": "a"}).
		nodes("b", 3, "rack-b", "10.2.0.10", map[string]string{"rack": "b"})
	s.sc.Underlay.Routers[0].Default = true
	s.peer(topology.BGPPeer{Name: "tor-a", NodeSelector: "rack == 'a'", PeerIP: netip.MustParseAddr("10.1.0.1"), ASNumber: 65001})
	s.peer(topology.BGPPeer{Name: "tor-b", NodeSelector: "rack == 'b'", PeerIP: netip.MustParseAddr("10.2.0.1"), ASNumber: 65002})
	return s
}

func TestPlanLayouts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		scen     func() *scen
		topology string
		sessions int
		kinds    map[SessionKind]int
		check    func(t *testing.T, p *Plan)
	}{
		{
			name:     "mesh: N-1 peers per node",
			scen:     func() *scen { return newScen().subnet("lan", "10.0.0.0/24").nodes("n", 5, "lan", "10.0.0.10", nil) },
			topology: "full-mesh", sessions: 10, kinds: map[SessionKind]int{SessionMesh: 10},
			check: func(t *testing.T, p *Plan) {
				for sp := range p.Speakers {
					if n := len(p.PeersOf(sp)); n != 4 {
						t.Errorf("%s has %d sessions, want 4", p.Speakers[sp].Name, n)
					}
				}
				for _, s := range p.Sessions {
					hi := s.A
					if p.Speakers[s.A].Addr.Less(p.Speakers[s.B].Addr) {
						hi = s.B
					}
					if s.Passive != hi || s.EBGP || !s.Reachable || s.Client != -1 {
						t.Errorf("mesh session %+v: want passive %d (higher address), iBGP, reachable, no client", s, hi)
					}
				}
			},
		},
		{
			name:     "reflectors and clients",
			scen:     func() *scen { return rrScen(4, 2) },
			topology: "route-reflector", sessions: 9, kinds: map[SessionKind]int{SessionReflector: 8, SessionPeer: 1},
			check: func(t *testing.T, p *Plan) {
				for _, s := range p.Sessions {
					if s.Kind != SessionReflector {
						continue
					}
					rr, cl := s.A, s.B
					if !p.Speakers[rr].Reflector() {
						rr, cl = cl, rr
					}
					if s.Client != cl || p.Speakers[cl].Reflector() {
						t.Errorf("session %s: client %d, want %d", p.SessionName(0), s.Client, cl)
					}
				}
			},
		},
		{
			name:     "two reflectors of one cluster: ordinary iBGP between them",
			scen:     func() *scen { return rrScen(1, 2) },
			topology: "route-reflector", sessions: 3, kinds: map[SessionKind]int{SessionReflector: 2, SessionPeer: 1},
			check: func(t *testing.T, p *Plan) {
				for _, s := range p.Sessions {
					if s.Kind == SessionPeer && (s.Client != -1 || s.RRClient != [2]bool{}) {
						t.Errorf("reflector-reflector session has rr clients: %+v", s)
					}
				}
			},
		},
		{
			name:     "two reflectors of different clusters are each other's clients",
			scen:     func() *scen { return rrScen(1, 2, "1.1.1.1", "2.2.2.2") },
			topology: "route-reflector", sessions: 3, kinds: map[SessionKind]int{SessionReflector: 3},
			check: func(t *testing.T, p *Plan) {
				for _, s := range p.Sessions {
					if p.Speakers[s.A].Reflector() && p.Speakers[s.B].Reflector() && (s.RRClient != [2]bool{true, true} || s.Client != -1) {
						t.Errorf("reflectors of different clusters: %+v", s)
					}
				}
			},
		},
		{
			name:     "ToR per rack, eBGP",
			scen:     torScen,
			topology: "tor", sessions: 6, kinds: map[SessionKind]int{SessionRouter: 6},
			check: func(t *testing.T, p *Plan) {
				for _, s := range p.Sessions {
					if !s.EBGP || s.Passive != -1 || !s.CanEstablish() || p.Speakers[s.B].Kind != SpeakerRouter {
						t.Errorf("ToR session %+v", s)
					}
				}
			},
		},
		{
			name: "global peer to a router beside the mesh",
			scen: func() *scen {
				s := newScen().subnet("lan", "10.0.0.0/24").router("edge", 65000, "lan=10.0.0.1").nodes("n", 4, "lan", "10.0.0.10", nil)
				return s.peer(topology.BGPPeer{Name: "edge", PeerIP: netip.MustParseAddr("10.0.0.1"), ASNumber: 65000})
			},
			topology: "mixed", sessions: 10, kinds: map[SessionKind]int{SessionMesh: 6, SessionRouter: 4},
		},
		{
			name: "mesh off and no peers",
			scen: func() *scen {
				return newScen().noMesh().subnet("lan", "10.0.0.0/24").nodes("n", 3, "lan", "10.0.0.10", nil)
			},
			topology: "none", sessions: 0,
		},
		{
			name: "BGP disabled in the Installation",
			scen: func() *scen {
				s := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 3, "lan", "10.0.0.10", nil)
				s.sc.Calico.BGPEnabled = false
				return s
			},
			topology: "none", sessions: 0,
			check: func(t *testing.T, p *Plan) {
				if len(p.Speakers) != 0 {
					t.Errorf("%d speakers with BGP off", len(p.Speakers))
				}
			},
		},
		{
			name: "VXLAN backend: no BGP",
			scen: func() *scen {
				s := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 3, "lan", "10.0.0.10", nil)
				s.sc.Calico.Backend = topology.BackendVXLAN
				return s
			},
			topology: "none", sessions: 0,
		},
		{
			name: "blockBGP on a subnet",
			scen: func() *scen {
				s := newScen().subnet("az-a", "10.0.1.0/24").subnet("az-b", "10.0.2.0/24").
					router("vpc", 0, "az-a=10.0.1.1", "az-b=10.0.2.1").
					nodes("a", 2, "az-a", "10.0.1.10", nil).nodes("b", 2, "az-b", "10.0.2.10", nil)
				s.sc.Underlay.Subnets[1].BlockBGP = true
				return s
			},
			topology: "full-mesh", sessions: 6, kinds: map[SessionKind]int{SessionMesh: 6},
			check: func(t *testing.T, p *Plan) {
				blocked := 0
				for _, s := range p.Sessions {
					if !s.Reachable {
						blocked++
						if s.Blocked != "subnet/az-b" {
							t.Errorf("blocked by %q, want subnet/az-b", s.Blocked)
						}
					}
				}
				if blocked != 5 { // every session with an end in az-b
					t.Errorf("%d sessions blocked, want 5", blocked)
				}
			},
		},
		{
			name: "peerIP nobody speaks on, and a bad peer AS",
			scen: func() *scen {
				s := newScen().noMesh().subnet("lan", "10.0.0.0/24").router("tor", 65001, "lan=10.0.0.1").
					nodes("n", 1, "lan", "10.0.0.10", nil)
				s.peer(topology.BGPPeer{Name: "ghost", PeerIP: netip.MustParseAddr("10.0.0.99"), ASNumber: 65009})
				return s.peer(topology.BGPPeer{Name: "wrong-as", PeerIP: netip.MustParseAddr("10.0.0.1"), ASNumber: 65002})
			},
			topology: "tor", sessions: 2, kinds: map[SessionKind]int{SessionRouter: 2},
			check: func(t *testing.T, p *Plan) {
				if s := p.Sessions[0]; s.B != -1 || s.Refused != "no BGP speaker at 10.0.0.99" {
					t.Errorf("ghost peer: %+v", s)
				}
				if s := p.Sessions[1]; s.B < 0 || !strings.HasPrefix(s.Refused, "bad peer AS") {
					t.Errorf("wrong AS: %+v", s)
				}
			},
		},
		{
			name: "mesh and BGPPeer for the same pair: one session",
			scen: func() *scen {
				s := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 3, "lan", "10.0.0.10", nil)
				return s.peer(topology.BGPPeer{Name: "dup", Node: "n-1", PeerSelector: "kubernetes.io/hostname == 'n-2'", KeepOriginalNextHop: true})
			},
			topology: "full-mesh", sessions: 3, kinds: map[SessionKind]int{SessionMesh: 3},
			check: func(t *testing.T, p *Plan) {
				if !p.Sessions[0].KeepNextHop[0] {
					t.Errorf("keepOriginalNextHop not merged onto the mesh session: %+v", p.Sessions[0])
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.scen().plan(t)
			if p.Topology != tc.topology {
				t.Errorf("topology %q, want %q", p.Topology, tc.topology)
			}
			if len(p.Sessions) != tc.sessions {
				t.Errorf("%d sessions, want %d", len(p.Sessions), tc.sessions)
			}
			got := map[SessionKind]int{}
			for _, s := range p.Sessions {
				got[s.Kind]++
			}
			for k, n := range tc.kinds {
				if got[k] != n {
					t.Errorf("%d %s sessions, want %d", got[k], k, n)
				}
			}
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		peer topology.BGPPeer
		path string
	}{
		{"unknown node", topology.BGPPeer{Name: "x", Node: "nope", PeerIP: netip.MustParseAddr("10.0.0.1")}, "spec.node"},
		{"bad nodeSelector", topology.BGPPeer{Name: "x", NodeSelector: "a ==", PeerIP: netip.MustParseAddr("10.0.0.1")}, "spec.nodeSelector"},
		{"bad peerSelector", topology.BGPPeer{Name: "x", PeerSelector: "has("}, "spec.peerSelector"},
		{"no remote", topology.BGPPeer{Name: "x"}, "spec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 2, "lan", "10.0.0.10", nil)
			tc.peer.Pos = topology.Pos{File: "peers.yaml", Line: 3}
			s.peer(tc.peer)
			_, err := NewPlan(s.sc, nil, s.alloc())
			var fe *topology.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FieldError", err)
			}
			if fe.Path != tc.path || fe.File != "peers.yaml" || fe.Line != 3 {
				t.Errorf("error at %s:%d %s, want peers.yaml:3 %s", fe.File, fe.Line, fe.Path, tc.path)
			}
		})
	}
}

func TestPlanOrigins(t *testing.T) {
	s := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 2, "lan", "10.0.0.10", nil)
	s.sc.Resources.IPPools = []topology.IPPool{{Name: "a"}, {Name: "no-export", DisableBGPExport: true}}
	a := s.alloc()
	a.Blocks[0].Pool = 0
	a.Blocks[1].Pool = 1
	p, err := NewPlan(s.sc, nil, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Origins[0]) != 1 || p.Origins[0][0] != block(0) || len(p.Origins[1]) != 0 {
		t.Errorf("origins %v: want node 0's block only (pool no-export has disableBGPExport)", p.Origins)
	}
}

// TestOddInputsDoNotPanic: nodes without addresses, duplicate addresses, a
// peerIP that is the node's own, routers without interfaces, an empty
// underlay: plans and runs, never a panic.
func TestOddInputsDoNotPanic(t *testing.T) {
	s := newScen().subnet("lan", "10.0.0.0/24").nodes("n", 3, "lan", "10.0.0.10", nil).
		router("bare", 65001).router("nobgp", 0, "lan=10.0.0.1")
	s.sc.Nodes[1].Addr = netip.Addr{}
	s.sc.Nodes = append(s.sc.Nodes, s.sc.Nodes[0]) // duplicate name and address
	s.sc.Nodes[3].Labels = map[string]string{}
	s.peer(topology.BGPPeer{Name: "self", Node: "n-1", PeerIP: netip.MustParseAddr("10.0.0.10")})
	s.peer(topology.BGPPeer{Name: "nobgp", PeerIP: netip.MustParseAddr("10.0.0.1"), ASNumber: 65000})
	s.peer(topology.BGPPeer{Name: "outside", PeerIP: netip.MustParseAddr("192.0.2.1"), ASNumber: 65000})
	s.fail(time.Second, topology.FailDown, "node", "n-1")
	s.fail(2*time.Second, topology.FailDown, "router", "bare")
	s.fail(3*time.Second, topology.FailDown, "subnet", "lan")
	s.fail(4*time.Second, topology.FailUp, "subnet", "lan")
	p, r := s.run(t, Options{Seed: 1})
	for i := range p.Sessions {
		_ = p.SessionName(i)
	}
	_ = dump(p, r)

	empty := newScen()
	p, r = empty.run(t, Options{})
	if p.Topology != "none" || !r.Converged || len(r.Sessions) != 0 {
		t.Errorf("empty scenario: %s, converged %v, %d sessions", p.Topology, r.Converged, len(r.Sessions))
	}
	if r.Routes(0) != nil || r.Established(5) != 0 {
		t.Error("routes for a speaker that does not exist")
	}
	if _, ok := r.Lookup(-1, netip.MustParseAddr("10.0.0.1")); ok {
		t.Error("lookup for speaker -1")
	}
}
