package gobgp

import (
	"context"
	"testing"

	"github.com/calisim/calisim/sim/bgp"
)

// The comparison: a 50-node full mesh (1,225 sessions, 50 blocks),
// run to quiet by the model engine and by real GoBGP speakers.
func benchmarkMesh50(b *testing.B, e bgp.Engine) {
	p := planOf(b, "mesh-50.yaml", meshYAML(50))
	b.ReportAllocs()
	for b.Loop() {
		r, err := e.Run(context.Background(), p, bgp.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		if got := r.EstablishedSessions(); got != 1225 {
			b.Fatalf("%d sessions Established, want 1225", got)
		}
	}
}

func BenchmarkMesh50Model(b *testing.B) { benchmarkMesh50(b, bgp.NewModel()) }

func BenchmarkMesh50GoBGP(b *testing.B) { benchmarkMesh50(b, New()) }
