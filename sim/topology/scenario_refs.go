package topology

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/calisim/calisim/sim/selector"
)

// Externals, flows, failures and expectations: the parts of the scenario
// that name other parts.

func (l *loader) externals(sc *Scenario) {
	if l.scen == nil {
		return
	}
	seen := map[string]int{}
	for i, ef := range l.sf.Spec.Externals {
		path := index("spec.externals", i)
		e := External{Name: ef.Name, Pos: ef.Pos}
		if e.Name == "" {
			l.errs.add(Errorf(l.scen.at(path), join(path, "name"), "an external needs a name"))
			continue
		}
		if j, dup := seen[e.Name]; dup {
			l.errs.add(Errorf(l.scen.at(join(path, "name")), join(path, "name"), "external %q is defined twice (also at line %d)", e.Name, sc.Externals[j].Pos.Line))
			continue
		}
		if a, ok := l.addr(l.scen, join(path, "ip"), ef.IP); ok {
			e.Addr = a
		}
		seen[e.Name] = len(sc.Externals)
		sc.Externals = append(sc.Externals, e)
	}
}

// ref parses and resolves an endpoint reference of the scenario.
func (l *loader) ref(sc *Scenario, path, s string) Ref {
	pos := l.scen.at(path)
	r, err := ParseRef(s)
	if err != nil {
		l.errs.add(Errorf(pos, path, "%v", err))
		return r
	}
	if msg := l.resolve(sc, r); msg != "" {
		l.errs.add(Errorf(pos, path, "%s", msg))
	}
	return r
}

// resolve says why a reference names nothing ("" when it names something).
func (l *loader) resolve(sc *Scenario, r Ref) string {
	switch r.Kind {
	case RefIP:
		return ""
	case RefNode:
		if _, ok := l.nodeIdx[r.Name]; ok {
			return ""
		}
		msg := fmt.Sprintf("%s: unknown node %q", r, r.Name)
		if s := l.suggestNode(r.Name, sc); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return msg
	case RefRouter:
		var names []string
		for _, rt := range sc.Underlay.Routers {
			if rt.Name == r.Name {
				return ""
			}
			names = append(names, rt.Name)
		}
		return withSuggestion(fmt.Sprintf("%s: unknown router %q", r, r.Name), r.Name, names)
	case RefExternal:
		var names []string
		for _, e := range sc.Externals {
			if e.Name == r.Name {
				return ""
			}
			names = append(names, e.Name)
		}
		return withSuggestion(fmt.Sprintf("%s: unknown external %q", r, r.Name), r.Name, names)
	}
	nsKnown := false
	for _, ns := range sc.Namespaces {
		if ns.Name == r.Namespace {
			nsKnown = true
			break
		}
	}
	if !nsKnown {
		var names []string
		for _, ns := range sc.Namespaces {
			names = append(names, ns.Name)
		}
		return withSuggestion(fmt.Sprintf("%s: unknown namespace %q", r, r.Namespace), r.Namespace, names)
	}
	var names []string
	for _, w := range sc.Workloads {
		if w.Namespace == r.Namespace {
			if w.Name == r.Name {
				return ""
			}
			names = append(names, w.Name)
		}
	}
	for _, p := range sc.Pods {
		if p.Namespace == r.Namespace && p.Name == r.Name {
			return ""
		}
	}
	return withSuggestion(fmt.Sprintf("%s: no workload or pod %q in namespace %s", r, r.Name, r.Namespace), r.Name, names)
}

func withSuggestion(msg, name string, names []string) string {
	if s := suggest(name, names); s != "" {
		return msg + fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg
}

func (l *loader) port(path, s string) Port {
	if s == "" {
		return DefaultPort()
	}
	p, err := ParsePort(s)
	if err != nil {
		l.errs.add(Errorf(l.scen.at(path), path, "%v", err))
	}
	return p
}

func (l *loader) size(path string, v *int) int {
	if v == nil {
		return 64
	}
	if *v < 0 || *v > 65535 {
		l.errs.add(Errorf(l.scen.at(path), path, "size %d is outside 0-65535", *v))
	}
	return *v
}

func (l *loader) flows(sc *Scenario) {
	if l.scen == nil || l.sf.Spec.Flows == nil {
		return // nil: the sim samples
	}
	sc.Flows = []Flow{}
	for i, ff := range *l.sf.Spec.Flows {
		path := index("spec.flows", i)
		f := Flow{
			From: l.ref(sc, join(path, "from"), ff.From),
			To:   l.ref(sc, join(path, "to"), ff.To),
			Port: l.port(join(path, "port"), ff.Port),
			Size: l.size(join(path, "size"), ff.Size),
			Pos:  ff.Pos,
		}
		sc.Flows = append(sc.Flows, f)
	}
}

func (l *loader) duration(path, s string) (time.Duration, bool) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		l.errs.add(Errorf(l.scen.at(path), path, "%q is not a duration such as 10s or 1m30s", s))
		return 0, false
	}
	return d, true
}

