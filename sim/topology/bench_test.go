package topology

import (
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
