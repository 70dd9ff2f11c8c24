package bgp

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// scen builds hand-made scenarios for the tests and benchmarks.
type scen struct {
	sc *topology.Scenario
}

func newScen() *scen {
	return &scen{sc: &topology.Scenario{
		Name:   "test",
		Calico: topology.Calico{Backend: topology.BackendBird, BGPEnabled: true},
		Resources: topology.Resources{
			BGP: topology.BGPConfig{NodeToNodeMeshEnabled: true, ASNumber: 64512},
		},
	}}
}

func (s *scen) noMesh() *scen { s.sc.Resources.BGP.NodeToNodeMeshEnabled = false; return s }

func (s *scen) subnet(name, cidr string) *scen {
	s.sc.Underlay.Subnets = append(s.sc.Underlay.Subnets, topology.Subnet{Name: name, CIDR: netip.MustParsePrefix(cidr)})
	return s
}

// router adds a router; ifaces are "subnet=ip".
func (s *scen) router(name string, as uint32, ifaces ...string) *scen {
	r := topology.Router{Name: name, ASNumber: as}
	for _, in := range ifaces {
		sub, ip, _ := strings.Cut(in, "=")
		r.Interfaces = append(r.Interfaces, topology.Interface{Subnet: sub, Addr: netip.MustParseAddr(ip)})
	}
	s.sc.Underlay.Routers = append(s.sc.Underlay.Routers, r)
	return s
}

// nodes adds n nodes name-1..name-n on subnet, addresses from first on,
// with the given labels.
func (s *scen) nodes(name string, n int, subnet, first string, labels map[string]string) *scen {
	a := netip.MustParseAddr(first)
	for i := 1; i <= n; i++ {
		l := map[string]string{"kubernetes.io/hostname": fmt.Sprintf("%s-%d", name, i)}
		for k, v := range labels {
			l[k] = v
		}
		s.sc.Nodes = append(s.sc.Nodes, topology.Node{Name: fmt.Sprintf("%s-%d", name, i), Subnet: subnet, Addr: a, Labels: l})
		a = a.Next()
	}
	return s
}

// reflectors makes the named nodes route reflectors of cluster id.
func (s *scen) reflectors(id string, names ...string) *scen {
	for _, n := range names {
		for i := range s.sc.Nodes {
			if s.sc.Nodes[i].Name == n {
				s.sc.Nodes[i].RouteReflectorClusterID = id
				s.sc.Nodes[i].Labels["route-reflector"] = "true"
			}
		}
	}
	return s
}

func (s *scen) peer(p topology.BGPPeer) *scen {
	s.sc.Resources.BGPPeers = append(s.sc.Resources.BGPPeers, p)
	return s
}

func (s *scen) fail(at time.Duration, action topology.FailureAction, kind, name string) *scen {
	s.sc.Failures = append(s.sc.Failures, topology.Failure{At: at, Action: action, Target: topology.FailureTarget{Kind: kind, Name: name}})
	return s
}

// alloc gives node i the block 10.244.x.y/26 (the i-th /26 of 10.244/16).
func (s *scen) alloc() *ipam.Allocation {
	a := &ipam.Allocation{}
	base := netip.MustParseAddr("10.244.0.0").As4()
	for i := range s.sc.Nodes {
		off := uint32(i) * 64
		b := base
		b[1] += byte(off >> 16)
		b[2] += byte(off >> 8)
		b[3] += byte(off)
		a.Blocks = append(a.Blocks, ipam.Block{CIDR: netip.PrefixFrom(netip.AddrFrom4(b), 26), Pool: -1, Node: i})
		a.Nodes = append(a.Nodes, ipam.NodeAlloc{Blocks: []int{i}, Pool: -1})
	}
	return a
}

func (s *scen) plan(t testing.TB) *Plan {
	t.Helper()
	p, err := NewPlan(s.sc, topology.NewGraph(s.sc), s.alloc())
	if err != nil {
		t.Fatalf("NewPlan: %v", err)
	}
	return p
}

func (s *scen) run(t testing.TB, opts Options) (*Plan, *Result) {
	t.Helper()
	p := s.plan(t)
	if opts.Failures == nil {
		opts.Failures = s.sc.Failures
	}
	r, err := NewModel().Run(context.Background(), p, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return p, r
}

// block is node i's block in scen.alloc.
func block(i int) netip.Prefix {
	b := netip.MustParseAddr("10.244.0.0").As4()
	off := uint32(i) * 64
	b[1] += byte(off >> 16)
	b[2] += byte(off >> 8)
	b[3] += byte(off)
	return netip.PrefixFrom(netip.AddrFrom4(b), 26)
}

// dump prints everything a result says, deterministically.
func dump(p *Plan, r *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "topology %s converged %v in %v settle %v updates %d\n", p.Topology, r.Converged, r.ConvergenceTime, r.SettleTime, r.Updates)
	for i, st := range r.Sessions {
		fmt.Fprintf(&b, "session %s %s since %v %s\n", p.SessionName(i), st.State, st.Since, st.Reason)
	}
	for _, e := range r.Timeline {
		fmt.Fprintf(&b, "event %v %s %s\n", e.At, e.What, e.Detail)
	}
	for sp := range p.Speakers {
		fmt.Fprintf(&b, "speaker %s peak %d established %d\n", p.Speakers[sp].Name, r.PeakRoutes[sp], r.Established(sp))
		for _, rt := range r.Routes(sp) {
			fmt.Fprintf(&b, "  %s via %s path %v from %d origin %d ebgp %v lp %d orig %v clusters %v (%s)\n",
				rt.Prefix, rt.NextHop, rt.ASPath, rt.From, rt.Origin, rt.EBGP, rt.LocalPref, rt.OriginatorID, rt.ClusterList, rt.Reason)
		}
	}
	return b.String()
}
