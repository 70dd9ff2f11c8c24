package policy

import (
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

type flowCase struct {
	from, to  string
	port      topology.Port
	allowed   bool
	decidedBy string
}

func TestVerdict(t *testing.T) {
	allowAll := topology.Rule{Action: "Allow"}
	tests := []struct {
		name  string
		world func() *world
		flows []flowCase
	}{
		{
			name: "no policy: the namespace profile allows",
			world: func() *world {
				return newWorld("a").pod("a/x").pod("a/y")
			},
			flows: []flowCase{
				{"a/x", "a/y", tcpPort(80), true, "profile/kns.a"},
				{"a/x", "external/8.8.8.8", tcpPort(443), true, "profile/kns.a"},
				{"external/8.8.8.8", "a/y", tcpPort(443), true, "profile/kns.a"},
				{"a/x", "a/x", tcpPort(80), true, ""},
			},
		},
		{
			name: "global default deny except kube-system",
			world: func() *world {
				return newWorld("a", "kube-system").pod("a/x").pod("a/y").pod("kube-system/dns", "k8s-app", "kube-dns").
					gnp(topology.Policy{Name: "default-deny", Selector: "projectcalico.org/namespace not in {'kube-system'}", Types: []string{"Ingress", "Egress"}})
			},
			flows: []flowCase{
				{"a/x", "a/y", tcpPort(80), false, DecidedImplicitDeny},
				{"a/x", "kube-system/dns", udpPort(53), false, DecidedImplicitDeny},
				{"kube-system/dns", "a/x", tcpPort(80), false, DecidedImplicitDeny},
				{"kube-system/dns", "external/8.8.8.8", udpPort(53), true, "profile/kns.kube-system"},
			},
		},
		{
			name: "order: lower first, absent last, ties by name",
			world: func() *world {
				return newWorld("a").pod("a/x", "app", "x").pod("a/y", "app", "y").
					gnp(topology.Policy{Name: "z-allow", Order: f64(10), Selector: "app == 'y'", Ingress: []topology.Rule{allowAll}}).
					gnp(topology.Policy{Name: "a-deny", Order: f64(10), Selector: "app == 'y'", Ingress: []topology.Rule{{Action: "Deny", Protocol: tcp, Destination: topology.EntityRule{Ports: ports(22)}}}}).
					gnp(topology.Policy{Name: "no-order-deny", Selector: "app == 'y'", Ingress: []topology.Rule{{Action: "Deny"}}}).
					gnp(topology.Policy{Name: "late-deny", Order: f64(5000), Selector: "app == 'y'", Ingress: []topology.Rule{{Action: "Deny"}}})
			},
			flows: []flowCase{
				{"a/x", "a/y", tcpPort(22), false, "a-deny"},
				{"a/x", "a/y", tcpPort(80), true, "z-allow"},
			},
		},
		{
			name: "pass skips the tier; an applied tier without a match drops",
			world: func() *world {
				w := newWorld("a").pod("a/x", "app", "x").pod("a/y", "app", "y").pod("a/z", "app", "z")
				w.sc.Resources.Tiers = []topology.Tier{{Name: "security", Order: f64(100)}}
				return w.
					gnp(topology.Policy{Name: "security.pass-x", Tier: "security", Order: f64(1), Selector: "all()", Types: []string{"Ingress"},
						Ingress: []topology.Rule{{Action: "Log"}, {Action: "Pass", Source: topology.EntityRule{Selector: "app == 'x'"}}}}).
					gnp(topology.Policy{Name: "y-only-from-z", Selector: "app == 'y'", Ingress: []topology.Rule{{Action: "Allow", Source: topology.EntityRule{Selector: "app == 'z'"}}}})
			},
			flows: []flowCase{
				{"a/x", "a/y", tcpPort(80), false, DecidedImplicitDeny}, // passed to default tier, no rule there matched
				{"a/x", "a/z", tcpPort(80), true, "profile/kns.a"},      // passed, no default-tier policy for z: profile
				{"a/z", "a/x", tcpPort(80), false, DecidedImplicitDeny}, // security tier applied, no match
			},
		},
		{
			name: "tier defaultAction Pass: undecided packets go on to the next tier",
			world: func() *world {
				w := newWorld("a").pod("a/x", "app", "x").pod("a/y", "app", "y").pod("a/z", "app", "z")
				w.sc.Resources.Tiers = []topology.Tier{{Name: "security", Order: f64(100), DefaultAction: "Pass"}, {Name: "strict", Order: f64(200), DefaultAction: "Deny"}}
				return w.
					gnp(topology.Policy{Name: "security.no-ssh", Tier: "security", Selector: "all()", Types: []string{"Ingress"},
						Ingress: []topology.Rule{{Action: "Deny", Protocol: tcp, Destination: topology.EntityRule{Ports: ports(22)}}}}).
					gnp(topology.Policy{Name: "strict.y-from-z", Tier: "strict", Selector: "app == 'y'", Types: []string{"Ingress"},
						Ingress: []topology.Rule{{Action: "Allow", Source: topology.EntityRule{Selector: "app == 'z'"}}}})
			},
			flows: []flowCase{
				{"a/x", "a/z", tcpPort(22), false, "security.no-ssh"},
				{"a/x", "a/z", tcpPort(80), true, "profile/kns.a"},      // security passes, strict does not apply to z
				{"a/z", "a/y", tcpPort(80), true, "strict.y-from-z"},    // on to strict, which allows
				{"a/x", "a/y", tcpPort(80), false, DecidedImplicitDeny}, // strict applies, Deny at its end
			},
		},
		{
			name: "kubernetes policy: podSelector peer, ports, decidedBy namespace/name",
			world: func() *world {
				return newWorld("shop").pod("shop/web", "app", "web").pod("shop/db", "app", "db").pod("shop/other", "app", "other").
					knp(topology.KubeNetworkPolicy{Name: "db-from-web", Namespace: "shop",
						PodSelector: topology.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
						Ingress: []topology.KubeRule{{
							Peers: []topology.KubePeer{{PodSelector: &topology.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}},
							Ports: []topology.KubePort{{Protocol: topology.ProtoTCP, Port: &topology.PortRange{Min: 5432, Max: 5432}}},
						}}, HasIngress: true})
			},
			flows: []flowCase{
				{"shop/web", "shop/db", tcpPort(5432), true, "shop/db-from-web"},
				{"shop/web", "shop/db", udpPort(5432), false, DecidedImplicitDeny},
				{"shop/web", "shop/db", tcpPort(80), false, DecidedImplicitDeny},
				{"shop/other", "shop/db", tcpPort(5432), false, DecidedImplicitDeny},
				{"shop/db", "shop/web", tcpPort(80), true, "profile/kns.shop"}, // egress not restricted
			},
		},
		{
			name: "kubernetes policy: empty ingress and egress lists deny",
			world: func() *world {
				return newWorld("a").pod("a/x").pod("a/y").
					knp(topology.KubeNetworkPolicy{Name: "deny-all", Namespace: "a", PolicyTypes: []string{"Ingress", "Egress"}, HasIngress: true, HasEgress: true})
			},
			flows: []flowCase{
				{"a/x", "a/y", tcpPort(80), false, DecidedImplicitDeny},
				{"a/x", "external/1.1.1.1", tcpPort(80), false, DecidedImplicitDeny},
			},
		},
		{
			name: "kubernetes policy: ipBlock with except matches pod addresses too (Calico)",
			world: func() *world {
				return newWorld("a").pod("a/x", "app", "x").pod("a/y").pod("a/z").
					knp(topology.KubeNetworkPolicy{Name: "egress-block", Namespace: "a",
						PodSelector: topology.LabelSelector{MatchLabels: map[string]string{"app": "x"}},
						Egress:      []topology.KubeRule{{Peers: []topology.KubePeer{{IPBlock: &topology.IPBlock{CIDR: netipP("10.0.0.0/24"), Except: pfx("10.0.0.3/32")}}}}},
						HasEgress:   true})
			},
			flows: []flowCase{
				{"a/x", "a/y", tcpPort(80), true, "a/egress-block"}, // 10.0.0.2: a pod inside the block
				{"a/x", "a/z", tcpPort(80), false, DecidedImplicitDeny},
				{"a/x", "external/10.0.0.200", tcpPort(80), true, "a/egress-block"},
				{"a/x", "external/8.8.8.8", tcpPort(80), false, DecidedImplicitDeny},
				{"a/y", "a/x", tcpPort(80), false, DecidedImplicitDeny}, // policyTypes default to Ingress too: x is isolated for ingress
			},
		},
		{
			name: "kubernetes policy: named port and endPort",
			world: func() *world {
				w := newWorld("a").pod("a/client").pod("a/srv", "app", "srv")
				w.last().Ports = []topology.ContainerPort{{Name: "http", Port: 8080, Proto: topology.ProtoTCP}}
				w.pod("a/srv2", "app", "srv")
				w.last().Ports = []topology.ContainerPort{{Name: "http", Port: 9090, Proto: topology.ProtoTCP}}
				return w.knp(topology.KubeNetworkPolicy{Name: "srv", Namespace: "a",
					PodSelector: topology.LabelSelector{MatchLabels: map[string]string{"app": "srv"}},
					Ingress: []topology.KubeRule{{Ports: []topology.KubePort{
						{Protocol: topology.ProtoTCP, Port: &topology.PortRange{Name: "http"}},
						{Protocol: topology.ProtoUDP, Port: &topology.PortRange{Min: 5000, Max: 5000}, EndPort: 5010},
					}}}, HasIngress: true})
			},
			flows: []flowCase{
				{"a/client", "a/srv", tcpPort(8080), true, "a/srv"},
				{"a/client", "a/srv", tcpPort(9090), false, DecidedImplicitDeny},
				{"a/client", "a/srv2", tcpPort(9090), true, "a/srv"},
				{"a/client", "a/srv", udpPort(5010), true, "a/srv"},
				{"a/client", "a/srv", udpPort(5011), false, DecidedImplicitDeny},
			},
		},
		{
			name: "kubernetes policy: namespaceSelector AND podSelector within a peer, OR across",
			world: func() *world {
				return newWorld("prod", "dev", "tgt").nsLabel("prod", "env", "prod").nsLabel("dev", "env", "dev").
					pod("prod/web", "app", "web").pod("prod/job", "app", "job").pod("dev/web", "app", "web").pod("tgt/db", "app", "db").pod("tgt/admin", "role", "admin").
					knp(topology.KubeNetworkPolicy{Name: "db", Namespace: "tgt",
						PodSelector: topology.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
						Ingress: []topology.KubeRule{{Peers: []topology.KubePeer{
							{NamespaceSelector: &topology.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}, PodSelector: &topology.LabelSelector{MatchExpressions: []topology.LabelRequirement{{Key: "app", Operator: "In", Values: []string{"web"}}}}},
							{PodSelector: &topology.LabelSelector{MatchExpressions: []topology.LabelRequirement{{Key: "role", Operator: "Exists"}}}},
						}}}, HasIngress: true})
			},
			flows: []flowCase{
				{"prod/web", "tgt/db", tcpPort(80), true, "tgt/db"},
				{"prod/job", "tgt/db", tcpPort(80), false, DecidedImplicitDeny},
				{"dev/web", "tgt/db", tcpPort(80), false, DecidedImplicitDeny},
				{"tgt/admin", "tgt/db", tcpPort(80), true, "tgt/db"},
			},
		},
		{
			name: "kubernetes policy: namespaceSelector {} is every namespace",
			world: func() *world {
				return newWorld("a", "b").pod("a/x").pod("b/y", "app", "y").
					knp(topology.KubeNetworkPolicy{Name: "all-ns", Namespace: "b",
						Ingress: []topology.KubeRule{{Peers: []topology.KubePeer{{NamespaceSelector: &topology.LabelSelector{}}}}}, HasIngress: true})
			},
			flows: []flowCase{
				{"a/x", "b/y", tcpPort(80), true, "b/all-ns"},
				{"external/8.8.8.8", "b/y", tcpPort(80), false, DecidedImplicitDeny},
			},
		},
		{
			name: "calico NetworkPolicy: rule selector scoped to its namespace; GNP rule selector to every namespace",
			world: func() *world {
				return newWorld("a", "b").pod("a/x", "app", "x").pod("b/x", "app", "x").pod("a/t", "app", "t").pod("b/t", "app", "t").
					np(topology.Policy{Name: "t", Namespace: "a", Selector: "app == 't'", Ingress: []topology.Rule{{Action: "Allow", Source: topology.EntityRule{Selector: "app == 'x'"}}}}).
					gnp(topology.Policy{Name: "gt", Selector: "app == 't' && projectcalico.org/namespace == 'b'", Ingress: []topology.Rule{{Action: "Allow", Source: topology.EntityRule{Selector: "app == 'x'"}}}})
			},
			flows: []flowCase{
				{"a/x", "a/t", tcpPort(80), true, "t"},
				{"b/x", "a/t", tcpPort(80), false, DecidedImplicitDeny},
				{"a/x", "b/t", tcpPort(80), true, "gt"},
				{"b/x", "b/t", tcpPort(80), true, "gt"},
			},
		},
		{
			name: "calico NetworkPolicy: notSelector alone scopes to the namespace, and is not scoped itself",
			world: func() *world {
				return newWorld("a", "b").pod("a/x", "app", "x").pod("a/y", "app", "y").pod("b/y", "app", "y").pod("a/t", "app", "t").
					np(topology.Policy{Name: "t", Namespace: "a", Selector: "app == 't'", Ingress: []topology.Rule{{Action: "Allow", Source: topology.EntityRule{NotSelector: "app == 'x'"}}}})
			},
			flows: []flowCase{
				{"a/y", "a/t", tcpPort(80), true, "t"},
				{"a/x", "a/t", tcpPort(80), false, DecidedImplicitDeny},
				{"b/y", "a/t", tcpPort(80), false, DecidedImplicitDeny},
			},
		},
		{
			name: "network sets: egress to the internet by label; global() namespaceSelector",
			world: func() *world {
				w := newWorld("a").pod("a/x", "app", "x").pod("a/y", "app", "y")
				w.sc.Resources.GlobalNetworkSets = []topology.NetworkSet{{Name: "internet", Labels: map[string]string{"role": "internet"}, Nets: pfx("0.0.0.0/0")}}
				w.sc.Resources.NetworkSets = []topology.NetworkSet{{Name: "partners", Namespace: "a", Labels: map[string]string{"role": "partner"}, Nets: pfx("192.0.2.0/24")}}
				return w.
					gnp(topology.Policy{Name: "x-internet", Selector: "app == 'x'", Types: []string{"Egress"},
						Egress: []topology.Rule{{Action: "Deny", Destination: topology.EntityRule{Nets: pfx("10.0.0.0/8")}}, {Action: "Allow", Destination: topology.EntityRule{Selector: "role == 'internet'", NamespaceSelector: "global()"}}}}).
					np(topology.Policy{Name: "y-partners", Namespace: "a", Selector: "app == 'y'", Types: []string{"Egress"},
						Egress: []topology.Rule{{Action: "Allow", Destination: topology.EntityRule{Selector: "role == 'partner'"}}}})
			},
			flows: []flowCase{
				{"a/x", "external/8.8.8.8", tcpPort(443), true, "x-internet"},
				{"a/x", "a/y", tcpPort(443), false, "x-internet"},
				{"a/y", "external/192.0.2.7", tcpPort(443), true, "y-partners"},
				{"a/y", "external/8.8.8.8", tcpPort(443), false, DecidedImplicitDeny},
			},
		},
		{
			name: "rule clauses: protocol numbers, notProtocol, notPorts, notNets, ICMP, service accounts",
			world: func() *world {
				w := newWorld("a").pod("a/c").pod("a/s", "app", "s").pod("a/admin")
				w.last().ServiceAccount = "admin"
				return w.gnp(topology.Policy{Name: "s", Selector: "app == 's'", Ingress: []topology.Rule{
					{Action: "Allow", Source: topology.EntityRule{ServiceAccounts: &topology.ServiceAccountMatch{Names: []string{"admin"}}}},
					{Action: "Allow", Protocol: icmp, ICMP: &topology.ICMPMatch{Type: intp(8)}},
					{Action: "Deny", NotProtocol: &topology.ProtoMatch{Num: 6}},
					{Action: "Allow", Protocol: tcp, Destination: topology.EntityRule{NotPorts: []topology.PortRange{{Min: 1, Max: 1023}}}},
					{Action: "Allow", Protocol: tcp, Source: topology.EntityRule{NotNets: pfx("10.0.0.1/32")}, Destination: topology.EntityRule{Ports: ports(443)}},
				}})
			},
			flows: []flowCase{
				{"a/admin", "a/s", tcpPort(22), true, "s"},
				{"a/c", "a/s", topology.Port{Proto: topology.ProtoICMP}, true, "s"},
				{"a/c", "a/s", udpPort(53), false, "s"},
				{"a/c", "a/s", tcpPort(8080), true, "s"},
				{"a/c", "a/s", tcpPort(22), false, DecidedImplicitDeny},
				{"a/c", "a/s", tcpPort(443), false, DecidedImplicitDeny}, // a/c is 10.0.0.1
				{"external/9.9.9.9", "a/s", tcpPort(443), true, "s"},
			},
		},
		{
			name: "hostNetwork pods and hosts carry no workload policy",
			world: func() *world {
				w := newWorld("a").pod("a/x", "app", "x").pod("a/agent", "app", "x")
				w.last().HostNetwork = true
				return w.gnp(topology.Policy{Name: "deny", Selector: "app == 'x'", Types: []string{"Ingress", "Egress"}})
			},
			flows: []flowCase{
				{"host/10.1.0.1", "a/agent", tcpPort(80), true, ""},
				{"a/agent", "a/x", tcpPort(80), false, DecidedImplicitDeny},
				{"host/10.1.0.1", "a/x", tcpPort(80), false, DecidedImplicitDeny},
			},
		},
		{
			name: "policy namespaceSelector and serviceAccountSelector choose the endpoints",
			world: func() *world {
				w := newWorld("a", "b").nsLabel("b", "locked", "yes").pod("a/x").pod("b/x").pod("b/sa")
				w.last().ServiceAccount = "robot"
				return w.gnp(topology.Policy{Name: "lock", NamespaceSelector: "locked == 'yes'", ServiceAccountSelector: "projectcalico.org/name != 'robot'", Types: []string{"Ingress"}})
			},
			flows: []flowCase{
				{"a/x", "b/x", tcpPort(80), false, DecidedImplicitDeny},
				{"a/x", "a/x", tcpPort(80), true, ""},
				{"b/x", "a/x", tcpPort(80), true, "profile/kns.a"},
				{"a/x", "b/sa", tcpPort(80), true, "profile/kns.b"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.world()
			e := w.engine(t)
			for _, f := range tc.flows {
				src, dst := w.find(t, e, f.from), w.find(t, e, f.to)
				v := e.Verdict(src, dst, f.port)
				if v.Allowed != f.allowed || v.DecidedBy != f.decidedBy {
					t.Errorf("%s -> %s %v: allowed=%t decidedBy=%q, want %t %q (egress %+v, ingress %+v)",
						f.from, f.to, f.port, v.Allowed, v.DecidedBy, f.allowed, f.decidedBy, v.Egress, v.Ingress)
				}
			}
			checkMatrixAgrees(t, e, w, nil)
		})
	}
}
