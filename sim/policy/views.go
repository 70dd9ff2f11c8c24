package policy

import (
	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// EndpointLabels returns the labels Calico's selectors see on each pod
// (index aligned with sc.Pods) and each network set (sc.Resources'
// GlobalNetworkSets, then NetworkSets): a pod's own labels, the labels
// Calico sets (projectcalico.org/namespace, /orchestrator,
// /serviceaccount), the pcns.* labels of its namespace profile and
// pcsa.projectcalico.org/name, and the labelsToApply of explicit kns./ksa.
// profiles; a namespaced set's own labels, its namespace and pcns.*. They
// are the views the engine evaluates, so `calisim select` and policy agree.
func EndpointLabels(sc *topology.Scenario) (pods, sets []selector.Labels) {
	nsLabels := make(map[string]map[string]string, len(sc.Namespaces))
	for i := range sc.Namespaces {
		nsLabels[sc.Namespaces[i].Name] = sc.Namespaces[i].Labels
	}
	explicit := map[string]*topology.Profile{}
	for i := range sc.Resources.Profiles {
		explicit[sc.Resources.Profiles[i].Name] = &sc.Resources.Profiles[i]
	}
	pods = make([]selector.Labels, len(sc.Pods))
	for i := range sc.Pods {
		p := &sc.Pods[i]
		sa := p.ServiceAccount
		if sa == "" {
			sa = "default"
		}
		v := &podView{own: p.Labels, ns: p.Namespace, sa: sa, nsLabels: nsLabels[p.Namespace]}
		for _, name := range []string{"kns." + p.Namespace, "ksa." + p.Namespace + "." + sa} {
			prof := explicit[name]
			if prof == nil {
				continue
			}
			for k, val := range prof.LabelsToApply {
				if v.applied == nil {
					v.applied = map[string]string{}
				}
				if _, ok := v.applied[k]; !ok {
					v.applied[k] = val
				}
			}
		}
		pods[i] = v
	}
	for _, list := range [][]topology.NetworkSet{sc.Resources.GlobalNetworkSets, sc.Resources.NetworkSets} {
		for i := range list {
			s := &list[i]
			v := &setView{own: s.Labels, ns: s.Namespace}
			if s.Namespace != "" {
				v.nsLabels = nsLabels[s.Namespace]
			}
			sets = append(sets, v)
		}
	}
	return pods, sets
}
