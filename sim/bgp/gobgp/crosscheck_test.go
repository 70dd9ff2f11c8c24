package gobgp

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/bgp"
)

// crossCheckMaxNodes bounds the scenarios the cross-check runs: the gobgp
// engine is the model's reference up to about 100 nodes.
const crossCheckMaxNodes = 100

// TestCrossCheckScenarios runs every scenario of the library with both
// engines and requires the same Established sessions and, on every speaker,
// the same best routes (prefix and next hop).
func TestCrossCheckScenarios(t *testing.T) {
	files, err := filepath.Glob("../../../scenarios/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	ran := 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			sc, p := planFile(t, file)
			switch {
			case len(sc.Nodes) > crossCheckMaxNodes:
				t.Skipf("%d nodes; the cross-check runs up to %d", len(sc.Nodes), crossCheckMaxNodes)
			case len(p.Speakers) > 30 && testing.Short():
				t.Skipf("%d speakers: not in -short", len(p.Speakers))
			}
			opts := bgp.Options{Seed: 1, Failures: sc.Failures}
			if _, err := resolveFailures(p, opts); err != nil {
				t.Skipf("failures the gobgp engine does not support: %v", err)
			}
			model := run(t, bgp.NewModel(), p, opts)
			real := run(t, New(), p, opts)
			if !real.Converged {
				t.Errorf("gobgp engine did not converge")
			}
			for _, d := range compare(p, model, real, "model", "gobgp") {
				t.Error(d)
			}
			ran++
		})
	}
	if ran == 0 && !testing.Short() {
		t.Fatal("no scenario was cross-checked")
	}
}
