package selector

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// conformanceFile holds the cases of Calico's own parser tests; it is read in
// place from the shared folder beside the repository.
const conformanceFile = "../../../shared/conformance/calico-selector-cases.json"

type conformance struct {
	Source string `json:"source"`
	Match  []struct {
		Selector string            `json:"selector"`
		Labels   map[string]string `json:"labels"`
		Match    bool              `json:"match"`
	} `json:"match"`
	ParseErrors []string `json:"parse_errors"`
}

func loadConformance(tb testing.TB) *conformance {
	tb.Helper()
	data, err := os.ReadFile(conformanceFile)
	if errors.Is(err, os.ErrNotExist) {
		tb.Skipf("%s is absent", conformanceFile)
	}
	if err != nil {
		tb.Fatal(err)
	}
	var c conformance
	if err := json.Unmarshal(data, &c); err != nil {
		tb.Fatalf("%s: %v", conformanceFile, err)
	}
	if len(c.Match) == 0 || len(c.ParseErrors) == 0 {
		tb.Fatalf("%s: no cases", conformanceFile)
	}
	return &c
}

func TestConformanceMatch(t *testing.T) {
	c := loadConformance(t)
	for _, tc := range c.Match {
		s, err := Parse(tc.Selector)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.Selector, err)
			continue
		}
		if got := s.Matches(Map(tc.Labels)); got != tc.Match {
			t.Errorf("Parse(%q).Matches(%v) = %v, want %v", tc.Selector, tc.Labels, got, tc.Match)
		}
		// Calico's tests also match after canonicalising.
		s2, err := Parse(s.String())
		if err != nil {
			t.Errorf("Parse(%q) (canonical form of %q): %v", s.String(), tc.Selector, err)
			continue
		}
		if got := s2.Matches(Map(tc.Labels)); got != tc.Match {
			t.Errorf("Parse(%q).Matches(%v) = %v, want %v", s.String(), tc.Labels, got, tc.Match)
		}
	}
	t.Logf("%d match cases from %s", len(c.Match), c.Source)
}

func TestConformanceRefused(t *testing.T) {
	c := loadConformance(t)
	for _, expr := range c.ParseErrors {
		s, err := Parse(expr)
		if err == nil {
			t.Errorf("Parse(%q) = %q, want an error", expr, s)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %T, want *SyntaxError", expr, err)
			continue
		}
		if se.Expr != expr || se.Col < 1 || se.Col > len([]rune(expr))+1 {
			t.Errorf("Parse(%q): %+v: bad Expr or Col", expr, se)
		}
	}
	t.Logf("%d refused selectors from %s", len(c.ParseErrors), c.Source)
}
