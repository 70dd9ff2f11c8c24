package policy

import (
	"fmt"
	"math/rand/v2"
	"net/netip"

	"github.com/calisim/calisim/sim/topology"
)

// genWorld makes a random but valid scenario: pods spread over namespaces
// with a few label keys, and a mix of every policy kind and rule clause.
// The same seed gives the same scenario.
func genWorld(seed uint64, pods, namespaces, policies int) *world {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	w := &world{}
	nsName := func(i int) string { return fmt.Sprintf("ns-%d", i) }
	for i := range namespaces {
		w.sc.Namespaces = append(w.sc.Namespaces, topology.Namespace{Name: nsName(i), Labels: map[string]string{
			"kubernetes.io/metadata.name": nsName(i),
			"team":                        fmt.Sprintf("t%d", i%5),
			"env":                         []string{"prod", "dev", "test"}[i%3],
		}})
	}
	apps := []string{"web", "api", "db", "cache", "queue", "auth", "batch", "proxy"}
	for i := range pods {
		ns := nsName(rng.IntN(namespaces))
		app := apps[rng.IntN(len(apps))]
		p := topology.Pod{
			Name: fmt.Sprintf("%s-%d", app, i), Namespace: ns, Workload: app, Kind: topology.KindDeployment,
			Labels:         map[string]string{"app": app, "tier": []string{"front", "back"}[rng.IntN(2)], "version": fmt.Sprintf("v%d", rng.IntN(3))},
			ServiceAccount: []string{"", "robot", app}[rng.IntN(3)],
		}
		if rng.IntN(4) == 0 {
			p.Ports = []topology.ContainerPort{{Name: "http", Port: []int{80, 8080}[rng.IntN(2)], Proto: topology.ProtoTCP}}
		}
		if rng.IntN(50) == 0 {
			p.HostNetwork = true
		}
		w.sc.Pods = append(w.sc.Pods, p)
		w.addrs = append(w.addrs, netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
	}
	w.sc.Resources.Tiers = []topology.Tier{{Name: "security", Order: f64(100)}, {Name: "platform", Order: f64(200)}}
	w.sc.Resources.GlobalNetworkSets = []topology.NetworkSet{
		{Name: "internet", Labels: map[string]string{"role": "internet"}, Nets: pfx("0.0.0.0/0")},
		{Name: "low-pods", Labels: map[string]string{"role": "low"}, Nets: pfx("10.0.0.0/24")},
	}
	w.sc.Resources.NetworkSets = []topology.NetworkSet{{Name: "partners", Namespace: nsName(0), Labels: map[string]string{"role": "partner"}, Nets: pfx("10.0.1.0/25")}}

	sel := func() string {
		switch rng.IntN(6) {
		case 0:
			return ""
		case 1:
			return fmt.Sprintf("app == '%s'", apps[rng.IntN(len(apps))])
		case 2:
			return fmt.Sprintf("app in {'%s', '%s'}", apps[rng.IntN(len(apps))], apps[rng.IntN(len(apps))])
		case 3:
			return "tier == 'back' && version != 'v0'"
		case 4:
			return "has(role)"
		}
		return "role == 'partner' || role == 'low'"
	}
	entity := func(ns string) topology.EntityRule {
		var er topology.EntityRule
		switch rng.IntN(9) {
		case 0:
		case 1:
			er.Selector = sel()
		case 2:
			er.Selector, er.NamespaceSelector = sel(), []string{"all()", "team == 't1'", "env in {'prod', 'test'}", "global()"}[rng.IntN(4)]
		case 3:
			er.NotSelector = sel()
		case 4:
			er.Nets = pfx([]string{"10.0.0.0/23", "10.0.1.128/25", "0.0.0.0/0", "8.8.8.0/24"}[rng.IntN(4)])
		case 5:
			er.NotNets = pfx("10.0.0.0/25")
		case 6:
			er.ServiceAccounts = &topology.ServiceAccountMatch{Names: []string{"robot"}}
		case 7:
			er.ServiceAccounts = &topology.ServiceAccountMatch{Selector: "projectcalico.org/name == 'web'"}
		case 8:
			er.Selector, er.NotSelector = "tier == 'front'", "app == 'web'"
		}
		return er
	}
	rule := func(ns string) topology.Rule {
		r := topology.Rule{Action: []string{"Allow", "Allow", "Allow", "Deny", "Pass", "Log"}[rng.IntN(6)]}
		r.Source, r.Destination = entity(ns), entity(ns)
		switch rng.IntN(6) {
		case 1:
			r.Protocol = tcp
			r.Destination.Ports = []topology.PortRange{{Min: 80, Max: 80}, {Min: 8000, Max: 9000}}
		case 2:
			r.Protocol = tcp
			r.Destination.Ports = []topology.PortRange{{Name: "http"}}
		case 3:
			r.Protocol = udp
			r.Destination.NotPorts = ports(53)
		case 4:
			r.NotProtocol = icmp
		case 5:
			r.Protocol, r.ICMP = icmp, &topology.ICMPMatch{Type: intp(8)}
		}
		return r
	}
	rules := func(ns string) []topology.Rule {
		var out []topology.Rule
		for range rng.IntN(4) {
			out = append(out, rule(ns))
		}
		return out
	}
	kubeSel := func() *topology.LabelSelector {
		switch rng.IntN(4) {
		case 0:
			return &topology.LabelSelector{}
		case 1:
			return &topology.LabelSelector{MatchLabels: map[string]string{"app": apps[rng.IntN(len(apps))]}}
		case 2:
			return &topology.LabelSelector{MatchExpressions: []topology.LabelRequirement{{Key: "tier", Operator: "In", Values: []string{"front"}}}}
		}
		return &topology.LabelSelector{MatchExpressions: []topology.LabelRequirement{{Key: "version", Operator: "NotIn", Values: []string{"v1"}}, {Key: "app", Operator: "Exists"}}}
	}
	kubeRules := func() []topology.KubeRule {
		var out []topology.KubeRule
		for range rng.IntN(3) {
			var kr topology.KubeRule
			for range rng.IntN(3) {
				var kp topology.KubePeer
				switch rng.IntN(4) {
				case 0:
					kp.PodSelector = kubeSel()
				case 1:
					kp.NamespaceSelector = &topology.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}
				case 2:
					kp.PodSelector, kp.NamespaceSelector = kubeSel(), &topology.LabelSelector{}
				case 3:
					kp.IPBlock = &topology.IPBlock{CIDR: netip.MustParsePrefix("10.0.0.0/16"), Except: pfx("10.0.0.0/26")}
				}
				kr.Peers = append(kr.Peers, kp)
			}
			if rng.IntN(2) == 0 {
				kr.Ports = append(kr.Ports, topology.KubePort{Protocol: topology.ProtoTCP, Port: &topology.PortRange{Min: 80, Max: 80}, EndPort: 90})
			}
			if rng.IntN(3) == 0 {
				kr.Ports = append(kr.Ports, topology.KubePort{Protocol: topology.ProtoTCP, Port: &topology.PortRange{Name: "http"}})
			}
			out = append(out, kr)
		}
		return out
	}
	tiers := []string{"", "default", "security", "platform"}
	for i := range policies {
		ns := nsName(rng.IntN(namespaces))
		var order *float64
		if rng.IntN(4) != 0 {
			order = f64(float64(rng.IntN(20) * 50))
		}
		types := [][]string{nil, {"Ingress"}, {"Egress"}, {"Ingress", "Egress"}}[rng.IntN(4)]
		switch rng.IntN(3) {
		case 0:
			tier := tiers[rng.IntN(len(tiers))]
			name := fmt.Sprintf("gnp-%d", i)
			if tier != "" && tier != "default" {
				name = tier + "." + name
			}
			w.gnp(topology.Policy{Name: name, Tier: tier, Order: order, Selector: sel(), Types: types, Ingress: rules(""), Egress: rules(""),
				NamespaceSelector: []string{"", "", "env == 'prod'"}[rng.IntN(3)]})
		case 1:
			w.np(topology.Policy{Name: fmt.Sprintf("np-%d", i), Namespace: ns, Order: order, Selector: sel(), Types: types, Ingress: rules(ns), Egress: rules(ns)})
		default:
			k := topology.KubeNetworkPolicy{Name: fmt.Sprintf("knp-%d", i), Namespace: ns, PodSelector: *kubeSel(), Ingress: kubeRules(), Egress: kubeRules()}
			if rng.IntN(3) == 0 {
				k.PolicyTypes = []string{"Ingress", "Egress"}
			}
			w.knp(k)
		}
	}
	return w
}
