package policy

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// defaultTierOrder is the order Calico gives the default tier.
const defaultTierOrder = 1_000_000

// Engine answers policy questions for one scenario. It is immutable after
// New and safe for concurrent use.
type Engine struct {
	sc       *topology.Scenario
	pods     []podEP
	sets     []netSet
	tiers    []tier
	warnings []topology.Warning
	// allPods has every pod's bit set.
	allPods bitset
	// profileList holds every compiled profile, in creation order.
	profileList []*policy
	nrules      int       // rules in tiers and profiles, numbered by rule.id
	ruleRefs    []ruleRef // by rule.id
	opts        options
}

// podEP is one pod as policy sees it.
type podEP struct {
	workload bool // false: hostNetwork pod, not a Calico workload endpoint
	addr     netip.Addr
	ns, sa   string
	view     podView
	nsView   *nsView
	ports    []topology.ContainerPort
	profiles []*policy // kns.<ns>, then ksa.<ns>.<sa>
}

// netSet is a GlobalNetworkSet (ns "") or NetworkSet.
type netSet struct {
	name, ns string
	view     setView
	nsView   *nsView
	nets     []netip.Prefix
}

type tier struct {
	name     string
	order    *float64
	policies []*policy
	// passEnd: the tier's defaultAction is Pass, so a packet no policy of
	// the tier decided goes on to the next tier instead of implicit-deny
	passEnd bool
}

// policy is a compiled Calico policy (or a Kubernetes NetworkPolicy as
// Calico converts it, or a profile).
type policy struct {
	decidedBy string // what Decision.DecidedBy says
	display   string // Kind namespace/name, for explanations
	tier      string
	order     *float64
	sortKey   string
	types     [2]bool // by Direction
	applies   bitset  // pods the policy applies to (profiles: unused)
	rules     [2][]rule
	pos       topology.Pos
	profile   bool
}

// action is a rule's action.
type action uint8

const (
	actAllow action = iota
	actDeny
	actPass
	actLog
)

var actionNames = [...]string{"Allow", "Deny", "Pass", "Log"}

func (a action) String() string { return actionNames[a] }

func parseAction(s string) (action, bool) {
	for i, n := range actionNames {
		if n == s {
			return action(i), true
		}
	}
	return 0, false
}

// rule is one compiled rule.
type rule struct {
	id        int // index into the per-port prepared rules
	act       action
	index     int // as written (a Kubernetes rule's index for converted rules)
	pos       topology.Pos
	ipVersion int
	proto     *topology.ProtoMatch
	notProto  *topology.ProtoMatch
	icmp      *topology.ICMPMatch
	notICMP   *topology.ICMPMatch
	src, dst  side
	// never: a clause calisim does not model (services, source ports) makes
	// the rule never match; it is reported in Warnings.
	never bool
	text  string // a short description for explanations
}

// side is a rule's source or destination.
type side struct {
	nets, notNets   []netip.Prefix
	sel, notSel     *matchSet // nil: no constraint
	ports, notPorts []topology.PortRange
	bits            bitset // pods the side matches, ports aside
	// netsExternal: nets and notNets concern only non-pod addresses
	// (options.netsExternalOnly).
	netsExternal bool
}

// matchSet is what a selector (with its namespace and service-account
// scoping) selects: pods by their labels, and the nets of the network sets
// it selects. A pod whose address lies in one of those nets is in pods too,
// as Calico's IP sets hold the network sets' CIDRs.
type matchSet struct {
	pods bitset
	nets []netip.Prefix
}

func (m *matchSet) has(ep Endpoint) bool {
	if ep.Pod >= 0 {
		return m.pods.has(ep.Pod)
	}
	return inAny(m.nets, ep.Addr)
}

