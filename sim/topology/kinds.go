package topology

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// resourceKind decodes one resource document (or List item) into the
// loader's inputs.
type resourceKind func(l *loader, d *document, n *ynode, path string)

// resourceKinds is the registry of resources calisim reads, by
// "apiVersion/kind". Built here, once per load; nothing registers itself.
func resourceKinds() map[string]resourceKind {
	k := map[string]resourceKind{}
	for _, group := range []string{"projectcalico.org/v3", "crd.projectcalico.org/v1"} {
		k[group+"/IPPool"] = (*loader).ipPool
		k[group+"/BGPConfiguration"] = (*loader).bgpConfiguration
		k[group+"/BGPPeer"] = (*loader).bgpPeer
		k[group+"/FelixConfiguration"] = (*loader).felixConfiguration
		k[group+"/GlobalNetworkPolicy"] = (*loader).globalNetworkPolicy
		k[group+"/NetworkPolicy"] = (*loader).calicoNetworkPolicy
		k[group+"/GlobalNetworkSet"] = (*loader).networkSet
		k[group+"/NetworkSet"] = (*loader).networkSet
		k[group+"/Tier"] = (*loader).tier
		k[group+"/Profile"] = (*loader).profile
	}
	k["projectcalico.org/v3/Node"] = (*loader).calicoNode
	k["networking.k8s.io/v1/NetworkPolicy"] = (*loader).kubeNetworkPolicy
	k["v1/Namespace"] = (*loader).namespace
	k["v1/Pod"] = (*loader).pod
	k["v1/ConfigMap"] = (*loader).configMap
	for _, kind := range []string{"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"} {
		k["apps/v1/"+kind] = (*loader).kubeWorkload
	}
	k["operator.tigera.io/v1/Installation"] = (*loader).installation
	return k
}

// calicoKinds are the kinds of projectcalico.org/v3 (and of its CRDs).
var calicoKinds = []string{"BGPConfiguration", "BGPFilter", "BGPPeer", "BlockAffinity", "CalicoNodeStatus",
	"ClusterInformation", "FelixConfiguration", "GlobalNetworkPolicy", "GlobalNetworkSet", "HostEndpoint",
	"IPAMBlock", "IPAMConfig", "IPAMConfiguration", "IPAMHandle", "IPPool", "IPReservation",
	"KubeControllersConfiguration", "NetworkPolicy", "NetworkSet", "Node", "Profile",
	"StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy", "StagedNetworkPolicy", "Tier",
	"WorkloadEndpoint"}

// realKinds lists, for the APIs calisim reads, every kind the real API
// serves: a kind outside the list that is a near miss of one is a typo.
var realKinds = map[string][]string{
	"projectcalico.org/v3":     calicoKinds,
	"crd.projectcalico.org/v1": calicoKinds,
	"v1": {"Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node",
		"PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController",
		"ResourceQuota", "Secret", "Service", "ServiceAccount"},
	"apps/v1":              {"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"},
	"networking.k8s.io/v1": {"IPAddress", "Ingress", "IngressClass", "NetworkPolicy", "ServiceCIDR"},
}

// skippedKind counts the documents of a kind calisim does not model.
type skippedKind struct {
	what  string
	pos   Pos // the first one
	count int
}

// knownKinds lists the kinds calisim reads, sorted, each once.
func (l *loader) knownKinds() []string {
	var names []string
	for k := range l.kinds {
		kind := k[strings.LastIndexByte(k, '/')+1:]
		if !slices.Contains(names, kind) {
			names = append(names, kind)
		}
	}
	slices.Sort(names)
	return append(names, "List")
}

// skippedWarnings makes one warning per kind not modelled.
func (l *loader) skippedWarnings() {
	for _, s := range l.skipped {
		msg := fmt.Sprintf("kind %s is not modelled and was skipped", s.what)
		if s.count > 1 {
			msg = fmt.Sprintf("kind %s is not modelled: %d documents skipped, the first here", s.what, s.count)
		}
		l.warnings = append(l.warnings, Warning{Pos: s.pos, Message: msg + "; calisim reads " + strings.Join(l.knownKinds(), ", ")})
	}
}

