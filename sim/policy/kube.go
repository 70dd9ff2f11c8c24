package policy

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/calisim/calisim/sim/topology"
)

// kubeOrder is the order Calico gives every Kubernetes NetworkPolicy.
const kubeOrder = 1000

// kubePolicy converts a Kubernetes NetworkPolicy as Calico's converter does
// and compiles it: name knp.default.<name>, order 1000, tier default;
// selector projectcalico.org/orchestrator == 'k8s' && podSelector in the
// policy's namespace; policyTypes default to Ingress, plus Egress when there
// are egress rules; one Calico rule per peer and port; a peer's podSelector
// and namespaceSelector are ANDed, peers and ports ORed; ipBlock becomes
// nets/notNets (so it matches pod addresses too); named ports resolve
// against the destination pod.
func (c *compiler) kubePolicy(k *topology.KubeNetworkPolicy) {
	order := float64(kubeOrder)
	tp := &topology.Policy{
		Kind:      topology.KindNetworkPolicy,
		Name:      "knp.default." + k.Name,
		Namespace: k.Namespace,
		Tier:      "default",
		Order:     &order,
		Types:     slices.Clone(k.PolicyTypes),
		Pos:       k.Pos,
	}
	if len(tp.Types) == 0 {
		tp.Types = []string{"Ingress"}
		if len(k.Egress) > 0 {
			tp.Types = append(tp.Types, "Egress")
		}
	}
	ok := true
	sel, k1 := c.kubeSelector(&k.PodSelector, k.Pos, "spec.podSelector")
	ok = ok && k1
	tp.Selector = joinSel(orchestratorK8s, sel)
	var idx [2][]int
	for _, d := range []Direction{Ingress, Egress} {
		list := k.Ingress
		if d == Egress {
			list = k.Egress
		}
		for i := range list {
			rules, k2 := c.kubeRule(&list[i], d, k.Pos, fmt.Sprintf("spec.%s[%d]", d, i))
			ok = ok && k2
			for range rules {
				idx[d] = append(idx[d], i)
			}
			if d == Ingress {
				tp.Ingress = append(tp.Ingress, rules...)
			} else {
				tp.Egress = append(tp.Egress, rules...)
			}
		}
	}
	if !ok {
		return
	}
	p := &policy{
		decidedBy: k.Namespace + "/" + k.Name,
		display:   "NetworkPolicy (Kubernetes) " + k.Namespace + "/" + k.Name + " as " + tp.Name,
		tier:      "default",
		order:     &order,
		sortKey:   k.Namespace + "/" + tp.Name,
		pos:       k.Pos,
	}
	c.finish(p, tp, &idx)
}

const orchestratorK8s = "projectcalico.org/orchestrator == 'k8s'"

func joinSel(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " && " + b
}

// kubeRule converts one ingress/egress rule into Calico rules.
func (c *compiler) kubeRule(kr *topology.KubeRule, d Direction, pos topology.Pos, path string) ([]topology.Rule, bool) {
	if kr.Pos.IsValid() {
		pos = kr.Pos
	}
	ok := true
	peers := []topology.EntityRule{{}}
	if len(kr.Peers) > 0 {
		peers = peers[:0]
		peerPath := "from"
		if d == Egress {
			peerPath = "to"
		}
		for i, kp := range kr.Peers {
			pp := fmt.Sprintf("%s.%s[%d]", path, peerPath, i)
			var er topology.EntityRule
			switch {
			case kp.IPBlock != nil:
				er.Nets = []netip.Prefix{kp.IPBlock.CIDR}
				er.NotNets = kp.IPBlock.Except
			default:
				if kp.PodSelector != nil {
					s, k := c.kubeSelector(kp.PodSelector, pos, pp+".podSelector")
					ok = ok && k
					er.Selector = joinSel(orchestratorK8s, s)
				}
				if kp.NamespaceSelector != nil {
					s, k := c.kubeSelector(kp.NamespaceSelector, pos, pp+".namespaceSelector")
					ok = ok && k
					if s == "" {
						s = "all()"
					}
					er.NamespaceSelector = s
					if er.Selector == "" {
						er.Selector = orchestratorK8s
					}
				}
			}
			peers = append(peers, er)
		}
	}
	type portMatch struct {
		proto *topology.ProtoMatch
		ports []topology.PortRange
	}
	ports := []portMatch{{}}
	if len(kr.Ports) > 0 {
		ports = ports[:0]
		for i, kp := range kr.Ports {
			pm := portMatch{proto: kubeProto(kp.Protocol)}
			if kp.Port != nil {
				pr := *kp.Port
				if kp.EndPort != 0 && pr.Name == "" {
					if kp.EndPort < int(pr.Min) || kp.EndPort > 65535 {
						c.errorf(pos, fmt.Sprintf("%s.ports[%d].endPort", path, i), "endPort %d is below port %d or above 65535", kp.EndPort, pr.Min)
						ok = false
					}
					pr.Max = uint16(kp.EndPort)
				}
				pm.ports = []topology.PortRange{pr}
			}
			ports = append(ports, pm)
		}
	}
	var out []topology.Rule
	for _, peer := range peers {
		for _, pm := range ports {
			r := topology.Rule{Action: "Allow", Protocol: pm.proto, Pos: pos}
			if d == Ingress {
				r.Source = peer
			} else {
				r.Destination = peer
			}
			r.Destination.Ports = pm.ports
			out = append(out, r)
		}
	}
	return out, ok
}

func kubeProto(p topology.Proto) *topology.ProtoMatch {
	return &topology.ProtoMatch{Name: strings.ToUpper(p.String()), Num: p.Number()}
}

// kubeSelector converts a Kubernetes label selector to Calico's language.
func (c *compiler) kubeSelector(ls *topology.LabelSelector, pos topology.Pos, path string) (string, bool) {
	var parts []string
	keys := make([]string, 0, len(ls.MatchLabels))
	for k := range ls.MatchLabels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s == %s", k, quote(ls.MatchLabels[k])))
	}
	ok := true
	for i, req := range ls.MatchExpressions {
		vals := make([]string, len(req.Values))
		for j, v := range req.Values {
			vals[j] = quote(v)
		}
		set := "{" + strings.Join(vals, ", ") + "}"
		switch req.Operator {
		case "In":
			parts = append(parts, fmt.Sprintf("%s in %s", req.Key, set))
		case "NotIn":
			parts = append(parts, fmt.Sprintf("%s not in %s", req.Key, set))
		case "Exists":
			parts = append(parts, fmt.Sprintf("has(%s)", req.Key))
		case "DoesNotExist":
			parts = append(parts, fmt.Sprintf("! has(%s)", req.Key))
		default:
			c.errorf(pos, fmt.Sprintf("%s.matchExpressions[%d].operator", path, i), "operator %q is not In, NotIn, Exists or DoesNotExist", req.Operator)
			ok = false
		}
	}
	return strings.Join(parts, " && "), ok
}

func quote(v string) string {
	if strings.ContainsRune(v, '\'') {
		return `"` + v + `"`
	}
	return "'" + v + "'"
}