func (l *loader) failures(sc *Scenario) {
	if l.scen == nil {
		return
	}
	for i, ff := range l.sf.Spec.Failures {
		path := index("spec.failures", i)
		f := Failure{Pos: ff.Pos}
		if ff.At == "" {
			l.errs.add(Errorf(l.scen.at(path), join(path, "at"), "a failure needs at (a virtual time such as 10s)"))
		} else {
			f.At, _ = l.duration(join(path, "at"), ff.At)
		}
		var target, field string
		n := 0
		for _, a := range []struct {
			v      string
			action FailureAction
			field  string
		}{{ff.Down, FailDown, "down"}, {ff.Up, FailUp, "up"}, {ff.BlockBGP, FailBlockBGP, "blockBGP"}} {
			if a.v != "" {
				n++
				f.Action, target, field = a.action, a.v, a.field
			}
		}
		if n != 1 {
			l.errs.add(Errorf(l.scen.at(path), path, "a failure needs exactly one of down, up, blockBGP (found %d)", n))
			continue
		}
		fp := join(path, field)
		kind, name, ok := strings.Cut(target, "/")
		if !ok || name == "" {
			l.errs.add(Errorf(l.scen.at(fp), fp, "%q is not a failure target (node/NAME, router/NAME, subnet/NAME, session/A~B)", target))
			continue
		}
		f.Target = FailureTarget{Kind: kind, Name: name}
		if msg := l.failureTarget(sc, f.Action, kind, name); msg != "" {
			l.errs.add(Errorf(l.scen.at(fp), fp, "%s", msg))
		}
		sc.Failures = append(sc.Failures, f)
	}
}

func (l *loader) failureTarget(sc *Scenario, action FailureAction, kind, name string) string {
	speaker := func(n string) bool {
		if _, ok := l.nodeIdx[n]; ok {
			return true
		}
		for _, r := range sc.Underlay.Routers {
			if r.Name == n {
				return true
			}
		}
		return false
	}
	switch kind {
	case "node":
		if action == FailBlockBGP {
			return "blockBGP takes subnet/NAME or router/NAME"
		}
		if _, ok := l.nodeIdx[name]; !ok {
			return withSuggestion(fmt.Sprintf("unknown node %q", name), name, nil)
		}
	case "router":
		return l.resolve(sc, Ref{Kind: RefRouter, Name: name})
	case "subnet":
		for _, s := range sc.Underlay.Subnets {
			if s.Name == name {
				return ""
			}
		}
		return fmt.Sprintf("unknown subnet %q", name)
	case "session":
		if action == FailBlockBGP {
			return "blockBGP takes subnet/NAME or router/NAME"
		}
		a, b, ok := strings.Cut(name, "~")
		if !ok || a == "" || b == "" {
			return fmt.Sprintf("%q is not a session: session/A~B names its two speakers", name)
		}
		for _, s := range []string{a, b} {
			if !speaker(s) {
				return fmt.Sprintf("session %s: unknown node or router %q", name, s)
			}
		}
	default:
		return fmt.Sprintf("%q is not a failure target kind (node, router, subnet, session)", kind)
	}
	return ""
}