// resource dispatches one document or List item on apiVersion and kind.
func (l *loader) resource(d *document, n *ynode, path string) {
	if n.kind != nodeMap {
		l.warnings = append(l.warnings, Warning{Pos: d.pos(n, path),
			Message: fmt.Sprintf("not a Calico or Kubernetes resource (%s, not a mapping with apiVersion and kind): skipped", n.kind)})
		return
	}
	av, kind := n.get("apiVersion"), n.get("kind")
	if av == nil || kind == nil || av.str() == "" || kind.str() == "" {
		// A near miss of apiVersion or kind is a typo; anything else is a
		// file of another tool, skipped with a warning.
		for _, k := range n.keys {
			for _, want := range []string{"apiVersion", "kind"} {
				if k.text != want && suggest(k.text, []string{want}) == want {
					p := join(path, k.text)
					l.errs.add(Errorf(d.pos(k, p), p, "unknown field %q (did you mean %q?)", k.text, want))
					return
				}
			}
		}
		missing := "apiVersion"
		if av != nil && av.str() != "" {
			missing = "kind"
		}
		l.warnings = append(l.warnings, Warning{Pos: d.pos(n, path),
			Message: fmt.Sprintf("not a Calico or Kubernetes resource (no %s): skipped", missing)})
		return
	}
	key := av.str() + "/" + kind.str()
	if h, ok := l.kinds[key]; ok {
		l.dec.doc, l.dec.kind, l.dec.base = d, kind.str(), path
		h(l, d, n, path)
		return
	}
	if kind.str() == "Scenario" {
		l.errs.add(Errorf(d.pos(kind, join(path, "kind")), join(path, "kind"), "a Scenario document needs apiVersion %s, not %q", ScenarioAPIVersion, av.str()))
		return
	}
	if kind.str() == "List" || strings.HasSuffix(kind.str(), "List") && n.get("items") != nil {
		l.list(d, n, path)
		return
	}
	// A kind we know under another apiVersion is most likely a typo,
	// unless the apiVersion serves a kind of that name too (v1 Node). The
	// apiVersions are listed sorted (NetworkPolicy has two).
	if !slices.Contains(realKinds[av.str()], kind.str()) {
		var groups []string
		for k := range l.kinds {
			if strings.HasSuffix(k, "/"+kind.str()) && !strings.HasPrefix(k, "crd.") {
				groups = append(groups, strconv.Quote(strings.TrimSuffix(k, "/"+kind.str())))
			}
		}
		if len(groups) > 0 {
			slices.Sort(groups)
			l.errs.add(Errorf(d.pos(av, join(path, "apiVersion")), join(path, "apiVersion"), "%s is not served as %q (did you mean %s?)", kind.str(), av.str(), strings.Join(groups, " or ")))
			return
		}
	}
	// A near miss of a kind of an API calisim reads (IPPol) is a typo: the
	// API has no such kind. Real kinds not modelled (v1 Node, BGPFilter)
	// are skipped with a warning below.
	if real, ok := realKinds[av.str()]; ok && !slices.Contains(real, kind.str()) {
		if m := suggest(kind.str(), real); m != "" {
			kp := join(path, "kind")
			l.errs.add(Errorf(d.pos(kind, kp), kp, "%s has no kind %q (did you mean %q?)", av.str(), kind.str(), m))
			return
		}
	}
	key = kind.str() + " (" + av.str() + ")"
	if i, ok := l.skippedIdx[key]; ok {
		l.skipped[i].count++
		return
	}
	if l.skippedIdx == nil {
		l.skippedIdx = map[string]int{}
	}
	l.skippedIdx[key] = len(l.skipped)
	l.skipped = append(l.skipped, skippedKind{what: key, pos: d.pos(kind, join(path, "kind")), count: 1})
}

