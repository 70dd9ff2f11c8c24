package dataplane

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// pipeline runs a scenario file through load, graph, IPAM, the BGP plan and
// the model engine, and Build.
func pipeline(tb testing.TB, file string) *Dataplane {
	tb.Helper()
	sc, err := topology.Load(file)
	if err != nil {
		tb.Fatalf("load: %v", err)
	}
	g := topology.NewGraph(sc)
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		tb.Fatalf("ipam: %v", err)
	}
	plan, err := bgp.NewPlan(sc, g, alloc)
	if err != nil {
		tb.Fatalf("bgp plan: %v", err)
	}
	res, err := bgp.NewModel().Run(context.Background(), plan, bgp.Options{Failures: sc.Failures})
	if err != nil {
		tb.Fatalf("bgp run: %v", err)
	}
	d, err := Build(sc, g, alloc, plan, res)
	if err != nil {
		tb.Fatalf("dataplane: %v", err)
	}
	return d
}

// TestScenarioNodeExpectations checks the node expectations of the scenario
// library and of testdata/*.yaml (podMTU, routes, absentRoutes) against
// Build on the real pipeline, and keeps every table of testdata/NAME.yaml in
// testdata/NAME.routes.golden.
func TestScenarioNodeExpectations(t *testing.T) {
	library, _ := filepath.Glob("../../scenarios/*.yaml")
	own, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range append(library, own...) {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			d := pipeline(t, file)
			sc := d.sc
			for k, ne := range sc.Expect.Nodes {
				for _, i := range expectedNodes(t, sc, ne) {
					info := d.Node(i)
					if ne.PodMTU != nil && info.PodMTU != *ne.PodMTU {
						t.Errorf("%s:%d: expect.nodes[%d] %s: podMTU %d, want %d", file, ne.Pos.Line, k, info.Name, info.PodMTU, *ne.PodMTU)
					}
					tab := d.Table(i)
					for _, want := range ne.Routes {
						if !hasRoute(tab, want) {
							t.Errorf("%s:%d: expect.nodes[%d] %s: no line matches %q in\n%s", file, ne.Pos.Line, k, info.Name, want, tab)
						}
					}
					for _, dst := range ne.AbsentRoutes {
						if hasRoute(tab, dst) {
							t.Errorf("%s:%d: expect.nodes[%d] %s: a route to %s exists in\n%s", file, ne.Pos.Line, k, info.Name, dst, tab)
						}
					}
				}
			}
			// Golden tables for this package's own scenarios (copies kept
			// here, so that the library can change without breaking them).
			if strings.HasPrefix(file, "testdata") {
				golden(t, name+".routes.golden", allTables(d))
			}
		})
	}
}

func expectedNodes(t *testing.T, sc *topology.Scenario, ne topology.NodeExpect) []int {
	t.Helper()
	var out []int
	var sel *selector.Selector
	if ne.Selector != "" {
		s, err := selector.Parse(ne.Selector)
		if err != nil {
			t.Fatalf("selector %q: %v", ne.Selector, err)
		}
		sel = s
	}
	for i := range sc.Nodes {
		if (ne.Name != "" && sc.Nodes[i].Name == ne.Name) || (sel != nil && sel.Matches(selector.Map(sc.Nodes[i].Labels))) {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		t.Fatalf("expectation names no node: %+v", ne)
	}
	return out
}

// hasRoute is DESIGN.md's route matching: the destination is the same and
// every further word of want (key value pairs and flags) is in the line.
func hasRoute(tab *Table, want string) bool {
	wf := strings.Fields(want)
	if len(wf) == 0 {
		return false
	}
	wdst, wrest := splitDst(wf)
	for _, r := range tab.Routes {
		lf := strings.Fields(r.String())
		ldst, lrest := splitDst(lf)
		if ldst != wdst {
			continue
		}
		line := " " + strings.Join(lrest, " ") + " "
		ok := true
		for i := 0; i < len(wrest); i++ {
			w := wrest[i]
			if i+1 < len(wrest) && isKey(w) {
				if !strings.Contains(line, " "+w+" "+wrest[i+1]+" ") {
					ok = false
				}
				i++
				continue
			}
			if !strings.Contains(line, " "+w+" ") {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func splitDst(f []string) (string, []string) {
	if f[0] == "blackhole" && len(f) > 1 {
		return normDst(f[1]), f[2:]
	}
	return normDst(f[0]), f[1:]
}

func normDst(s string) string {
	if s == "default" || s == "0.0.0.0/0" {
		return "default"
	}
	return strings.TrimSuffix(s, "/32")
}

func isKey(w string) bool {
	switch w {
	case "via", "dev", "proto", "scope", "src", "metric", "table":
		return true
	}
	return false
}
