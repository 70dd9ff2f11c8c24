package policy

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// compiler builds an Engine: it parses each selector once and computes each
// distinct scoped selector's matchSet once.
type compiler struct {
	e       *Engine
	sels    map[string]*selector.Selector
	sets    map[string]*matchSet
	nets    map[string]bitset
	applies map[string]bitset
	nsViews map[string]*nsView
	tierIdx map[string]int
	errs    []*topology.FieldError
	warned  map[string]bool
	opts    options
}

func (c *compiler) errorf(pos topology.Pos, path, format string, args ...any) {
	c.errs = append(c.errs, topology.Errorf(pos, path, format, args...))
}

// warn records a not-modelled feature once per message.
func (c *compiler) warn(pos topology.Pos, msg string) {
	if c.warned[msg] {
		return
	}
	c.warned[msg] = true
	c.e.warnings = append(c.e.warnings, topology.Warning{Pos: pos, Message: msg})
}

// parse compiles a selector, reporting a FieldError at pos and path.
func (c *compiler) parse(expr string, pos topology.Pos, path string) (*selector.Selector, bool) {
	if s, ok := c.sels[expr]; ok {
		return s, true
	}
	s, err := selector.Parse(expr)
	if err != nil {
		var col string
		if se, ok := err.(*selector.SyntaxError); ok {
			col = fmt.Sprintf(" at column %d of the selector", se.Col)
			err = fmt.Errorf("%s", se.Msg)
		}
		c.errorf(pos, path, "selector %q does not parse%s: %v", expr, col, err)
		return nil, false
	}
	c.sels[expr] = s
	return s, true
}

func (c *compiler) nsView(name string) *nsView {
	if v, ok := c.nsViews[name]; ok {
		return v
	}
	v := &nsView{name: name, labels: map[string]string{"kubernetes.io/metadata.name": name}}
	c.nsViews[name] = v
	return v
}

// endpoints builds the pods' and network sets' label views.
func (c *compiler) endpoints(addrs []netip.Addr) {
	sc := c.e.sc
	explicit := map[string]*topology.Profile{}
	for i := range sc.Resources.Profiles {
		explicit[sc.Resources.Profiles[i].Name] = &sc.Resources.Profiles[i]
	}
	c.e.pods = make([]podEP, len(sc.Pods))
	for i := range sc.Pods {
		p := &sc.Pods[i]
		sa := p.ServiceAccount
		if sa == "" {
			sa = "default"
		}
		nv := c.nsView(p.Namespace)
		ep := &c.e.pods[i]
		*ep = podEP{workload: !p.HostNetwork || c.opts.hostNetworkPolicy, ns: p.Namespace, sa: sa, nsView: nv, ports: p.Ports}
		if len(addrs) > 0 {
			ep.addr = addrs[i]
		}
		ep.view = podView{own: p.Labels, ns: p.Namespace, sa: sa, nsLabels: nv.labels}
		// labelsToApply of explicit kns./ksa. profiles; the first profile wins.
		for _, name := range []string{"kns." + p.Namespace, "ksa." + p.Namespace + "." + sa} {
			prof := explicit[name]
			if prof == nil || len(prof.LabelsToApply) == 0 {
				continue
			}
			if ep.view.applied == nil {
				ep.view.applied = map[string]string{}
			}
			for k, v := range prof.LabelsToApply {
				if _, ok := ep.view.applied[k]; !ok {
					ep.view.applied[k] = v
				}
			}
		}
	}
	for _, list := range [][]topology.NetworkSet{sc.Resources.GlobalNetworkSets, sc.Resources.NetworkSets} {
		for i := range list {
			s := &list[i]
			ns := netSet{name: s.Name, ns: s.Namespace, nets: s.Nets}
			ns.view = setView{own: s.Labels, ns: s.Namespace}
			if s.Namespace != "" {
				ns.nsView = c.nsView(s.Namespace)
				ns.view.nsLabels = ns.nsView.labels
			}
			c.e.sets = append(c.e.sets, ns)
		}
	}
}