// list reads the items of a List or *List.
func (l *loader) list(d *document, n *ynode, path string) {
	var lf ListFile
	l.dec.doc, l.dec.kind, l.dec.base = d, n.get("kind").str(), path
	l.dec.decode(n, path, reflectValue(&lf))
	// Items of a typed list (PodList) may omit apiVersion and kind, as the
	// API server's list responses do: they are the list's.
	itemKind := strings.TrimSuffix(lf.Kind, "List")
	for i, item := range lf.Items {
		if item.node == nil {
			continue
		}
		n := item.node
		if lf.Kind != "List" && n.kind == nodeMap && (n.get("apiVersion") == nil || n.get("kind") == nil) {
			c := *n
			c.keys, c.vals = slices.Clone(n.keys), slices.Clone(n.vals)
			if n.get("apiVersion") == nil {
				c.keys = append(c.keys, &ynode{kind: nodeScalar, text: "apiVersion", line: n.line, col: n.col})
				c.vals = append(c.vals, &ynode{kind: nodeScalar, text: lf.APIVersion, line: n.line, col: n.col})
			}
			if n.get("kind") == nil {
				c.keys = append(c.keys, &ynode{kind: nodeScalar, text: "kind", line: n.line, col: n.col})
				c.vals = append(c.vals, &ynode{kind: nodeScalar, text: itemKind, line: n.line, col: n.col})
			}
			n = &c
		}
		l.resource(d, n, index(join(path, "items"), i))
	}
}

func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }

// decodeInto decodes n strictly into v (a pointer to a file type).
func (l *loader) decodeInto(d *document, n *ynode, path string, v any) {
	l.dec.doc = d
	l.dec.decode(n, path, reflectValue(v))
}

// find returns the node at path under n (nil when absent). Paths look like
// spec.underlay.subnets[1].cidr; keys may themselves hold dots.
func find(n *ynode, path string) *ynode {
	for path != "" && n != nil {
		if path[0] == '[' {
			end := strings.IndexByte(path, ']')
			if end < 0 || n.kind != nodeSeq {
				return nil
			}
			i, err := strconv.Atoi(path[1:end])
			if err != nil || i < 0 || i >= len(n.vals) {
				return nil
			}
			n, path = n.vals[i], strings.TrimPrefix(path[end+1:], ".")
			continue
		}
		if n.kind != nodeMap {
			return nil
		}
		var next *ynode
		rest, best := "", -1
		for i, k := range n.keys {
			if len(k.text) > best && strings.HasPrefix(path, k.text) {
				r := path[len(k.text):]
				if r == "" || r[0] == '.' || r[0] == '[' {
					next, rest, best = n.vals[i], strings.TrimPrefix(r, "."), len(k.text)
				}
			}
		}
		n, path = next, rest
	}
	return n
}

// fieldAt returns the position of field below the node at p (a resource's
// or a list item's Pos), found again in its document; p itself when the
// document is not found. Checks that run once the whole scenario is known
// hold only the resource's Pos, and an error must name the field's line.
func (l *loader) fieldAt(p Pos, field string) Pos {
	docs := l.docs
	if l.scen != nil {
		docs = append([]*document{l.scen}, docs...)
	}
	for _, d := range docs {
		if d.file != p.File {
			continue
		}
		if n := find(d.root, p.Path); n != nil && n.line == p.Line && n.col == p.Col {
			return d.at(join(p.Path, field))
		}
	}
	return p
}

// at returns the position of path in d, or of its nearest present parent.
func (d *document) at(path string) Pos {
	p := path
	for {
		if n := find(d.root, p); n != nil {
			pos := d.pos(n, path)
			return pos
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			return d.pos(d.root, path)
		}
		p = p[:i]
	}
}
