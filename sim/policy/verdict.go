package policy

import (
	"github.com/calisim/calisim/sim/topology"
)

// ICMP flows are judged as echo requests (type 8, code 0): calisim's flows
// say only "icmp".
const (
	icmpEchoType = 8
	icmpEchoCode = 0
)

// Verdict judges a flow from src to dst on port: egress on the source (when
// it is a workload pod), ingress on the destination (when it is one).
func (e *Engine) Verdict(src, dst Endpoint, port topology.Port) Verdict {
	src, dst = e.norm(src), e.norm(dst)
	if e.loopback(src, dst) {
		d := Decision{Allowed: true, Rule: -1, Reason: ReasonLoopback}
		return combine(d, d)
	}
	eg := e.judge(Egress, src, dst, port, nil)
	in := e.judge(Ingress, src, dst, port, nil)
	return combine(eg, in)
}

// norm makes an endpoint whose pod index is out of range an address
// endpoint, so that a bad index never reaches the pod sets.
func (e *Engine) norm(ep Endpoint) Endpoint {
	if ep.Pod >= len(e.pods) || ep.Pod < -1 {
		ep.Pod = -1
	}
	return ep
}

// loopback reports whether a pod talks to itself (never through policy).
func (e *Engine) loopback(src, dst Endpoint) bool {
	return src.Pod >= 0 && src.Pod == dst.Pod
}

// subject is the endpoint a direction is judged on.
func subject(d Direction, src, dst Endpoint) Endpoint {
	if d == Egress {
		return src
	}
	return dst
}

// step is one policy considered, for explanations.
type step struct {
	pol     *policy
	applied bool
	rule    int // index into pol.rules[d] of the first matching rule; -1 none
	logged  []int
}

// judge decides one direction. With trace non-nil it records every policy
// considered.
func (e *Engine) judge(d Direction, src, dst Endpoint, port topology.Port, trace *[]step) Decision {
	subj := subject(d, src, dst)
	if subj.Pod < 0 || subj.Pod >= len(e.pods) || !e.pods[subj.Pod].workload {
		return Decision{Allowed: true, Rule: -1, Reason: ReasonNotWorkload}
	}
tiers:
	for ti := range e.tiers {
		t := &e.tiers[ti]
		applied := false
		for _, p := range t.policies {
			if !p.types[d] || !p.applies.has(subj.Pod) {
				if trace != nil {
					*trace = append(*trace, step{pol: p, rule: -1})
				}
				continue
			}
			applied = true
			st := step{pol: p, applied: true, rule: -1}
			for ri := range p.rules[d] {
				r := &p.rules[d][ri]
				if !e.matches(r, src, dst, port) {
					continue
				}
				if r.act == actLog {
					st.logged = append(st.logged, ri)
					continue
				}
				st.rule = ri
				break
			}
			if trace != nil {
				*trace = append(*trace, st)
			}
			if st.rule < 0 {
				continue
			}
			r := &p.rules[d][st.rule]
			switch r.act {
			case actPass:
				continue tiers
			case actAllow, actDeny:
				return Decision{Allowed: r.act == actAllow, DecidedBy: p.decidedBy, Tier: t.name, Rule: r.index, Reason: ReasonRule, Pos: r.pos}
			}
		}
		if applied && !t.passEnd {
			return Decision{Allowed: false, DecidedBy: DecidedImplicitDeny, Tier: t.name, Rule: -1, Reason: ReasonImplicitDeny}
		}
	}
	for _, p := range e.pods[subj.Pod].profiles {
		st := step{pol: p, applied: true, rule: -1}
		for ri := range p.rules[d] {
			r := &p.rules[d][ri]
			if (r.act == actAllow || r.act == actDeny) && e.matches(r, src, dst, port) {
				st.rule = ri
				break
			}
		}
		if trace != nil {
			*trace = append(*trace, st)
		}
		if st.rule >= 0 {
			r := &p.rules[d][st.rule]
			return Decision{Allowed: r.act == actAllow, DecidedBy: p.decidedBy, Rule: r.index, Reason: ReasonProfile, Pos: r.pos}
		}
	}
	return Decision{Allowed: false, DecidedBy: DecidedImplicitDeny, Rule: -1, Reason: ReasonProfileDeny}
}

// matches reports whether the rule matches the flow.
func (e *Engine) matches(r *rule, src, dst Endpoint, port topology.Port) bool {
	if r.never || !r.l4(port) {
		return false
	}
	if r.ipVersion != 0 && !familyOK(r.ipVersion, src, dst) {
		return false
	}
	if !r.src.match(src) || !r.dst.match(dst) {
		return false
	}
	if len(r.dst.ports) > 0 && !e.portsMatch(r.dst.ports, port, dst) {
		return false
	}
	if len(r.dst.notPorts) > 0 && e.portsMatch(r.dst.notPorts, port, dst) {
		return false
	}
	return true
}

func familyOK(v int, src, dst Endpoint) bool {
	for _, a := range []Endpoint{src, dst} {
		if a.Addr.IsValid() && (a.Addr.Is4() != (v == 4)) {
			return false
		}
	}
	return true
}

// l4 reports whether the protocol and ICMP clauses match the port.
func (r *rule) l4(port topology.Port) bool {
	num := port.Proto.Number()
	if r.proto != nil && r.proto.Num != num {
		return false
	}
	if r.notProto != nil && r.notProto.Num == num {
		return false
	}
	isICMP := port.Proto == topology.ProtoICMP
	if r.icmp != nil && !(isICMP && icmpMatch(r.icmp)) {
		return false
	}
	if r.notICMP != nil && isICMP && icmpMatch(r.notICMP) {
		return false
	}
	return true
}

func icmpMatch(m *topology.ICMPMatch) bool {
	if m.Type != nil && *m.Type != icmpEchoType {
		return false
	}
	return m.Code == nil || *m.Code == icmpEchoCode
}

// portsMatch reports whether the port is in the list: a number, a range, or
// a named port that the destination pod declares with this number and
// protocol (named ports resolve only on workload pods).
func (e *Engine) portsMatch(list []topology.PortRange, port topology.Port, dst Endpoint) bool {
	if port.Proto == topology.ProtoICMP {
		return false
	}
	for _, pr := range list {
		if pr.Name == "" {
			if pr.Min <= port.Num && port.Num <= pr.Max {
				return true
			}
			continue
		}
		if dst.Pod >= 0 && dst.Pod < len(e.pods) && e.pods[dst.Pod].workload && hasNamedPort(e.pods[dst.Pod].ports, pr.Name, port) {
			return true
		}
	}
	return false
}

func hasNamedPort(ports []topology.ContainerPort, name string, port topology.Port) bool {
	for _, cp := range ports {
		if cp.Name == name && cp.Proto == port.Proto && cp.Port == int(port.Num) {
			return true
		}
	}
	return false
}