func inAny(nets []netip.Prefix, a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, n := range nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// Warnings lists what the scenario's policies use that calisim does not
// model, each kind once, in input order.
func (e *Engine) Warnings() []topology.Warning { return slices.Clone(e.warnings) }

// Pod is the endpoint of pod i (an index into Scenario.Pods).
func (e *Engine) Pod(i int) Endpoint {
	return Endpoint{Pod: i, Addr: e.pods[i].addr}
}

// EndpointFor finds the endpoint of an address: a pod when one has it (the
// first in scenario order), else an address endpoint.
func (e *Engine) EndpointFor(a netip.Addr) Endpoint {
	for i := range e.pods {
		if e.pods[i].addr == a {
			return e.Pod(i)
		}
	}
	return AddrEndpoint(a)
}

// New compiles the scenario's policies for evaluation: every selector is
// parsed once and every policy's endpoints and every rule's peers are
// precomputed as sets of pods. podAddrs holds the pods' addresses, index
// aligned with sc.Pods (an invalid address: the pod has none). Errors are
// *topology.FieldError at the offending policy, joined.
func New(sc *topology.Scenario, podAddrs []netip.Addr) (*Engine, error) {
	return newEngine(sc, podAddrs, options{})
}

// options change the semantics for comparisons with other tools; calisim
// itself always uses the zero value (Calico's semantics).
type options struct {
	// netsExternalOnly makes nets (and so a Kubernetes ipBlock) match only
	// addresses that are not pods, as netpol-analyzer and NCA do (Calico
	// matches pods too); notNets then exclude no pod.
	netsExternalOnly bool
	// hostNetworkPolicy subjects hostNetwork pods to policy like other pods,
	// as netpol-analyzer does (Calico makes no workload endpoint for them).
	hostNetworkPolicy bool
	// portProtocolsOnly makes Connlist consider TCP, UDP and SCTP only (so
	// "All Connections" means all their ports), as netpol-analyzer does.
	portProtocolsOnly bool
	// tieByInput orders policies of equal order as they were given (NCA),
	// not by name (Calico).
	tieByInput bool
	// emptyProfileAllows makes a Profile without rules for a direction
	// allow that direction (NCA); in Calico it matches nothing, and an
	// endpoint no profile rule matched is dropped.
	emptyProfileAllows bool
}

func newEngine(sc *topology.Scenario, podAddrs []netip.Addr, opts options) (*Engine, error) {
	if sc == nil {
		return nil, errors.New("policy: no scenario")
	}
	if len(podAddrs) != 0 && len(podAddrs) != len(sc.Pods) {
		return nil, fmt.Errorf("policy: %d pod addresses for %d pods", len(podAddrs), len(sc.Pods))
	}
	e := &Engine{sc: sc, allPods: ones(len(sc.Pods)), opts: opts}
	c := &compiler{
		e:       e,
		sels:    map[string]*selector.Selector{},
		sets:    map[string]*matchSet{},
		nets:    map[string]bitset{},
		applies: map[string]bitset{},
		nsViews: map[string]*nsView{},
		warned:  map[string]bool{},
		opts:    opts,
	}
	for i := range sc.Namespaces {
		ns := &sc.Namespaces[i]
		c.nsViews[ns.Name] = &nsView{name: ns.Name, labels: ns.Labels}
	}
	c.endpoints(podAddrs)
	c.tiers()
	c.profiles()
	for i := range sc.Resources.GlobalNetworkPolicies {
		c.calicoPolicy(&sc.Resources.GlobalNetworkPolicies[i], fmt.Sprintf("GlobalNetworkPolicies[%d]", i))
	}
	for i := range sc.Resources.NetworkPolicies {
		c.calicoPolicy(&sc.Resources.NetworkPolicies[i], fmt.Sprintf("NetworkPolicies[%d]", i))
	}
	for i := range sc.Resources.KubeNetworkPolicies {
		c.kubePolicy(&sc.Resources.KubeNetworkPolicies[i])
	}
	for i := range e.tiers {
		slices.SortStableFunc(e.tiers[i].policies, func(a, b *policy) int {
			if c := compareOrder(a.order, b.order); c != 0 || opts.tieByInput {
				return c
			}
			return cmp.Compare(a.sortKey, b.sortKey)
		})
	}
	for ti := range e.tiers {
		for _, p := range e.tiers[ti].policies {
			e.number(p, e.tiers[ti].name)
		}
	}
	for _, p := range e.profileList {
		e.number(p, "")
	}
	if len(c.errs) > 0 {
		slices.SortStableFunc(c.errs, func(a, b *topology.FieldError) int {
			if c := cmp.Compare(a.File, b.File); c != 0 {
				return c
			}
			if c := cmp.Compare(a.Line, b.Line); c != 0 {
				return c
			}
			return cmp.Compare(a.Col, b.Col)
		})
		errs := make([]error, len(c.errs))
		for i, fe := range c.errs {
			errs[i] = fe
		}
		return nil, errors.Join(errs...)
	}
	return e, nil
}

// ruleRef finds a rule's policy and tier from its id.
type ruleRef struct {
	pol  *policy
	r    *rule
	tier string
}

// number gives the policy's rules their ids, in eachRule's order.
func (e *Engine) number(p *policy, tier string) {
	for d := range p.rules {
		for i := range p.rules[d] {
			r := &p.rules[d][i]
			r.id = e.nrules
			e.nrules++
			e.ruleRefs = append(e.ruleRefs, ruleRef{pol: p, r: r, tier: tier})
		}
	}
}

// compareOrder sorts by order, lower first, an absent order last.
func compareOrder(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}
