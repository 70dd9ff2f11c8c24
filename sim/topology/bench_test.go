package topology

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

const scenario100k = `apiVersion: calisim/v1alpha1
kind: Scenario
metadata: {name: big}
spec:
  underlay:
    subnets: [{name: a, cidr: 10.0.0.0/8}]
  nodes:
    - name: worker-{1..100000}
      labels: {rack: a}
`

// BenchmarkLoad100kNodes loads and validates one range of 100,000 nodes with
// the default pool: the bound is 1 s and 500 MB.
func BenchmarkLoad100kNodes(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sc, err := LoadBytes("big.yaml", []byte(scenario100k))
		if err != nil {
			b.Fatal(err)
		}
		if len(sc.Nodes) != 100_000 {
			b.Fatalf("%d nodes", len(sc.Nodes))
		}
	}
}

// explicitNodes is a scenario listing n nodes one by one, with labels.
func explicitNodes(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: calisim/v1alpha1\nkind: Scenario\nspec:\n  underlay:\n    subnets: [{name: a, cidr: 10.0.0.0/8}]\n  nodes:\n")
	for i := range n {
		fmt.Fprintf(&b, "    - name: worker-%d\n      labels: {rack: r%d, zone: z%d}\n", i, i%40, i%3)
	}
	return []byte(b.String())
}

// BenchmarkLoad50kExplicitNodes loads 50,000 nodes written one by one
// (2.8 MB of YAML, close to the 4 MiB document bound): parsing dominates.
func BenchmarkLoad50kExplicitNodes(b *testing.B) {
	data := explicitNodes(50_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sc, err := LoadBytes("big.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		if len(sc.Nodes) != 50_000 {
			b.Fatalf("%d nodes", len(sc.Nodes))
		}
	}
}

func BenchmarkLoadDesignExample(b *testing.B) {
	data, err := os.ReadFile("testdata/load/aws-two-az.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBytes("aws-two-az.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
