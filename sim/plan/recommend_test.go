package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// opt is a hand-made option for the ranking rules.
func opt(e Encapsulation, l Layout, reach, pairs, mtu, peers int) Option {
	o := Option{Encapsulation: e, BGP: l, Reachable: reach, Pairs: pairs, PodMTU: mtu, MaxPeersPerNode: peers, MaxClientPeers: peers, Sessions: peers * 10}
	if reach < pairs {
		o.Drops = []DropCount{{Reason: "src-dst-check", Count: pairs - reach, At: "subnet/a"}}
	}
	return o
}

func nodes(n int) *topology.Scenario {
	sc := &topology.Scenario{}
	for i := range n {
		sc.Nodes = append(sc.Nodes, topology.Node{Name: fmt.Sprint(i)})
	}
	return sc
}

func TestRecommendRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		nodes   int
		options []Option
		want    string // Name() of the recommended option
		says    []string
	}{
		{"native when it reaches everything", 4, []Option{
			opt(EncapNone, LayoutMesh, 12, 12, 1500, 3),
			opt(EncapIPIP, LayoutMesh, 12, 12, 1480, 3),
		}, "none / full-mesh", []string{"no encapsulation is needed", "full mesh is adequate"}},
		{"reachability beats preference", 4, []Option{
			opt(EncapNone, LayoutMesh, 6, 12, 1500, 3),
			opt(EncapIPIPCrossSubnet, LayoutMesh, 6, 12, 1480, 3),
			opt(EncapIPIP, LayoutMesh, 12, 12, 1480, 3),
			opt(EncapVXLAN, LayoutMesh, 12, 12, 1450, 3),
		}, "ipip / full-mesh", []string{"none reaches 6 of 12", "ipip-crosssubnet reaches 6 of 12", "source/destination checks"}},
		{"crosssubnet across subnets", 4, []Option{
			opt(EncapNone, LayoutMesh, 8, 12, 1500, 3),
			opt(EncapIPIPCrossSubnet, LayoutMesh, 12, 12, 1480, 3),
			opt(EncapIPIP, LayoutMesh, 12, 12, 1480, 3),
		}, "ipip-crosssubnet / full-mesh", []string{"CrossSubnet"}},
		{"vxlan when ipip is blocked", 4, []Option{
			opt(EncapNone, LayoutMesh, 0, 12, 1500, 3),
			opt(EncapIPIPCrossSubnet, LayoutMesh, 0, 12, 1480, 3),
			opt(EncapVXLANCrossSubnet, LayoutMesh, 0, 12, 1450, 3),
			opt(EncapIPIP, LayoutMesh, 0, 12, 1480, 3),
			opt(EncapVXLAN, LayoutMesh, 12, 12, 1450, 3),
		}, "vxlan / full-mesh", []string{"VXLAN needs no BGP"}},
		{"reflectors beyond 50 nodes", 60, []Option{
			opt(EncapIPIP, LayoutMesh, 12, 12, 1480, 59),
			opt(EncapIPIP, LayoutReflectors, 12, 12, 1480, 4),
		}, "ipip / route-reflectors", []string{"from 59 to 4", "beyond 50 nodes"}},
		{"mesh up to 50 nodes", 50, []Option{
			opt(EncapIPIP, LayoutReflectors, 12, 12, 1480, 4),
			opt(EncapIPIP, LayoutMesh, 12, 12, 1480, 49),
		}, "ipip / full-mesh", []string{"full mesh is adequate"}},
		{"larger pod MTU breaks a tie", 4, []Option{
			opt(EncapIPIP, LayoutScenario, 12, 12, 1430, 3),
			opt(EncapIPIP, LayoutScenario, 12, 12, 1480, 3),
		}, "ipip / scenario", nil},
		{"nothing reaches all: the most", 4, []Option{
			opt(EncapNone, LayoutMesh, 2, 12, 1500, 3),
			opt(EncapIPIP, LayoutMesh, 10, 12, 1480, 3),
		}, "ipip / full-mesh", []string{"no option reaches every pair", "10 of 12"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Plan{Options: tc.options}
			best, why := recommend(p, nodes(tc.nodes))
			if got := p.Options[best].Name(); got != tc.want {
				t.Errorf("recommended %s, want %s (%s)", got, tc.want, why)
			}
			for _, s := range tc.says {
				if !strings.Contains(why, s) {
					t.Errorf("reason lacks %q: %s", s, why)
				}
			}
			if tc.name == "larger pod MTU breaks a tie" && p.Options[best].PodMTU != 1480 {
				t.Errorf("picked pod MTU %d", p.Options[best].PodMTU)
			}
		})
	}
}
