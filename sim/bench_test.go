package sim

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// bigScenario is the figure: 1,000 nodes in four subnets behind a
// router, 10,000 pods in 100 workloads, IPIP CrossSubnet; the full mesh, or
// two reflectors with the mesh off.
func bigScenario(tb testing.TB, reflectors bool) *topology.Scenario {
	tb.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: calisim/v1alpha1\nkind: Scenario\nmetadata: {name: big}\nspec:\n  underlay:\n    subnets:\n")
	for s := 0; s < 4; s++ {
		fmt.Fprintf(&b, "      - {name: s%d, cidr: 10.%d.0.0/22}\n", s, s)
	}
	b.WriteString("    routers:\n      - name: core\n        default: true\n        interfaces:\n")
	for s := 0; s < 4; s++ {
		fmt.Fprintf(&b, "          - {subnet: s%d, ip: 10.%d.0.1}\n", s, s)
	}
	b.WriteString("  nodes:\n")
	for s := 0; s < 4; s++ {
		n := 250
		if reflectors && s == 0 {
			b.WriteString("    - {name: \"rr-{1..2}\", subnet: s0, labels: {rr: \"y\"}, routeReflectorClusterID: 1.1.1.1}\n")
			n = 248
		}
		fmt.Fprintf(&b, "    - {name: \"n%d-{1..%d}\", subnet: s%d}\n", s, n, s)
	}
	b.WriteString("  namespaces:\n")
	for n := 0; n < 10; n++ {
		fmt.Fprintf(&b, "    - {name: ns%d}\n", n)
	}
	b.WriteString("  workloads:\n")
	for w := 0; w < 100; w++ {
		fmt.Fprintf(&b, "    - {name: w%d, namespace: ns%d, replicas: 100, labels: {app: w%d}}\n", w, w%10, w)
	}
	b.WriteString("---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: pods}\nspec: {cidr: 10.128.0.0/12, blockSize: 26, ipipMode: CrossSubnet, natOutgoing: true}\n")
	if reflectors {
		b.WriteString("---\napiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata: {name: default}\nspec: {nodeToNodeMeshEnabled: false}\n")
		b.WriteString("---\napiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata: {name: to-rr}\nspec: {nodeSelector: all(), peerSelector: has(rr)}\n")
	}
	sc, err := topology.LoadBytes("big.yaml", []byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return sc
}

// BenchmarkRun1000 is `calisim run` after loading: 1,000 nodes, 10,000 pods,
// the sampled flows (the figure: ≤ 3 s, ≤ 1 GiB).
func BenchmarkRun1000(b *testing.B) {
	for _, rr := range []bool{false, true} {
		name := "mesh"
		if rr {
			name = "reflectors"
		}
		b.Run(name, func(b *testing.B) {
			sc := bigScenario(b, rr)
			b.ReportAllocs()
			for b.Loop() {
				res, err := Run(context.Background(), sc, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Paths) == 0 {
					b.Fatal("no paths")
				}
			}
		})
	}
}

// BenchmarkTrace1000 is one trace on that scenario after it is built (the
// issue's figure: ≤ 50 ms).
func BenchmarkTrace1000(b *testing.B) {
	sc := bigScenario(b, true)
	tw, err := Build(context.Background(), sc, Options{})
	if err != nil {
		b.Fatal(err)
	}
	from, _ := topology.ParseRef("ns0/w0-0")
	to, _ := topology.ParseRef("ns3/w93-57")
	b.ReportAllocs()
	for b.Loop() {
		paths, err := tw.Trace(context.Background(), from, to, topology.DefaultPort(), 64)
		if err != nil || len(paths) != 1 {
			b.Fatal(err, len(paths))
		}
	}
}
