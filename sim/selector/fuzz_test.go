package selector

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that it accepts exactly what the
// slow reference accepts, and that an accepted selector round-trips through
// String and matches like the slow reference on label sets built from its
// own keys and literals.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(conformanceFile); err == nil {
		var c conformance
		if err := json.Unmarshal(data, &c); err != nil {
			f.Fatal(err)
		}
		for _, m := range c.Match {
			f.Add(m.Selector)
		}
		for _, e := range c.ParseErrors {
			f.Add(e)
		}
	}
	for _, s := range []string{
		"a in {'b',}", "a notin{}", "a starts   with 'x'", "!(!has(a))",
		"projectcalico.org/namespace == 'x' || global()", "a == '\"' && b != \"'\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := Parse(expr)
		_, slowOK := slowEval(expr, Map{})
		if err != nil {
			if se, ok := err.(*SyntaxError); !ok || se.Col < 1 || se.Col > len([]rune(expr))+1 {
				t.Fatalf("Parse(%q): bad error %#v", expr, err)
			}
			if slowOK && !strings.Contains(err.Error(), "nested more than") {
				t.Fatalf("Parse(%q) refuses (%v) what the slow reference accepts", expr, err)
			}
			return
		}
		if !slowOK {
			t.Fatalf("Parse(%q) accepts what the slow reference refuses", expr)
		}
		canon := s.String()
		s2, err := Parse(canon)
		if err != nil {
			t.Fatalf("Parse(%q) (canonical form of %q): %v", canon, expr, err)
		}
		if s2.String() != canon {
			t.Fatalf("canonical form not stable: %q -> %q -> %q", expr, canon, s2.String())
		}
		for _, l := range labelSets(s) {
			want, _ := slowEval(expr, l)
			if got := s.Matches(l); got != want {
				t.Fatalf("Parse(%q).Matches(%v) = %v, slow reference %v", expr, l, got, want)
			}
			if got := s2.Matches(l); got != want {
				t.Fatalf("Parse(%q).Matches(%v) = %v, want %v (canonical of %q)", canon, l, got, want, expr)
			}
		}
	})
}

// labelSets builds label sets that exercise s: none, every key set to each
// literal in turn and to the literal with text around it, every key
// empty, and half the keys.
func labelSets(s *Selector) []Map {
	keys := s.Keys()
	var lits []string
	for _, n := range s.nodes {
		if n.key != "" {
			lits = append(lits, n.val)
			lits = append(lits, n.set...)
		}
	}
	sets := []Map{{}, {"unrelated": "x"}}
	empty, half := Map{}, Map{}
	for i, k := range keys {
		empty[k] = ""
		if i%2 == 0 {
			half[k] = "v"
		}
	}
	sets = append(sets, empty, half)
	for i, lit := range lits {
		if i >= 8 {
			break
		}
		for _, v := range []string{lit, "x" + lit, lit + "x", "x" + lit + "x"} {
			m := Map{}
			for _, k := range keys {
				m[k] = v
			}
			sets = append(sets, m)
		}
	}
	return sets
}
