package policy

import (
	"context"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// TestConnlist: web's egress policy also isolates web for ingress (its
// policyTypes default to Ingress too), so nothing reaches web; the egress
// ipBlock splits the external destinations at 10.0.0.0/8 for every source,
// as netpol-analyzer splits them.
func TestConnlist(t *testing.T) {
	w := newWorld("a").pod("a/web-0", "app", "web").pod("a/web-1", "app", "web").pod("a/db", "app", "db").pod("a/dns", "app", "dns")
	w.sc.Pods[0].Workload, w.sc.Pods[0].Kind = "web", topology.KindDeployment
	w.sc.Pods[1].Workload, w.sc.Pods[1].Kind = "web", topology.KindDeployment
	w.sc.Pods[2].Ports = []topology.ContainerPort{{Name: "pg", Port: 5432, Proto: topology.ProtoTCP}}
	w.knp(topology.KubeNetworkPolicy{Name: "db", Namespace: "a", PodSelector: topology.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
		Ingress: []topology.KubeRule{{Peers: []topology.KubePeer{{PodSelector: &topology.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}},
			Ports: []topology.KubePort{{Protocol: topology.ProtoTCP, Port: &topology.PortRange{Name: "pg"}}, {Protocol: topology.ProtoTCP, Port: &topology.PortRange{Min: 8000, Max: 8000}, EndPort: 8010}}}}, HasIngress: true})
	w.knp(topology.KubeNetworkPolicy{Name: "dns", Namespace: "a", PodSelector: topology.LabelSelector{MatchLabels: map[string]string{"app": "dns"}},
		Ingress: []topology.KubeRule{{Ports: []topology.KubePort{{Protocol: topology.ProtoUDP, Port: &topology.PortRange{Min: 53, Max: 53}}, {Protocol: topology.ProtoTCP, Port: &topology.PortRange{Min: 53, Max: 53}}}}}, HasIngress: true})
	w.knp(topology.KubeNetworkPolicy{Name: "web-out", Namespace: "a", PodSelector: topology.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Egress: []topology.KubeRule{{Peers: []topology.KubePeer{{PodSelector: &topology.LabelSelector{}}, {IPBlock: &topology.IPBlock{CIDR: netipP("0.0.0.0/0"), Except: pfx("10.0.0.0/8")}}}}}, HasEgress: true})
	e := w.engine(t)
	conns, err := e.Connlist(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := FormatConnlist(&b, conns); err != nil {
		t.Fatal(err)
	}
	want := `0.0.0.0-255.255.255.255[External] => a/dns[Pod] : TCP 53,UDP 53
a/db[Pod] => 0.0.0.0-9.255.255.255[External] : All Connections
a/db[Pod] => 10.0.0.0-10.255.255.255[External] : All Connections
a/db[Pod] => 11.0.0.0-255.255.255.255[External] : All Connections
a/db[Pod] => a/dns[Pod] : TCP 53,UDP 53
a/dns[Pod] => 0.0.0.0-9.255.255.255[External] : All Connections
a/dns[Pod] => 10.0.0.0-10.255.255.255[External] : All Connections
a/dns[Pod] => 11.0.0.0-255.255.255.255[External] : All Connections
a/web[Deployment] => 0.0.0.0-9.255.255.255[External] : All Connections
a/web[Deployment] => 11.0.0.0-255.255.255.255[External] : All Connections
a/web[Deployment] => a/db[Pod] : TCP 5432,8000-8010
a/web[Deployment] => a/dns[Pod] : TCP 53,UDP 53
`
	if b.String() != want {
		t.Errorf("connlist:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestConnsString(t *testing.T) {
	c := Conns{Protos: []ProtoConns{{Proto: topology.ProtoSCTP, Ports: []PortSpan{{8956, 8956}, {9090, 9090}}}, {Proto: topology.ProtoTCP, Ports: []PortSpan{{1, 65535}}}}}
	if got := c.String(); got != "SCTP 8956,9090,TCP 1-65535" {
		t.Errorf("String = %q", got)
	}
	if got := (Conns{All: true}).String(); got != "All Connections" {
		t.Errorf("String = %q", got)
	}
}