// tiers orders the tiers: by order (absent last), then name; the default
// tier exists always, with Calico's order 1,000,000 unless declared.
func (c *compiler) tiers() {
	sc := c.e.sc
	c.tierIdx = map[string]int{}
	var ts []tier
	hasDefault := false
	for _, t := range sc.Resources.Tiers {
		if _, dup := c.tierIdx[t.Name]; dup {
			c.errorf(t.Pos, "metadata.name", "tier %q is declared twice", t.Name)
			continue
		}
		c.tierIdx[t.Name] = len(ts)
		order := t.Order
		if t.Name == "default" {
			hasDefault = true
			if order == nil {
				o := float64(defaultTierOrder)
				order = &o
			}
		}
		ts = append(ts, tier{name: t.Name, order: order, passEnd: t.DefaultAction == "Pass"})
	}
	if !hasDefault {
		o := float64(defaultTierOrder)
		ts = append(ts, tier{name: "default", order: &o})
	}
	slices.SortStableFunc(ts, func(a, b tier) int {
		if c := compareOrder(a.order, b.order); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	c.e.tiers = ts
	for i := range ts {
		c.tierIdx[ts[i].name] = i
	}
}

// profiles gives each pod its profile chain: kns.<ns> (the explicit Profile
// of that name, else Calico's generated one, which allows everything), then
// ksa.<ns>.<sa> when an explicit Profile of that name exists (the generated
// one only applies labels).
func (c *compiler) profiles() {
	sc := c.e.sc
	compiled := map[string]*policy{}
	for i := range sc.Resources.Profiles {
		pr := &sc.Resources.Profiles[i]
		tp := &topology.Policy{Name: pr.Name, Ingress: pr.Ingress, Egress: pr.Egress, Pos: pr.Pos}
		p := &policy{decidedBy: "profile/" + pr.Name, display: "Profile " + pr.Name, pos: pr.Pos, profile: true, types: [2]bool{true, true}}
		c.rules(p, tp, "", nil)
		for d := range p.rules {
			if len(p.rules[d]) == 0 && c.opts.emptyProfileAllows {
				p.rules[d] = []rule{{act: actAllow, src: side{bits: c.e.allPods}, dst: side{bits: c.e.allPods}, text: "allow all (empty profile, NCA)"}}
			}
		}
		compiled[pr.Name] = p
		c.e.profileList = append(c.e.profileList, p)
	}
	for i := range c.e.pods {
		ep := &c.e.pods[i]
		kns := "kns." + ep.ns
		p := compiled[kns]
		if p == nil {
			p = c.defaultProfile(kns)
			compiled[kns] = p
			c.e.profileList = append(c.e.profileList, p)
		}
		ep.profiles = append(ep.profiles, p)
		if p := compiled["ksa."+ep.ns+"."+ep.sa]; p != nil {
			ep.profiles = append(ep.profiles, p)
		}
	}
}

// defaultProfile is Calico's generated namespace profile: allow everything.
func (c *compiler) defaultProfile(name string) *policy {
	p := &policy{decidedBy: "profile/" + name, display: "Profile " + name, profile: true, types: [2]bool{true, true}}
	for d := range p.rules {
		p.rules[d] = []rule{{act: actAllow, index: 0, src: side{bits: c.e.allPods}, dst: side{bits: c.e.allPods}, text: "allow all (generated)"}}
	}
	return p
}

// calicoPolicy compiles a GlobalNetworkPolicy or a Calico NetworkPolicy.
func (c *compiler) calicoPolicy(tp *topology.Policy, _ string) {
	switch {
	case tp.DoNotTrack:
		c.warn(tp.Pos, "doNotTrack policies apply to host endpoints, which are not modelled: skipped")
		return
	case tp.PreDNAT:
		c.warn(tp.Pos, "preDNAT policies apply to host endpoints, which are not modelled: skipped")
		return
	case tp.ApplyOnForward:
		c.warn(tp.Pos, "applyOnForward concerns host endpoints, which are not modelled: such policies still apply to workloads as usual")
	}
	p := &policy{decidedBy: tp.Name, tier: tp.Tier, order: tp.Order, pos: tp.Pos}
	if tp.Kind == topology.KindNetworkPolicy || tp.Namespace != "" {
		p.display = "NetworkPolicy " + tp.Namespace + "/" + tp.Name
		p.sortKey = tp.Namespace + "/" + tp.Name
	} else {
		p.display = "GlobalNetworkPolicy " + tp.Name
		p.sortKey = tp.Name
	}
	c.finish(p, tp, nil)
}

// finish computes the policy's types, endpoints and rules and files it in
// its tier. ruleIdx maps compiled rules to the rule indexes as written (nil:
// the same).
func (c *compiler) finish(p *policy, tp *topology.Policy, ruleIdx *[2][]int) {
	if p.tier == "" {
		p.tier = "default"
	}
	ti, ok := c.tierIdx[p.tier]
	if !ok {
		c.errorf(tp.Pos, "spec.tier", "tier %q does not exist (declare it with a Tier resource)", p.tier)
		return
	}
	if len(tp.Types) == 0 {
		p.types[Ingress] = len(tp.Ingress) > 0 || len(tp.Egress) == 0
		p.types[Egress] = len(tp.Egress) > 0
	}
	for i, t := range tp.Types {
		switch t {
		case "Ingress":
			p.types[Ingress] = true
		case "Egress":
			p.types[Egress] = true
		default:
			c.errorf(tp.Pos, fmt.Sprintf("spec.types[%d]", i), "type %q is neither Ingress nor Egress", t)
		}
	}
	es := &entitySel{}
	okSel := true
	if tp.Namespace != "" {
		es.nsMode, es.ownNS = nsOwn, tp.Namespace
	} else if tp.NamespaceSelector != "" {
		es.nsMode = nsSelect
		es.nsSel, okSel = c.parse(tp.NamespaceSelector, tp.Pos, "spec.namespaceSelector")
	}
	var ok1, ok2 bool
	es.sel, ok1 = c.parse(tp.Selector, tp.Pos, "spec.selector")
	ok2 = true
	if tp.ServiceAccountSelector != "" {
		es.saSel, ok2 = c.parse(tp.ServiceAccountSelector, tp.Pos, "spec.serviceAccountSelector")
	}
	if okSel && ok1 && ok2 {
		k := es.key()
		if b, ok := c.applies[k]; ok {
			p.applies = b
		} else {
			p.applies = newBitset(len(c.e.pods))
			for i := range c.e.pods {
				if es.pod(&c.e.pods[i]) {
					p.applies.set(i)
				}
			}
			c.applies[k] = p.applies
		}
	}
	c.rules(p, tp, tp.Namespace, ruleIdx)
	if p.applies != nil {
		c.e.tiers[ti].policies = append(c.e.tiers[ti].policies, p)
	}
}

// rules compiles both rule lists of tp into p; ns is the policy's namespace
// ("" for global policies and profiles).
func (c *compiler) rules(p *policy, tp *topology.Policy, ns string, ruleIdx *[2][]int) {
	for _, d := range []Direction{Ingress, Egress} {
		list := tp.Ingress
		if d == Egress {
			list = tp.Egress
		}
		p.rules[d] = make([]rule, 0, len(list))
		for i := range list {
			idx := i
			if ruleIdx != nil {
				idx = ruleIdx[d][i]
			}
			path := fmt.Sprintf("spec.%s[%d]", d, idx)
			if r, ok := c.rule(&list[i], ns, tp.Pos, path); ok {
				r.index = idx
				p.rules[d] = append(p.rules[d], r)
			}
		}
	}
}

// transport reports whether the protocol carries ports (TCP, UDP, SCTP, UDPLite).
func transport(num uint8) bool { return num == 6 || num == 17 || num == 132 || num == 136 }

func (c *compiler) rule(tr *topology.Rule, ns string, ppos topology.Pos, path string) (rule, bool) {
	pos := tr.Pos
	if !pos.IsValid() {
		pos = ppos
	}
	act, ok := parseAction(tr.Action)
	if !ok {
		c.errorf(pos, path+".action", "action %q is not Allow, Deny, Pass or Log", tr.Action)
		return rule{}, false
	}
	r := rule{act: act, pos: pos, ipVersion: tr.IPVersion, proto: tr.Protocol, notProto: tr.NotProtocol, icmp: tr.ICMP, notICMP: tr.NotICMP}
	if len(tr.Destination.Ports)+len(tr.Destination.NotPorts)+len(tr.Source.Ports)+len(tr.Source.NotPorts) > 0 &&
		(tr.Protocol == nil || !transport(tr.Protocol.Num)) {
		c.errorf(pos, path+".protocol", "ports are only allowed with protocol TCP, UDP or SCTP (Calico refuses the rule)")
		return rule{}, false
	}
	if (tr.ICMP != nil || tr.NotICMP != nil) && (tr.Protocol == nil || (tr.Protocol.Num != 1 && tr.Protocol.Num != 58)) {
		c.errorf(pos, path+".protocol", "icmp and notICMP need protocol ICMP or ICMPv6 (Calico refuses the rule)")
		return rule{}, false
	}
	if tr.HTTP {
		c.warn(pos, "http matches are not modelled (application layer policy): the rule's HTTP clause is ignored, its other clauses apply")
	}
	if tr.Source.Services || tr.Destination.Services {
		c.warn(pos, "services matches are not modelled (Service endpoints are not in the scenario): such rules never match")
		r.never = true
	}
	if len(tr.Source.Ports)+len(tr.Source.NotPorts) > 0 {
		c.warn(pos, "source ports are not modelled (flows carry no source port): rules matching source ports never match")
		r.never = true
	}
	var ok1, ok2 bool
	r.src, ok1 = c.side(&tr.Source, ns, pos, path+".source")
	r.dst, ok2 = c.side(&tr.Destination, ns, pos, path+".destination")
	if !ok1 || !ok2 {
		return rule{}, false
	}
	r.text = ruleText(tr)
	return r, true
}

// nsMode is how a selector is scoped to namespaces.
type nsMode uint8

const (
	nsAny    nsMode = iota // every entity (global policy, no namespaceSelector)
	nsOwn                  // the policy's own namespace
	nsSelect               // namespaces the namespaceSelector selects
)

// entitySel selects entities (pods, network sets) the way Calico's combined
// rule selector does: namespace scope && service accounts && selector.
type entitySel struct {
	nsMode     nsMode
	ownNS      string
	nsSel      *selector.Selector
	hasSANames bool
	saNames    []string
	saSel      *selector.Selector
	sel        *selector.Selector
}

func (s *entitySel) key() string {
	str := func(x *selector.Selector) string {
		if x == nil {
			return "-"
		}
		return x.String()
	}
	return fmt.Sprintf("%d\x00%s\x00%s\x00%t%q\x00%s\x00%s", s.nsMode, s.ownNS, str(s.nsSel), s.hasSANames, s.saNames, str(s.saSel), str(s.sel))
}

func (s *entitySel) pod(p *podEP) bool {
	if !p.workload {
		return false
	}
	switch s.nsMode {
	case nsOwn:
		if p.ns != s.ownNS {
			return false
		}
	case nsSelect:
		if !s.nsSel.MatchesNamespace(p.nsView, true) {
			return false
		}
	}
	if s.hasSANames && !slices.Contains(s.saNames, p.sa) {
		return false
	}
	if s.saSel != nil && !s.saSel.Matches(saView{p.sa}) {
		return false
	}
	return s.sel == nil || s.sel.Matches(&p.view)
}

func (s *entitySel) set(n *netSet) bool {
	switch s.nsMode {
	case nsOwn:
		if n.ns != s.ownNS {
			return false
		}
	case nsSelect:
		if n.ns == "" {
			if !s.nsSel.MatchesNamespace(nil, false) {
				return false
			}
		} else if !s.nsSel.MatchesNamespace(n.nsView, true) {
			return false
		}
	}
	if s.hasSANames || s.saSel != nil {
		return false // network sets have no service account
	}
	return s.sel == nil || s.sel.Matches(&n.view)
}

// matchSet computes (once per distinct selector) what es selects.
func (c *compiler) matchSet(es *entitySel) *matchSet {
	k := es.key()
	if m, ok := c.sets[k]; ok {
		return m
	}
	m := &matchSet{pods: newBitset(len(c.e.pods))}
	for i := range c.e.sets {
		if es.set(&c.e.sets[i]) {
			m.nets = append(m.nets, c.e.sets[i].nets...)
		}
	}
	for i := range c.e.pods {
		p := &c.e.pods[i]
		if es.pod(p) || inAny(m.nets, p.addr) {
			m.pods.set(i)
		}
	}
	c.sets[k] = m
	return m
}

// side compiles an EntityRule as Calico's GetEntityRuleSelector scopes it: a
// namespaced policy (or a namespaceSelector) scopes the positive selector as
// soon as any of selector, notSelector, namespaceSelector or serviceAccounts
// is used; notSelector itself is never scoped.
func (c *compiler) side(er *topology.EntityRule, ns string, pos topology.Pos, path string) (side, bool) {
	s := side{nets: er.Nets, notNets: er.NotNets, ports: er.Ports, notPorts: er.NotPorts}
	s.netsExternal = c.opts.netsExternalOnly
	ok := true
	es := &entitySel{}
	if er.NamespaceSelector != "" {
		es.nsMode = nsSelect
		var k bool
		es.nsSel, k = c.parse(er.NamespaceSelector, pos, path+".namespaceSelector")
		ok = ok && k
	} else if ns != "" {
		es.nsMode, es.ownNS = nsOwn, ns
	}
	saGiven := false
	if sa := er.ServiceAccounts; sa != nil {
		if len(sa.Names) > 0 {
			es.hasSANames, es.saNames, saGiven = true, sa.Names, true
		}
		if sa.Selector != "" {
			var k bool
			es.saSel, k = c.parse(sa.Selector, pos, path+".serviceAccounts.selector")
			ok = ok && k
			saGiven = true
		}
	}
	if er.Selector != "" {
		var k bool
		es.sel, k = c.parse(er.Selector, pos, path+".selector")
		ok = ok && k
	}
	var notSel *selector.Selector
	if er.NotSelector != "" {
		var k bool
		notSel, k = c.parse(er.NotSelector, pos, path+".notSelector")
		ok = ok && k
	}
	if !ok {
		return s, false
	}
	positive := er.Selector != "" || saGiven
	if es.nsMode != nsAny && (positive || er.NotSelector != "" || er.NamespaceSelector != "") {
		positive = true
	}
	if positive {
		s.sel = c.matchSet(es)
	}
	if notSel != nil {
		s.notSel = c.matchSet(&entitySel{sel: notSel})
	}
	// bits = sel ∧ ¬notSel ∧ nets ∧ ¬notNets, over pods.
	s.bits = newBitset(len(c.e.pods))
	if s.sel != nil {
		s.bits.copyFrom(s.sel.pods)
	} else {
		s.bits.copyFrom(c.e.allPods)
	}
	if s.notSel != nil {
		s.bits.andNot(s.notSel.pods)
	}
	switch {
	case s.netsExternal && len(s.nets) > 0:
		s.bits.zero()
	case s.netsExternal:
	default:
		if len(s.nets) > 0 {
			s.bits.and(c.netBits(s.nets))
		}
		if len(s.notNets) > 0 {
			s.bits.andNot(c.netBits(s.notNets))
		}
	}
	return s, true
}

// netBits is the set of pods whose address lies in one of the nets.
func (c *compiler) netBits(nets []netip.Prefix) bitset {
	k := fmt.Sprint(nets)
	if b, ok := c.nets[k]; ok {
		return b
	}
	b := newBitset(len(c.e.pods))
	for i := range c.e.pods {
		if inAny(nets, c.e.pods[i].addr) {
			b.set(i)
		}
	}
	c.nets[k] = b
	return b
}

// match reports whether the endpoint satisfies the side, ports aside.
func (s *side) match(ep Endpoint) bool {
	switch {
	case s.netsExternal && ep.Pod >= 0:
		if len(s.nets) > 0 {
			return false
		}
	case len(s.nets) > 0 && !inAny(s.nets, ep.Addr), inAny(s.notNets, ep.Addr):
		return false
	}
	if s.sel != nil && !s.sel.has(ep) {
		return false
	}
	if s.notSel != nil && s.notSel.has(ep) {
		return false
	}
	return true
}
