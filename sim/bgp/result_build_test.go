package bgp

import (
	"reflect"
	"testing"
)

// TestNewResultRoundTrip feeds a model result through NewResult (the path
// another engine takes) and reads the same routes back.
func TestNewResultRoundTrip(t *testing.T) {
	p, r := rrScen(3, 2, "1.0.0.1", "1.0.0.2").run(t, Options{Seed: 3})
	f := Findings{Sessions: r.Sessions, Converged: r.Converged, Updates: r.Updates, Routes: make([][]Route, len(p.Speakers))}
	for x := range p.Speakers {
		f.Routes[x] = r.Routes(x)
	}
	learnedAt := 0
	if f.Routes[2][0].Local() {
		learnedAt = 1
	}
	f.Routes[2][learnedAt].Reason = "something else" // unknown reasons read as ""
	got, err := NewResult(p, f)
	if err != nil {
		t.Fatal(err)
	}
	for x := range p.Speakers {
		want := r.Routes(x)
		have := got.Routes(x)
		if x == 2 {
			if have[learnedAt].Reason != "" {
				t.Errorf("unknown reason reads %q", have[learnedAt].Reason)
			}
			want[learnedAt].Reason = ""
		}
		if !reflect.DeepEqual(have, want) {
			t.Errorf("%s: NewResult routes %+v, want %+v", p.Speakers[x].Name, have, want)
		}
		if got.Established(x) != r.Established(x) {
			t.Errorf("%s: %d established, want %d", p.Speakers[x].Name, got.Established(x), r.Established(x))
		}
	}
}
