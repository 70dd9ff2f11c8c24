package viz

import (
	"bytes"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim"
)

func TestConvergenceChart(t *testing.T) {
	tl := []sim.Event{
		{AtMillis: 100, What: "session-established"},
		{AtMillis: 120, What: "session-established", Detail: "9 in all within 1s, first a~b"},
		{AtMillis: 900, What: "converged"},
		{AtMillis: 10000, What: "failure", Detail: "node/rr-1 down"},
		{AtMillis: 10000, What: "session-down"},
		{AtMillis: 13000, What: "converged"},
	}
	svg, err := ConvergenceChart("aws-two-az: BGP convergence", tl)
	if err != nil {
		t.Fatal(err)
	}
	text := wellFormed(t, svg)
	for _, w := range []string{"aws-two-az: BGP convergence", "established sessions", "failure", "converged", "virtual time (s)"} {
		if !strings.Contains(text, w) {
			t.Errorf("chart lacks %q", w)
		}
	}
	again, _ := ConvergenceChart("aws-two-az: BGP convergence", tl)
	if !bytes.Equal(svg, again) {
		t.Error("chart not deterministic")
	}
	if _, err := ConvergenceChart("empty", nil); err != nil {
		t.Errorf("empty timeline: %v", err)
	}
}

func TestBarChart(t *testing.T) {
	svg, err := BarChart("peers per node", "sessions", []string{"full mesh", "reflectors"},
		Series{"ordinary node", []float64{199, 2}}, Series{"busiest node", []float64{199, 199}})
	if err != nil {
		t.Fatal(err)
	}
	text := wellFormed(t, svg)
	for _, w := range []string{"peers per node", "full mesh", "reflectors", "sessions", "ordinary node", "busiest node"} {
		if !strings.Contains(text, w) {
			t.Errorf("chart lacks %q", w)
		}
	}
	if _, err := BarChart("x", "y", []string{"a"}, Series{"s", nil}); err == nil {
		t.Error("mismatched labels and values accepted")
	}
	if _, err := BarChart("none", "y", nil); err != nil {
		t.Errorf("empty chart: %v", err)
	}
}

func TestInlineSVG(t *testing.T) {
	in := []byte(`<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- title -->
<svg width="1"><!-- node --><g>x</g></svg>`)
	got := string(InlineSVG(in))
	if got != `<svg width="1"><g>x</g></svg>` {
		t.Errorf("InlineSVG = %q", got)
	}
	if InlineSVG([]byte("no svg here")) != nil {
		t.Error("InlineSVG of non-SVG is not nil")
	}
}

func TestEventCount(t *testing.T) {
	for _, tc := range []struct {
		detail string
		want   int
	}{
		{"9 in all within 1s, first worker-3~rr-2", 9},
		{"down node/rr-1", 1},
		{"", 1},
		{"0 in all", 1},
		{"x in all", 1},
	} {
		if got := eventCount(sim.Event{Detail: tc.detail}); got != tc.want {
			t.Errorf("eventCount(%q) = %d, want %d", tc.detail, got, tc.want)
		}
	}
}
