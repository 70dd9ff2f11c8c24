package topology

import (
	"fmt"
	"maps"
	"strconv"

	"github.com/calisim/calisim/sim/selector"
)

// Namespaces, workloads and pod placement.

// workloads makes sc.Namespaces, sc.Workloads and sc.Pods. Scenario
// workloads come first, then Kubernetes ones, each in input order; pods are
// spread round-robin over the nodes a workload's nodeSelector matches, in
// scenario node order.
func (l *loader) workloads(sc *Scenario) {
	nsIdx := map[string]int{}
	addNS := func(ns Namespace) {
		if i, dup := nsIdx[ns.Name]; dup {
			if ns.Pos.IsValid() && sc.Namespaces[i].Pos.IsValid() {
				l.errs.add(Errorf(ns.Pos, join(ns.Pos.Path, "name"), "namespace %q is defined twice (also at %s)", ns.Name, sc.Namespaces[i].Pos))
			}
			return
		}
		labels := make(map[string]string, len(ns.Labels)+1)
		maps.Copy(labels, ns.Labels)
		labels["kubernetes.io/metadata.name"] = ns.Name
		ns.Labels = labels
		nsIdx[ns.Name] = len(sc.Namespaces)
		sc.Namespaces = append(sc.Namespaces, ns)
	}
	if l.scen != nil {
		for i, nf := range l.sf.Spec.Namespaces {
			if nf.Name == "" {
				p := index("spec.namespaces", i)
				l.errs.add(Errorf(l.scen.at(p), join(p, "name"), "a namespace needs a name"))
				continue
			}
			//lint:ignore S1016 the model type may gain fields the file type lacks
			addNS(Namespace{Name: nf.Name, Labels: nf.Labels, Pos: nf.Pos})
		}
	}
	for _, ns := range l.in.namespaces {
		ns.Pos.Path = join(ns.Pos.Path, "metadata")
		addNS(ns)
	}

	var ws []kubeWorkloadIn
	if l.scen != nil {
		for i, wf := range l.sf.Spec.Workloads {
			path := index("spec.workloads", i)
			w := Workload{Name: wf.Name, Namespace: wf.Namespace, Kind: KindScenario, Labels: wf.Labels, Replicas: 1,
				NodeSelector: wf.NodeSelector.Value, NodeName: wf.NodeName, ServiceAccount: wf.ServiceAccount,
				HostNetwork: wf.HostNetwork, Pos: wf.Pos}
			if w.Name == "" {
				l.errs.add(Errorf(l.scen.at(path), join(path, "name"), "a workload needs a name"))
				continue
			}
			if w.Namespace == "" {
				w.Namespace = "default"
			}
			if w.ServiceAccount == "" {
				w.ServiceAccount = "default"
			}
			if wf.Replicas != nil {
				w.Replicas = *wf.Replicas
				if w.Replicas < 0 || w.Replicas > MaxReplicas {
					l.errs.add(Errorf(l.scen.at(join(path, "replicas")), join(path, "replicas"), "replicas %d is outside 0-%d", w.Replicas, MaxReplicas))
					w.Replicas = 0
				}
			}
			for j, p := range wf.Ports {
				pp := index(join(path, "ports"), j)
				cp := l.containerPort(l.scen, pp, p)
				w.Ports = append(w.Ports, cp)
			}
			kw := kubeWorkloadIn{w: w}
			if w.NodeSelector != "" && l.selectorAt(wf.NodeSelector) == nil {
				kw.w.NodeSelector = "" // reported; place nowhere rather than everywhere
				kw.w.Replicas = 0
			}
			ws = append(ws, kw)
		}
	}
	ws = append(ws, l.in.workloads...)

	type wkey struct{ ns, name string }
	seen := map[wkey]Pos{}
	pods := 0
	for _, kw := range ws {
		w := kw.w
		k := wkey{w.Namespace, w.Name}
		if prev, dup := seen[k]; dup {
			field := "metadata.name"
			if w.Kind == KindScenario {
				field = "name"
			}
			l.errs.add(Errorf(l.fieldAt(w.Pos, field), join(w.Pos.Path, field), "workload %s/%s is defined twice (also at %s)", w.Namespace, w.Name, prev))
			continue
		}
		seen[k] = w.Pos
		if _, ok := nsIdx[w.Namespace]; !ok {
			addNS(Namespace{Name: w.Namespace})
		}
		placed := l.place(sc, kw)
		pods += len(placed)
		if pods > MaxPods {
			l.errs.add(Errorf(w.Pos, w.Pos.Path, "more than %d pods in all", MaxPods))
			return
		}
		if kw.daemon {
			w.Replicas = len(placed)
		}
		sc.Workloads = append(sc.Workloads, w)
		sc.Pods = append(sc.Pods, placed...)
	}
	// Namespaces named by namespaced resources exist in Kubernetes before
	// them: make the ones not declared.
	for _, p := range l.in.nps {
		if _, ok := nsIdx[p.Namespace]; !ok {
			addNS(Namespace{Name: p.Namespace})
		}
	}
	for _, p := range l.in.knps {
		if _, ok := nsIdx[p.Namespace]; !ok {
			addNS(Namespace{Name: p.Namespace})
		}
	}
	for _, s := range l.in.sets {
		if _, ok := nsIdx[s.Namespace]; !ok {
			addNS(Namespace{Name: s.Namespace})
		}
	}
}

