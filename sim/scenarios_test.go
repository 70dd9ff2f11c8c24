package sim

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// TestScenarioLibrary holds every scenario of the library to its own
// expectations, as `calisim test scenarios/` does in CI.
func TestScenarioLibrary(t *testing.T) {
	groups, err := Discover([]string{"../scenarios"})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) < 12 {
		t.Fatalf("%d scenarios in the library, want at least 12", len(groups))
	}
	for _, g := range groups {
		t.Run(filepath.Base(g[0]), func(t *testing.T) {
			t.Parallel()
			sc, err := topology.Load(g...)
			if err != nil {
				t.Fatal(err)
			}
			tw, err := Build(context.Background(), sc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := tw.Result(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			outs, err := Check(context.Background(), tw, res)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range outs {
				if !o.Passed {
					t.Errorf("%s %s:\n    %s", o.Pos, o.Name, strings.Join(o.Problems, "\n    "))
				}
			}
		})
	}
}

// TestCheckReportsFailures makes expectations fail on purpose: every kind of
// entry must say what it found instead.
func TestCheckReportsFailures(t *testing.T) {
	sc, err := topology.Load("../scenarios/switching-modes-ipip.yaml")
	if err != nil {
		t.Fatal(err)
	}
	no, five, wrongMTU := false, 5, 1400
	ipip := topology.EncapVXLAN
	sc.Expect.Flows[0].Delivered = &no
	sc.Expect.Flows[0].Encapsulation = &ipip
	sc.Expect.Flows[0].PathMTU = &wrongMTU
	sc.Expect.Nodes[0].Routes = append(sc.Expect.Nodes[0].Routes, "10.244.0.64/26 via 172.139.20.75 dev eth0 proto bird")
	sc.Expect.Nodes[0].AbsentRoutes = []string{"10.244.0.64/26"}
	sc.Expect.BGP.Sessions = &five
	sc.Expect.Findings.Present = append(sc.Expect.Findings.Present, CodeRRSingle)
	tw, err := Build(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tw.Result(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	outs, err := Check(context.Background(), tw, res)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"flow":     {"delivered: expected false, found true", "encapsulation: expected vxlan, found ipip", "pathMTU: expected 1400, found 1480"},
		"node":     {`the table has "10.244.0.64/26 via 172.139.20.75 dev tunl0 proto bird onlink"`, "expected absent"},
		"bgp":      {"sessions: expected 5 established, found 3"},
		"findings": {"finding RR_SINGLE expected but not reported"},
	}
	for _, o := range outs {
		kind := strings.Fields(o.Name)[0]
		ws, ok := want[kind]
		if !ok {
			continue
		}
		if o.Passed {
			t.Errorf("%s passed, want a failure", o.Name)
		}
		all := strings.Join(o.Problems, "\n")
		for _, w := range ws {
			if !strings.Contains(all, w) {
				t.Errorf("%s: problems lack %q:\n%s", o.Name, w, all)
			}
		}
		if o.Pos.Line == 0 || !strings.HasSuffix(o.Pos.File, "switching-modes-ipip.yaml") {
			t.Errorf("%s: position %v does not name the scenario line", o.Name, o.Pos)
		}
		delete(want, kind)
	}
	for k := range want {
		t.Errorf("no %s outcome", k)
	}
}

func TestTyphaReplicas(t *testing.T) {
	tests := []struct{ nodes, want int }{
		{1, 1}, {3, 2}, {4, 2}, {5, 3}, {50, 3}, {199, 3}, {200, 3}, {400, 4}, {1000, 7},
	}
	for _, tc := range tests {
		if got := typhaReplicas(tc.nodes); got != tc.want {
			t.Errorf("typhaReplicas(%d) = %d, want %d", tc.nodes, got, tc.want)
		}
	}
}