func (l *loader) expect(sc *Scenario) {
	if l.scen == nil || l.sf.Spec.Expect == nil {
		return
	}
	ef := l.sf.Spec.Expect
	for i, f := range ef.Flows {
		path := index("spec.expect.flows", i)
		fe := FlowExpect{
			From: l.ref(sc, join(path, "from"), f.From), To: l.ref(sc, join(path, "to"), f.To),
			Port: l.port(join(path, "port"), f.Port), Size: l.size(join(path, "size"), f.Size),
			Delivered: f.Delivered, DropReason: f.DropReason, DropAt: f.DropAt, Policy: f.Policy,
			DecidedBy: f.DecidedBy, PathMTU: f.PathMTU, Pos: f.Pos,
		}
		if f.Encapsulation != "" {
			var e Encap
			if err := e.UnmarshalText([]byte(f.Encapsulation)); err != nil {
				l.errs.add(Errorf(l.scen.at(join(path, "encapsulation")), join(path, "encapsulation"), "%v", err))
			} else {
				fe.Encapsulation = &e
			}
		}
		switch f.DropReason {
		case "", "no-route", "src-dst-check", "protocol-blocked", "mtu-exceeded", "policy-denied", "bgp-down", "ttl-exceeded":
		default:
			l.errs.add(Errorf(l.scen.at(join(path, "dropReason")), join(path, "dropReason"), "%s", withSuggestion(fmt.Sprintf("unknown dropReason %q", f.DropReason), f.DropReason,
				[]string{"no-route", "src-dst-check", "protocol-blocked", "mtu-exceeded", "policy-denied", "bgp-down", "ttl-exceeded"})))
		}
		if name, ok := strings.CutPrefix(f.DropAt, "subnet/"); ok {
			// A packet can die on a segment (src/dst check, blocked protocol).
			var names []string
			for _, sn := range sc.Underlay.Subnets {
				names = append(names, sn.Name)
			}
			if !slices.Contains(names, name) {
				l.errs.add(Errorf(l.scen.at(join(path, "dropAt")), join(path, "dropAt"), "%s", withSuggestion(fmt.Sprintf("%s: unknown subnet %q", f.DropAt, name), name, names)))
			}
		} else if f.DropAt != "" {
			if r, err := ParseRef(f.DropAt); err != nil || r.Kind == RefIP {
				l.errs.add(Errorf(l.scen.at(join(path, "dropAt")), join(path, "dropAt"), "%q is not a place (node/NAME, router/NAME, subnet/NAME, external/NAME, ns/pod)", f.DropAt))
			} else if msg := l.resolve(sc, r); msg != "" {
				l.errs.add(Errorf(l.scen.at(join(path, "dropAt")), join(path, "dropAt"), "%s", msg))
			}
		}
		switch f.Policy {
		case "", "allow", "deny":
		default:
			l.errs.add(Errorf(l.scen.at(join(path, "policy")), join(path, "policy"), "policy %q is not allow or deny", f.Policy))
		}
		if f.PathMTU != nil && (*f.PathMTU < 0 || *f.PathMTU > MaxMTU) {
			l.errs.add(Errorf(l.scen.at(join(path, "pathMTU")), join(path, "pathMTU"), "pathMTU %d is outside 0-%d", *f.PathMTU, MaxMTU))
		}
		sc.Expect.Flows = append(sc.Expect.Flows, fe)
	}
	for i, n := range ef.Nodes {
		path := index("spec.expect.nodes", i)
		ne := NodeExpect{Name: n.Name, Selector: n.Selector.Value, PodMTU: n.PodMTU, BGPPeers: n.BGPPeers, Routes: n.Routes, AbsentRoutes: n.AbsentRoutes, Pos: n.Pos}
		switch {
		case (n.Name == "") == (n.Selector.Value == ""):
			l.errs.add(Errorf(l.scen.at(path), path, "a node expectation needs exactly one of name, selector"))
		case n.Name != "":
			if msg := l.resolve(sc, Ref{Kind: RefNode, Name: n.Name}); msg != "" {
				l.errs.add(Errorf(l.scen.at(join(path, "name")), join(path, "name"), "%s", msg))
			}
		default:
			if sel := l.selectorAt(n.Selector); sel != nil {
				matched := false
				for i := range sc.Nodes {
					if sel.Matches(selector.Map(sc.Nodes[i].Labels)) {
						matched = true
						break
					}
				}
				if !matched {
					l.errs.add(Errorf(n.Selector.Pos, "", "selector %q matches no node", n.Selector.Value))
				}
			}
		}
		sc.Expect.Nodes = append(sc.Expect.Nodes, ne)
	}
	if b := ef.BGP; b != nil {
		be := &BGPExpect{Topology: b.Topology, Sessions: b.Sessions, MaxPeersPerNode: b.MaxPeersPerNode, Converged: b.Converged, Pos: b.Pos}
		switch b.Topology {
		case "", "full-mesh", "route-reflector", "tor", "mixed", "none":
		default:
			l.errs.add(Errorf(l.scen.at("spec.expect.bgp.topology"), "spec.expect.bgp.topology", "%s",
				withSuggestion(fmt.Sprintf("unknown topology %q (full-mesh, route-reflector, tor, mixed, none)", b.Topology), b.Topology, []string{"full-mesh", "route-reflector", "tor", "mixed", "none"})))
		}
		if b.ConvergedWithin != "" {
			if d, ok := l.duration("spec.expect.bgp.convergedWithin", b.ConvergedWithin); ok {
				be.ConvergedWithin = &d
			}
		}
		sc.Expect.BGP = be
	}
	if p := ef.IPAM; p != nil {
		sc.Expect.IPAM = &IPAMExpect{BlocksPerNode: p.BlocksPerNode, PodCapacity: p.PodCapacity, Pos: p.Pos}
	}
	if f := ef.Findings; f != nil {
		sc.Expect.Findings = &FindingsExpect{Present: f.Present, Absent: f.Absent, Pos: f.Pos}
	}
}