// candidates returns the indexes of the nodes a workload may run on.
func (l *loader) candidates(sc *Scenario, kw kubeWorkloadIn) ([]int, bool) {
	w := kw.w
	if w.NodeName != "" {
		i, ok := l.nodeIdx[w.NodeName]
		if !ok {
			field := "nodeName"
			if w.Kind != KindScenario {
				field = "spec.nodeName"
				if w.Kind != KindPod {
					field = "spec.template.spec.nodeName"
				}
			}
			msg := fmt.Sprintf("unknown node %q", w.NodeName)
			if s := l.suggestNode(w.NodeName, sc); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			l.errs.add(Errorf(l.fieldAt(w.Pos, field), join(w.Pos.Path, field), "%s", msg))
			return nil, false
		}
		return []int{i}, true
	}
	var sel *selector.Selector
	if w.NodeSelector != "" {
		s, err := selector.Parse(w.NodeSelector)
		if err != nil {
			if w.Kind != KindScenario { // made from a nodeSelector map
				l.errs.add(Errorf(w.Pos, w.Pos.Path, "nodeSelector %s: %v", w.NodeSelector, err))
			}
			return nil, false // scenario selectors are reported where they were read
		}
		sel = s
	}
	var out []int
	for i := range sc.Nodes {
		if sel == nil || sel.Matches(selector.Map(sc.Nodes[i].Labels)) {
			out = append(out, i)
		}
	}
	if len(out) == 0 && w.Replicas > 0 && !kw.daemon {
		field := "nodeSelector"
		if w.Kind != KindScenario {
			field = "spec.template.spec.nodeSelector"
			if w.Kind == KindPod {
				field = "spec.nodeSelector"
			}
		}
		if len(sc.Nodes) == 0 {
			l.errs.add(Errorf(w.Pos, w.Pos.Path, "workload %s/%s has no node to run on: the scenario has no nodes", w.Namespace, w.Name))
		} else {
			l.errs.add(Errorf(l.fieldAt(w.Pos, field), join(w.Pos.Path, field), "nodeSelector %q matches no node", w.NodeSelector))
		}
		return nil, false
	}
	return out, true
}

func (l *loader) suggestNode(name string, sc *Scenario) string {
	names := make([]string, 0, min(len(sc.Nodes), 2000))
	for _, n := range sc.Nodes[:min(len(sc.Nodes), 2000)] {
		names = append(names, n.Name)
	}
	return suggest(name, names)
}

// place makes the pods of one workload, named as Kubernetes would name them
// (random suffixes replaced by hashes, so names are stable).
func (l *loader) place(sc *Scenario, kw kubeWorkloadIn) []Pod {
	w := kw.w
	nodes, ok := l.candidates(sc, kw)
	if !ok {
		return nil
	}
	pod := func(name string, node int) Pod {
		return Pod{Name: name, Namespace: w.Namespace, Workload: w.Name, Kind: w.Kind, Labels: w.Labels,
			Node: sc.Nodes[node].Name, ServiceAccount: w.ServiceAccount, Ports: w.Ports, HostNetwork: w.HostNetwork, Pos: w.Pos}
	}
	var out []Pod
	used := map[string]bool{}
	// unique returns base+suffix(n, parts...), re-hashing on a collision.
	unique := func(base string, n int, parts ...string) string {
		for try := 0; ; try++ {
			name := base + suffix(n, append(parts, strconv.Itoa(try))...)
			if !used[name] {
				used[name] = true
				return name
			}
		}
	}
	switch w.Kind {
	case KindDaemonSet:
		for _, n := range nodes {
			out = append(out, pod(unique(w.Name+"-", 5, w.Namespace, w.Name, sc.Nodes[n].Name), n))
		}
	case KindPod:
		p := pod(w.Name, nodes[0])
		if kw.ownerName != "" {
			p.Workload, p.Kind = kw.ownerName, WorkloadKind(kw.ownerKind)
		}
		out = append(out, p)
	default:
		if len(nodes) == 0 {
			return nil
		}
		out = make([]Pod, 0, w.Replicas)
		hash := suffix(10, w.Namespace, w.Name, "pod-template-hash")
		for i := range w.Replicas {
			var name string
			switch w.Kind {
			case KindDeployment:
				name = unique(w.Name+"-"+hash+"-", 5, w.Namespace, w.Name, strconv.Itoa(i))
			case KindReplicaSet:
				name = unique(w.Name+"-", 5, w.Namespace, w.Name, strconv.Itoa(i))
			default: // scenario workloads and StatefulSets: name-0, name-1...
				name = w.Name + "-" + strconv.Itoa(i)
			}
			out = append(out, pod(name, nodes[i%len(nodes)]))
		}
	}
	return out
}
