package bgp

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// TestScenarioLibrary runs every scenario of the library through the plan
// and the model engine and checks the BGP expectations they carry
// (expect.bgp, and bgpPeers of expect.nodes).
func TestScenarioLibrary(t *testing.T) {
	files, err := filepath.Glob("../../scenarios/*.yaml")
	if err != nil || len(files) == 0 {
		t.Skip("no scenario library")
	}
	checked := 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			sc, err := topology.Load(f)
			if err != nil {
				t.Skipf("does not load (not this package's concern): %v", err)
			}
			alloc, err := ipam.Allocate(sc)
			if err != nil {
				t.Skipf("IPAM: %v", err)
			}
			p, err := NewPlan(sc, topology.NewGraph(sc), alloc)
			if err != nil {
				t.Fatalf("NewPlan: %v", err)
			}
			r, err := NewModel().Run(context.Background(), p, Options{Seed: 1, Failures: sc.Failures})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if e := sc.Expect.BGP; e != nil {
				checked++
				if e.Topology != "" && e.Topology != p.Topology {
					t.Errorf("%s: topology %s, want %s", e.Pos, p.Topology, e.Topology)
				}
				if e.Sessions != nil && *e.Sessions != r.EstablishedSessions() {
					t.Errorf("%s: %d sessions established, want %d", e.Pos, r.EstablishedSessions(), *e.Sessions)
				}
				if e.MaxPeersPerNode != nil {
					most := 0
					for i := range sc.Nodes {
						if sp, ok := p.NodeSpeaker(i); ok {
							most = max(most, r.Established(sp))
						}
					}
					if most != *e.MaxPeersPerNode {
						t.Errorf("%s: max peers per node %d, want %d", e.Pos, most, *e.MaxPeersPerNode)
					}
				}
				if e.Converged != nil && *e.Converged != r.Converged {
					t.Errorf("%s: converged %v, want %v", e.Pos, r.Converged, *e.Converged)
				}
				if e.ConvergedWithin != nil && r.ConvergenceTime > *e.ConvergedWithin {
					t.Errorf("%s: converged in %v, want within %v", e.Pos, r.ConvergenceTime, *e.ConvergedWithin)
				}
			}
			for _, ne := range sc.Expect.Nodes {
				if ne.BGPPeers == nil {
					continue
				}
				checked++
				var sel *selector.Selector
				if ne.Selector != "" {
					if sel, err = selector.Parse(ne.Selector); err != nil {
						t.Fatalf("%s: selector: %v", ne.Pos, err)
					}
				}
				for i, n := range sc.Nodes {
					if (ne.Name != "" && n.Name != ne.Name) || (sel != nil && !sel.Matches(selector.Map(n.Labels))) {
						continue
					}
					sp, _ := p.NodeSpeaker(i)
					if got := r.Established(sp); got != *ne.BGPPeers {
						t.Errorf("%s: node %s has %d BGP peers, want %d", ne.Pos, n.Name, got, *ne.BGPPeers)
					}
				}
			}
		})
	}
	t.Logf("%d BGP expectations checked over %d scenarios", checked, len(files))
}
