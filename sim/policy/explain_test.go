package policy

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func explainWorld() *world {
	w := newWorld("shop", "kube-system").pod("shop/web", "app", "web").pod("shop/db", "app", "db").pod("kube-system/dns", "k8s-app", "kube-dns")
	w.sc.Resources.Tiers = []topology.Tier{{Name: "security", Order: f64(10)}}
	return w.
		gnp(topology.Policy{Name: "security.quarantine", Tier: "security", Order: f64(1), Selector: "quarantine == 'true'", Types: []string{"Ingress", "Egress"}}).
		gnp(topology.Policy{Name: "security.pass-shop", Tier: "security", Order: f64(2), Selector: "projectcalico.org/namespace == 'shop'", Types: []string{"Ingress", "Egress"},
			Ingress: []topology.Rule{{Action: "Log"}, {Action: "Pass"}}, Egress: []topology.Rule{{Action: "Pass"}}}).
		gnp(topology.Policy{Name: "default-deny", Order: f64(2000), Selector: "projectcalico.org/namespace != 'kube-system'", Types: []string{"Ingress", "Egress"}}).
		knp(topology.KubeNetworkPolicy{Name: "db", Namespace: "shop", PodSelector: topology.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
			Ingress: []topology.KubeRule{{Peers: []topology.KubePeer{{PodSelector: &topology.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}},
				Ports: []topology.KubePort{{Protocol: topology.ProtoTCP, Port: &topology.PortRange{Min: 5432, Max: 5432}}}}}, HasIngress: true}).
		np(topology.Policy{Name: "web-egress", Namespace: "shop", Order: f64(500), Selector: "app == 'web'", Types: []string{"Egress"},
			Egress: []topology.Rule{{Action: "Allow", Protocol: tcp, Destination: topology.EntityRule{Selector: "app == 'db'", Ports: ports(5432)}}}})
}

func TestExplain(t *testing.T) {
	w := explainWorld()
	e := w.engine(t)
	var b strings.Builder
	for _, f := range []struct{ from, to string }{{"shop/web", "shop/db"}, {"shop/db", "shop/web"}, {"external/8.8.8.8", "kube-system/dns"}, {"shop/web", "shop/web"}} {
		x := e.Explain(w.find(t, e, f.from), w.find(t, e, f.to), tcpPort(5432))
		if v := e.Verdict(w.find(t, e, f.from), w.find(t, e, f.to), tcpPort(5432)); v != x.Verdict {
			t.Errorf("Explain's verdict %+v differs from Verdict %+v", x.Verdict, v)
		}
		if err := x.Format(&b); err != nil {
			t.Fatal(err)
		}
		b.WriteString("\n")
	}
	golden(t, "explain.golden", b.String())
}
