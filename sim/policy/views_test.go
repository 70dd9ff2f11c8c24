package policy

import (
	"testing"

	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// EndpointLabels sees what the engine's selectors see: pcns.* namespace
// labels, the labels Calico sets, profile labelsToApply.
func TestEndpointLabels(t *testing.T) {
	w := newWorld("a", "b").nsLabel("b", "zone", "us").pod("a/x", "app", "x").pod("b/y", "app", "y")
	w.last().ServiceAccount = "api"
	w.sc.Resources.Profiles = []topology.Profile{{Name: "kns.a", LabelsToApply: map[string]string{"team": "blue"}}}
	w.sc.Resources.NetworkSets = []topology.NetworkSet{{Name: "s", Namespace: "b", Labels: map[string]string{"role": "db"}}}
	pods, sets := EndpointLabels(&w.sc)
	e := w.engine(t)
	for _, c := range []struct {
		sel         string
		x, y, inSet bool
	}{
		{"pcns.zone == 'us'", false, true, true},
		{"projectcalico.org/namespace == 'a'", true, false, false},
		{"projectcalico.org/serviceaccount == 'api'", false, true, false},
		{"pcsa.projectcalico.org/name == 'default'", true, false, false},
		{"pcns.projectcalico.org/name == 'b'", false, true, true},
		{"team == 'blue'", true, false, false},
		{"projectcalico.org/orchestrator == 'k8s' && app == 'y'", false, true, false},
		{"role == 'db'", false, false, true},
	} {
		s, err := selector.Parse(c.sel)
		if err != nil {
			t.Fatal(err)
		}
		if got := [3]bool{s.Matches(pods[0]), s.Matches(pods[1]), s.Matches(sets[0])}; got != [3]bool{c.x, c.y, c.inSet} {
			t.Errorf("%s: x, y, set = %v, want %v", c.sel, got, [3]bool{c.x, c.y, c.inSet})
		}
		for i := range pods {
			if s.Matches(pods[i]) != s.Matches(&e.pods[i].view) {
				t.Errorf("%s: pod %d: EndpointLabels and the engine disagree", c.sel, i)
			}
		}
	}
}
