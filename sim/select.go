package sim

import (
	"github.com/calisim/calisim/sim/policy"
	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// Matches lists what a selector matches in a scenario.
type Matches struct {
	Nodes       []string `json:"nodes"`
	Pods        []string `json:"pods"`        // ns/name
	NetworkSets []string `json:"networkSets"` // name or ns/name
}

// Select evaluates sel over the scenario's nodes (their labels), pods and
// network sets, in scenario order. Pods and sets are seen as the policy
// engine sees them (policy.EndpointLabels): their own labels plus those
// Calico adds (projectcalico.org/namespace, /orchestrator, /serviceaccount,
// the namespace's pcns.* and the service account's pcsa.* labels), so
// `calisim select` and `calisim policy` agree. Host-networked pods are not
// Calico workloads and are never selected.
func Select(sc *topology.Scenario, sel *selector.Selector) Matches {
	m := Matches{Nodes: []string{}, Pods: []string{}, NetworkSets: []string{}}
	for i := range sc.Nodes {
		if sel.Matches(selector.Map(sc.Nodes[i].Labels)) {
			m.Nodes = append(m.Nodes, sc.Nodes[i].Name)
		}
	}
	pods, sets := policy.EndpointLabels(sc)
	for i := range sc.Pods {
		if !sc.Pods[i].HostNetwork && sel.Matches(pods[i]) {
			m.Pods = append(m.Pods, sc.Pods[i].Namespace+"/"+sc.Pods[i].Name)
		}
	}
	all := append(append([]topology.NetworkSet(nil), sc.Resources.GlobalNetworkSets...), sc.Resources.NetworkSets...)
	for j := range all {
		if sel.Matches(sets[j]) {
			name := all[j].Name
			if all[j].Namespace != "" {
				name = all[j].Namespace + "/" + name
			}
			m.NetworkSets = append(m.NetworkSets, name)
		}
	}
	return m
}
