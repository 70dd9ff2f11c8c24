package sim

import (
	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// Matches lists what a selector matches in a scenario.
type Matches struct {
	Nodes       []string `json:"nodes"`
	Pods        []string `json:"pods"`        // ns/name
	NetworkSets []string `json:"networkSets"` // name or ns/name
}

// Select evaluates sel over the scenario's nodes (their labels), pods (their
// labels plus the labels Calico adds: projectcalico.org/namespace,
// projectcalico.org/orchestrator, projectcalico.org/serviceaccount) and
// network sets, in scenario order.
func Select(sc *topology.Scenario, sel *selector.Selector) Matches {
	m := Matches{Nodes: []string{}, Pods: []string{}, NetworkSets: []string{}}
	for i := range sc.Nodes {
		if sel.Matches(selector.Map(sc.Nodes[i].Labels)) {
			m.Nodes = append(m.Nodes, sc.Nodes[i].Name)
		}
	}
	for i := range sc.Pods {
		p := &sc.Pods[i]
		extra := selector.Map{
			"projectcalico.org/namespace":    p.Namespace,
			"projectcalico.org/orchestrator": "k8s",
		}
		if p.ServiceAccount != "" {
			extra["projectcalico.org/serviceaccount"] = p.ServiceAccount
		}
		if sel.Matches(selector.Merged{A: selector.Map(p.Labels), B: extra}) {
			m.Pods = append(m.Pods, p.Namespace+"/"+p.Name)
		}
	}
	for _, set := range [][]topology.NetworkSet{sc.Resources.GlobalNetworkSets, sc.Resources.NetworkSets} {
		for i := range set {
			if sel.Matches(selector.Map(set[i].Labels)) {
				name := set[i].Name
				if set[i].Namespace != "" {
					name = set[i].Namespace + "/" + name
				}
				m.NetworkSets = append(m.NetworkSets, name)
			}
		}
	}
	return m
}
