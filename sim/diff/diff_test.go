package diff

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim"
)

func resultA() *sim.Result {
	return &sim.Result{
		Nodes: []sim.NodeResult{
			{Name: "n1", IP: "10.0.1.10", Subnet: "a", Blocks: []string{"10.244.0.0/26"}, Tunnel: "10.244.0.0 tunl0", PodMTU: 1480, Peers: 1},
			{Name: "n2", IP: "10.0.2.10", Subnet: "b", Blocks: []string{"10.244.0.64/26"}, Tunnel: "10.244.0.64 tunl0", PodMTU: 1480, Peers: 1},
		},
		BGP:  sim.BGPResult{Topology: "full-mesh", Sessions: 1, Configured: 1, MaxPeersPerNode: 1, Converged: true, ConvergenceMillis: 900},
		IPAM: sim.IPAMResult{Pools: []sim.PoolResult{{Name: "default", CIDR: "10.244.0.0/16", BlockSize: 26, Encap: "ipip", Mode: "Always", NATOutgoing: true}}},
		Paths: []sim.Path{
			{From: "x/web-0", To: "x/db-0", Port: "tcp/80", Delivered: false, Encapsulation: "ipip", OverheadBytes: 20, PathMTU: 1480,
				Drop: &sim.Drop{At: "subnet/b", Reason: "protocol-blocked"}},
			{From: "x/web-0", To: "x/web-1", Port: "tcp/80", Delivered: true, Encapsulation: "none", PathMTU: 1480},
		},
		Findings: []sim.Finding{{Code: "IPIP_BLOCKED", Severity: sim.SeverityError, Message: "subnet b drops IPIP"}},
	}
}

func resultB() *sim.Result {
	r := resultA()
	r.Nodes = []sim.NodeResult{
		{Name: "n1", IP: "10.0.1.10", Subnet: "a", Blocks: []string{"10.244.0.0/26"}, Tunnel: "10.244.0.0 vxlan.calico", PodMTU: 1450, Peers: 1},
		{Name: "n2", IP: "10.0.2.10", Subnet: "b", Blocks: []string{"10.244.0.64/26"}, Tunnel: "10.244.0.64 vxlan.calico", PodMTU: 1450, Peers: 1},
	}
	r.IPAM.Pools = []sim.PoolResult{{Name: "default", CIDR: "10.244.0.0/16", BlockSize: 26, Encap: "vxlan", Mode: "Always", NATOutgoing: true}}
	r.Paths = []sim.Path{
		{From: "x/web-0", To: "x/db-0", Port: "tcp/80", Delivered: true, Encapsulation: "vxlan", OverheadBytes: 50, PathMTU: 1450},
		{From: "x/web-0", To: "x/web-1", Port: "tcp/80", Delivered: true, Encapsulation: "none", PathMTU: 1450},
	}
	r.Findings = nil
	return r
}

func TestCompare(t *testing.T) {
	a := Side{Name: "a.yaml", Result: resultA(), Routes: map[string][]string{
		"n1": {"blackhole 10.244.0.0/26 proto bird", "10.244.0.64/26 via 10.0.2.10 dev tunl0 proto bird onlink"},
		"n2": {"blackhole 10.244.0.64/26 proto bird"},
	}}
	b := Side{Name: "b.yaml", Result: resultB(), Routes: map[string][]string{
		"n1": {"blackhole 10.244.0.0/26 proto bird", "10.244.0.64/26 via 10.244.0.64 dev vxlan.calico onlink"},
		"n2": {"blackhole 10.244.0.64/26 proto bird"},
	}}
	d := Compare(a, b)
	want := []Change{
		{SectionPaths, "x/web-0 -> x/db-0 tcp/80", "reachability", "dropped at subnet/b: protocol-blocked", "delivered"},
		{SectionPaths, "x/web-0 -> x/db-0 tcp/80", "encapsulation", "ipip", "vxlan"},
		{SectionPaths, "x/web-0 -> x/db-0 tcp/80", "overheadBytes", "20", "50"},
		{SectionPaths, "x/web-0 -> x/db-0 tcp/80", "pathMTU", "1480", "1450"},
		{SectionPaths, "x/web-0 -> x/web-1 tcp/80", "pathMTU", "1480", "1450"},
		{SectionPools, "default", "encapsulation", "ipip Always", "vxlan Always"},
		{SectionNodes, "n1", "tunnel", "10.244.0.0 tunl0", "10.244.0.0 vxlan.calico"},
		{SectionNodes, "n1", "podMTU", "1480", "1450"},
		{SectionNodes, "n2", "tunnel", "10.244.0.64 tunl0", "10.244.0.64 vxlan.calico"},
		{SectionNodes, "n2", "podMTU", "1480", "1450"},
		{SectionRoutes, "n1", "route", "10.244.0.64/26 via 10.0.2.10 dev tunl0 proto bird onlink", ""},
		{SectionRoutes, "n1", "route", "", "10.244.0.64/26 via 10.244.0.64 dev vxlan.calico onlink"},
		{SectionFindings, "IPIP_BLOCKED", "finding", "error: subnet b drops IPIP", ""},
	}
	if len(d.Changes) != len(want) {
		t.Fatalf("%d changes, want %d:\n%+v", len(d.Changes), len(want), d.Changes)
	}
	for i := range want {
		if d.Changes[i] != want[i] {
			t.Errorf("change %d = %+v\nwant %+v", i, d.Changes[i], want[i])
		}
	}
	var text bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"--- a: a.yaml", "+++ b: b.yaml", "PATHS", "reachability: dropped at subnet/b: protocol-blocked -> delivered",
		"    - 10.244.0.64/26 via 10.0.2.10 dev tunl0", "    + 10.244.0.64/26 via 10.244.0.64 dev vxlan.calico", "13 differences"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, text.String())
		}
	}
	js, err := json.Marshal(d)
	if err != nil || !strings.Contains(string(js), `"section":"routes"`) {
		t.Errorf("json %s, %v", js, err)
	}
}

func TestCompareSame(t *testing.T) {
	d := Compare(Side{Name: "a", Result: resultA()}, Side{Name: "b", Result: resultA()})
	if !d.Empty() {
		t.Errorf("same results differ: %+v", d.Changes)
	}
	var text bytes.Buffer
	d.WriteText(&text)
	if !strings.Contains(text.String(), "no differences") {
		t.Errorf("text %q", text.String())
	}
	if !Compare(Side{}, Side{}).Empty() {
		t.Error("two empty sides differ")
	}
}

func TestCompareAddedAndRemoved(t *testing.T) {
	a, b := resultA(), resultA()
	b.Nodes = append(b.Nodes, sim.NodeResult{Name: "n3", IP: "10.0.2.11"})
	a.Paths = append(a.Paths, a.Paths[0]) // the same flow twice: numbered
	b.IPAM.Pools = nil
	d := Compare(Side{Result: a}, Side{Result: b})
	var got []string
	for _, c := range d.Changes {
		got = append(got, string(c.Section)+"|"+c.Subject+"|"+c.Field+"|"+c.A+"|"+c.B)
	}
	want := []string{
		"paths|x/web-0 -> x/db-0 tcp/80 #2|path|dropped at subnet/b: protocol-blocked|",
		"pools|default|pool|10.244.0.0/16 /26 ipip Always|",
		"nodes|n3|node||10.0.2.11",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
