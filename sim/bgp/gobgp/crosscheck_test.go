package gobgp

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/topology"
)

// crossCheckMaxNodes bounds the scenarios the cross-check runs: the gobgp
// engine is the model's reference up to about 100 nodes.
const crossCheckMaxNodes = 100

// batchSpeakers bounds a batch of scenarios run side by side in one
// network (see layout).
const batchSpeakers = 150

type crossCase struct {
	name string
	sc   *topology.Scenario
	p    *bgp.Plan
}

// TestCrossCheckScenarios runs every scenario of the library with both
// engines and requires the same Established sessions and, on every speaker,
// the same best routes (prefix and next hop). Scenarios without failures
// run in batches, side by side in one network of GoBGP speakers, so that
// GoBGP's one to two seconds of connection delay is paid once per batch;
// those with failures run alone. -short leaves out plans of more than 30
// speakers.
func TestCrossCheckScenarios(t *testing.T) {
	files, err := filepath.Glob("../../../scenarios/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	var plain, failing []crossCase
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		sc, p := planFile(t, file)
		switch {
		case len(sc.Nodes) > crossCheckMaxNodes:
			t.Logf("%s: %d nodes; the cross-check runs up to %d", name, len(sc.Nodes), crossCheckMaxNodes)
			continue
		case len(p.Speakers) > 30 && testing.Short():
			t.Logf("%s: %d speakers, not in -short", name, len(p.Speakers))
			continue
		}
		c := crossCase{name, sc, p}
		if len(sc.Failures) > 0 {
			failing = append(failing, c)
		} else {
			plain = append(plain, c)
		}
	}
	for len(plain) > 0 {
		n, size := 0, 0
		for n < len(plain) && (n == 0 || size+len(plain[n].p.Speakers) <= batchSpeakers) {
			size += len(plain[n].p.Speakers)
			n++
		}
		crossCheckBatch(t, plain[:n])
		plain = plain[n:]
	}
	var supported []crossCase
	for _, c := range failing {
		if _, err := resolveFailures(c.p, bgp.Options{Failures: c.sc.Failures}); err != nil {
			t.Logf("%s: failures the gobgp engine does not support: %v", c.name, err)
			continue
		}
		supported = append(supported, c)
	}
	if len(supported) > 0 {
		crossCheckBatch(t, supported)
	}
}

// crossCheckBatch runs the cases side by side with GoBGP, each with its
// scenario's failures, and compares each with the model.
func crossCheckBatch(t *testing.T, cases []crossCase) {
	plans := make([]*bgp.Plan, len(cases))
	opts := make([]bgp.Options, len(cases))
	for i, c := range cases {
		plans[i] = c.p
		opts[i] = bgp.Options{Seed: 1, Failures: c.sc.Failures}
	}
	lay := layoutOf(plans...)
	fails, err := lay.failures(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	found, err := runLayout(ctx, lay, fails)
	if err != nil {
		t.Fatalf("gobgp engine, batch of %d scenarios from %s: %v", len(cases), cases[0].name, err)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			real, err := bgp.NewResult(c.p, found[i])
			if err != nil {
				t.Fatal(err)
			}
			crossCompare(t, c.p, run(t, bgp.NewModel(), c.p, opts[i]), real)
		})
	}
}

func crossCompare(t *testing.T, p *bgp.Plan, model, real *bgp.Result) {
	t.Helper()
	if !real.Converged {
		t.Errorf("gobgp engine did not converge")
	}
	for _, d := range compare(p, model, real, "model", "gobgp") {
		t.Error(d)
	}
}
