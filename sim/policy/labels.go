package policy

import "strings"

// Label keys Calico adds to every Kubernetes workload endpoint, and the
// prefixes of the labels the kns./ksa. profiles apply.
const (
	labelNamespace      = "projectcalico.org/namespace"
	labelOrchestrator   = "projectcalico.org/orchestrator"
	labelServiceAccount = "projectcalico.org/serviceaccount"
	labelName           = "projectcalico.org/name"
	prefixNamespace     = "pcns."
	prefixSA            = "pcsa."
)

// podView is a workload endpoint's labels as Calico's selectors see them:
// the pod's own labels, then the labels Calico sets (namespace, orchestrator,
// service account), then the labels its profiles apply (pcns.* from the
// namespace, pcsa.* from the service account, and any labelsToApply of an
// explicit Profile).
type podView struct {
	own      map[string]string
	ns, sa   string
	nsLabels map[string]string
	applied  map[string]string // explicit profiles' labelsToApply
}

func (v *podView) Get(k string) (string, bool) {
	switch k {
	case labelNamespace:
		return v.ns, true
	case labelOrchestrator:
		return "k8s", true
	case labelServiceAccount:
		return v.sa, true
	}
	if val, ok := v.own[k]; ok {
		return val, true
	}
	if rest, ok := strings.CutPrefix(k, prefixNamespace); ok {
		if rest == labelName {
			return v.ns, true
		}
		if val, ok := v.nsLabels[rest]; ok {
			return val, true
		}
	}
	if rest, ok := strings.CutPrefix(k, prefixSA); ok && rest == labelName {
		return v.sa, true
	}
	val, ok := v.applied[k]
	return val, ok
}

// setView is a network set's labels: its own, plus (when namespaced) the
// namespace label and the namespace profile's pcns.* labels.
type setView struct {
	own      map[string]string
	ns       string // "" for a GlobalNetworkSet
	nsLabels map[string]string
}

func (v *setView) Get(k string) (string, bool) {
	if val, ok := v.own[k]; ok {
		return val, true
	}
	if v.ns == "" {
		return "", false
	}
	if k == labelNamespace {
		return v.ns, true
	}
	if rest, ok := strings.CutPrefix(k, prefixNamespace); ok {
		if rest == labelName {
			return v.ns, true
		}
		val, ok := v.nsLabels[rest]
		return val, ok
	}
	return "", false
}

// nsView is a namespace's labels as a namespaceSelector sees them (Calico
// evaluates it over the pcns.* profile labels, i.e. the namespace's labels
// plus projectcalico.org/name).
type nsView struct {
	name   string
	labels map[string]string
}

func (v *nsView) Get(k string) (string, bool) {
	if val, ok := v.labels[k]; ok {
		return val, true
	}
	if k == labelName {
		return v.name, true
	}
	return "", false
}

// saView is a service account's labels as a serviceAccountSelector sees them
// (Calico's pcsa.* labels; calisim knows no ServiceAccount objects, so only
// projectcalico.org/name).
type saView struct{ name string }

func (v saView) Get(k string) (string, bool) {
	if k == labelName {
		return v.name, true
	}
	return "", false
}
