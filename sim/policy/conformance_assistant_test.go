package policy

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// probe is the part of policy-assistant's (Cyclonus') probe.json we read.
type probe struct {
	Probes []struct {
		Protocol string
		Port     uint16
	}
	Resources struct {
		Namespaces map[string]map[string]string
		Pods       []struct {
			Namespace, Name, IP string
			Labels              map[string]string
			Containers          []struct {
				Port     int
				PortName string
				Protocol string
			}
		}
	}
}

// truthTable is one of policy-assistant's tables: cells by "ns/pod" source
// and destination: "." allowed, "X" blocked; "N" (no container serves the
// port) and "?" carry no verdict.
type truthTable map[[2]string]string

// TestConformancePolicyAssistant compares the Matrix with policy-assistant's
// truth tables (Ingress, Egress, Combined for each probe port). The diagonal
// is left out: policy-assistant now calls it undefined, and in Calico a pod
// reaching its own address never crosses policy.
func TestConformancePolicyAssistant(t *testing.T) {
	dir := filepath.Join(requireCases(t, "policy-assistant"), "cyclonus-simple-example")
	data, err := os.ReadFile(filepath.Join(dir, "input", "probe.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pr probe
	if err := json.Unmarshal(data, &pr); err != nil {
		t.Fatal(err)
	}
	sc, err := topology.Load(filepath.Join(dir, "input", "policies"))
	if err != nil {
		t.Skipf("the loader refuses the case (not policy's to fix): %s", firstLine(err))
	}
	// The pods and namespaces come from the probe, not from manifests.
	sc.Namespaces = nil
	for _, ns := range []string{"x", "y", "z"} {
		labels := map[string]string{"kubernetes.io/metadata.name": ns}
		for k, v := range pr.Resources.Namespaces[ns] {
			labels[k] = v
		}
		sc.Namespaces = append(sc.Namespaces, topology.Namespace{Name: ns, Labels: labels})
	}
	sc.Pods = nil
	var addrs []netip.Addr
	for _, p := range pr.Resources.Pods {
		pod := topology.Pod{Name: p.Name, Namespace: p.Namespace, Workload: p.Name, Kind: topology.KindPod, Labels: p.Labels}
		for _, c := range p.Containers {
			proto := topology.ProtoTCP
			switch strings.ToLower(c.Protocol) {
			case "udp":
				proto = topology.ProtoUDP
			case "sctp":
				proto = topology.ProtoSCTP
			}
			pod.Ports = append(pod.Ports, topology.ContainerPort{Name: c.PortName, Port: c.Port, Proto: proto})
		}
		sc.Pods = append(sc.Pods, pod)
		addrs = append(addrs, netip.MustParseAddr(p.IP))
	}
	tables := readTruthTables(t, filepath.Join(dir, "expected", "analyze-probe.txt"))
	if len(tables) < 3*len(pr.Probes) {
		t.Fatalf("%d tables for %d probes", len(tables), len(pr.Probes))
	}
	e, err := New(sc, addrs)
	if err != nil {
		t.Fatal(err)
	}
	cells, agree, skipped := 0, 0, 0
	for pi, p := range pr.Probes {
		if p.Protocol != "TCP" {
			t.Fatalf("probe protocol %s", p.Protocol)
		}
		m, err := e.Matrix(context.Background(), tcpPort(p.Port))
		if err != nil {
			t.Fatal(err)
		}
		for ti, kind := range []string{"Ingress", "Egress", "Combined"} {
			want := tables[3*pi+ti]
			for s := 0; s < m.Len(); s++ {
				for d := 0; d < m.Len(); d++ {
					if s == d {
						continue
					}
					var got bool
					switch kind {
					case "Ingress":
						got = m.IngressAllowed(s, d)
					case "Egress":
						got = m.EgressAllowed(s, d)
					default:
						got = m.Allowed(s, d)
					}
					cell, ok := want[[2]string{m.Names[s], m.Names[d]}]
					if !ok {
						t.Fatalf("no cell %s -> %s in the %s table", m.Names[s], m.Names[d], kind)
					}
					if cell != "." && cell != "X" {
						skipped++
						continue
					}
					w := cell == "."
					cells++
					if got == w {
						agree++
					} else {
						t.Errorf("port %d %s %s -> %s: allowed=%t, policy-assistant says %t", p.Port, kind, m.Names[s], m.Names[d], got, w)
					}
				}
			}
		}
	}
	if cells == 0 {
		t.Fatal("no cell compared")
	}
	t.Logf("policy-assistant: %d of %d off-diagonal cells agree (%d cells without a verdict: N or ?)", agree, cells, skipped)
}

// readTruthTables parses every table of the file in order.
func readTruthTables(t *testing.T, path string) []truthTable {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []truthTable
	var cols []string
	var cur truthTable
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if cells[0] == "" { // header: a new table
			if len(cells) == 1 {
				continue // an empty table
			}
			cols = cells[1:]
			cur = truthTable{}
			out = append(out, cur)
			continue
		}
		for i, c := range cells[1:] {
			cur[[2]string{cells[0], strings.ToLower(cols[i])}] = c
		}
	}
	return out
}
