package plan

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
)

func runner(ctx context.Context, sc *topology.Scenario) (*sim.Result, error) {
	return sim.Run(ctx, sc, sim.Options{Seed: 1})
}

// TestPlanScenarios runs the whole plan on the reference scenarios and
// holds the recommendation to the reference architecture's rules.
func TestPlanScenarios(t *testing.T) {
	for _, tc := range []struct {
		file   string
		encaps []Encapsulation // any of these
		layout Layout          // "" : any
		says   string
	}{
		// AWS: src/dst checks drop native pod traffic even inside a subnet,
		// so CrossSubnet fails too; a full overlay reaches every pair.
		{"aws-two-az.yaml", []Encapsulation{EncapIPIP, EncapVXLAN}, LayoutMesh, "source/destination checks"},
		// One L2 subnet that routes pods: no encapsulation.
		{"onprem-l2-native.yaml", []Encapsulation{EncapNone}, LayoutMesh, "no encapsulation is needed"},
		// Azure: IP-in-IP blocked and addresses checked: VXLAN.
		{"azure-ipip-blocked.yaml", []Encapsulation{EncapVXLAN}, "", "VXLAN"},
		{"azure-vxlan.yaml", []Encapsulation{EncapVXLAN}, "", "VXLAN"},
		// Routers between subnets that know no pod routes: CrossSubnet.
		{"onprem-l3-crosssubnet.yaml", []Encapsulation{EncapIPIPCrossSubnet}, LayoutMesh, "CrossSubnet"},
		// BGP blocked: only VXLAN, which needs no BGP, reaches.
		{"bgp-blocked-ipip.yaml", []Encapsulation{EncapVXLAN, EncapVXLANCrossSubnet}, "", "VXLAN"},
		// 60 nodes: reflectors.
		{"large-mesh-no-typha.yaml", nil, LayoutReflectors, "beyond 50 nodes"},
		// Native across racks works only with the scenario's ToR peering.
		{"tor-peering-per-rack.yaml", []Encapsulation{EncapNone}, LayoutScenario, "own BGP layout"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("..", "..", "scenarios", tc.file)
			sc, err := topology.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := topology.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Make(context.Background(), sc, runner)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sc, fresh) {
				t.Error("the plan mutated the scenario")
			}
			var rec []Option
			for _, o := range p.Options {
				if o.Recommended {
					rec = append(rec, o)
				}
			}
			if len(rec) != 1 {
				t.Fatalf("%d options recommended, want exactly one", len(rec))
			}
			o := rec[0]
			if !o.AllReachable() {
				t.Errorf("recommended %s reaches %d of %d", o.Name(), o.Reachable, o.Pairs)
			}
			if tc.encaps != nil && !containsEncap(tc.encaps, o.Encapsulation) {
				t.Errorf("recommended %s, want encapsulation in %v\n%s", o.Name(), tc.encaps, p.Recommendation)
			}
			if tc.layout != "" && o.BGP != tc.layout {
				t.Errorf("recommended %s, want layout %s\n%s", o.Name(), tc.layout, p.Recommendation)
			}
			if !strings.Contains(p.Recommendation, tc.says) {
				t.Errorf("reason lacks %q: %s", tc.says, p.Recommendation)
			}
			if want := len(Encapsulations) * 2; len(p.Options) < want {
				t.Errorf("%d options, want at least %d", len(p.Options), want)
			}
			again, err := Make(context.Background(), sc, runner)
			if err != nil || !reflect.DeepEqual(p, again) {
				t.Error("two plans of one scenario differ")
			}
		})
	}
}

func containsEncap(es []Encapsulation, e Encapsulation) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

func TestPlanCancelled(t *testing.T) {
	sc, err := topology.Load(filepath.Join("..", "..", "scenarios", "onprem-l2-native.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Make(ctx, sc, runner); err == nil {
		t.Error("a cancelled plan succeeded")
	}
}
