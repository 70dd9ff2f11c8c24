package selector

import (
	"fmt"
	"slices"
	"testing"
)

func mustParse(tb testing.TB, expr string) *Selector {
	tb.Helper()
	s, err := Parse(expr)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", expr, err)
	}
	return s
}

func TestMatches(t *testing.T) {
	node := Map{
		"kubernetes.io/hostname":      "worker-a-1",
		"kubernetes.io/os":            "linux",
		"rack":                        "a",
		"topology.kubernetes.io/zone": "eu-west-1a",
		"empty":                       "",
	}
	bigSet := "rack in {"
	for i := range 20 {
		bigSet += fmt.Sprintf("'r%02d', ", i)
	}
	tests := []struct {
		expr string
		want bool
	}{
		{"", true},
		{"all()", true},
		{"global()", true},
		{"!all()", false},
		{"!global()", false},
		{"rack == 'a'", true},
		{"rack == 'b'", false},
		{"rack != 'b'", true},
		{"missing != 'b'", true},
		{"missing not in {'b'}", true},
		{"missing in {'b'}", false},
		{"!missing == 'b'", true},
		{"kubernetes.io/hostname == 'worker-a-1'", true},
		{"kubernetes.io/hostname starts with 'worker-a'", true},
		{"kubernetes.io/hostname ends with '-1'", true},
		{"kubernetes.io/hostname contains 'er-a'", true},
		{"kubernetes.io/hostname contains ''", true},
		{"missing contains ''", false},
		{"has(empty)", true},
		{"empty == ''", true},
		{"empty != ''", false},
		{"empty starts with ''", true},
		{"topology.kubernetes.io/zone in {'eu-west-1a', 'eu-west-1b'}", true},
		{"topology.kubernetes.io/zone not in {'eu-west-1a', 'eu-west-1b'}", false},
		{"rack in {}", false},
		{"rack not in {}", true},
		{bigSet + "'a'}", true},
		{bigSet + "'b'}", false},
		{bigSet + "'r07'} && rack == 'a'", false},
		{"rack not in {'r00', 'r01', 'r02', 'r03', 'r04', 'r05', 'r06', 'r07', 'r08', 'r09', 'z'}", true},
		{"rack == 'a' && kubernetes.io/os == 'linux'", true},
		{"rack == 'b' || kubernetes.io/os == 'linux'", true},
		{"rack == 'b' || kubernetes.io/os == 'windows'", false},
		{"!(rack == 'b' || kubernetes.io/os == 'windows')", true},
		{"!(rack == 'a' && has(missing))", true},
		{"rack == 'a' && (has(missing) || has(empty))", true},
		{"rack == 'a' && has(missing) || has(empty)", true},
		{"has(missing) && rack == 'a' || rack == 'x'", false},
		{"!!(rack == 'a')", true},
		{"!(!(!(rack == 'a')))", false},
		{"all() && !has(rack)", false},
		{"global() || has(missing)", true},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			s := mustParse(t, tc.expr)
			if got := s.Matches(node); got != tc.want {
				t.Errorf("Parse(%q).Matches = %v, want %v", tc.expr, got, tc.want)
			}
			if got := mustParse(t, s.String()).Matches(node); got != tc.want {
				t.Errorf("Parse(%q).Matches = %v, want %v", s.String(), got, tc.want)
			}
			if got := slowMatch(t, tc.expr, node); got != tc.want {
				t.Errorf("slow reference: %q gives %v, want %v", tc.expr, got, tc.want)
			}
		})
	}
}

func TestNilAndZero(t *testing.T) {
	var nilSel *Selector
	var zero Selector
	for name, s := range map[string]*Selector{"nil": nilSel, "zero": &zero} {
		if !s.Matches(Map{"a": "b"}) || !s.Matches(nil) {
			t.Errorf("%s selector does not match everything", name)
		}
		if !s.IsAll() || s.IsGlobal() || s.UsesGlobal() || s.String() != "all()" {
			t.Errorf("%s selector: IsAll %v IsGlobal %v UsesGlobal %v String %q", name, s.IsAll(), s.IsGlobal(), s.UsesGlobal(), s.String())
		}
	}
	if !mustParse(t, "has(a) || !has(a)").Matches(nil) {
		t.Error("nil Labels: !has(a) should match")
	}
}

func TestPredicates(t *testing.T) {
	tests := []struct {
		expr                        string
		isAll, isGlobal, usesGlobal bool
		keys                        []string
	}{
		{"", true, false, false, nil},
		{" ( all() ) ", true, false, false, nil},
		{"!!all()", true, false, false, nil},
		{"!all()", false, false, false, nil},
		{"all() || has(a)", false, false, false, []string{"a"}},
		{"global()", false, true, true, nil},
		{"(global())", false, true, true, nil},
		{"!global()", false, false, true, nil},
		{"global() && b == 'x'", false, false, true, []string{"b"}},
		{"b == 'x' && a in {'y'} || has(b) && c starts with 'z'", false, false, false, []string{"a", "b", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			s := mustParse(t, tc.expr)
			if s.IsAll() != tc.isAll || s.IsGlobal() != tc.isGlobal || s.UsesGlobal() != tc.usesGlobal {
				t.Errorf("IsAll %v IsGlobal %v UsesGlobal %v, want %v %v %v",
					s.IsAll(), s.IsGlobal(), s.UsesGlobal(), tc.isAll, tc.isGlobal, tc.usesGlobal)
			}
			if got := s.Keys(); !slices.Equal(got, tc.keys) {
				t.Errorf("Keys = %q, want %q", got, tc.keys)
			}
		})
	}
}

// TestMatchesNamespace follows Calico's rule translation: in a
// namespaceSelector all() becomes has(projectcalico.org/namespace) and
// global() becomes !has(projectcalico.org/namespace), and the other terms
// read the namespace's labels, which a non-namespaced entity does not have.
func TestMatchesNamespace(t *testing.T) {
	prod := Map{"env": "prod", "kubernetes.io/metadata.name": "shop"}
	tests := []struct {
		expr             string
		inProd, inGlobal bool
	}{
		{"all()", true, false},
		{"", true, false},
		{"global()", false, true},
		{"!global()", true, false},
		{"!all()", false, true},
		{"env == 'prod'", true, false},
		{"env != 'prod'", false, true},
		{"env != 'dev'", true, true},
		{"env not in {'dev'}", true, true},
		{"has(env)", true, false},
		{"!has(env)", false, true},
		{"global() || env == 'prod'", true, true},
		{"all() && env == 'dev'", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			s := mustParse(t, tc.expr)
			if got := s.MatchesNamespace(prod, true); got != tc.inProd {
				t.Errorf("namespaced entity in prod: %v, want %v", got, tc.inProd)
			}
			if got := s.MatchesNamespace(prod, false); got != tc.inGlobal {
				t.Errorf("non-namespaced entity: %v, want %v", got, tc.inGlobal)
			}
			if got := s.MatchesNamespace(nil, false); got != tc.inGlobal {
				t.Errorf("non-namespaced entity, nil labels: %v, want %v", got, tc.inGlobal)
			}
		})
	}
	var nilSel *Selector
	if !nilSel.MatchesNamespace(prod, true) || nilSel.MatchesNamespace(nil, false) {
		t.Error("nil selector should be all(): namespaced entities only")
	}
}

func TestMatchesDoesNotAllocate(t *testing.T) {
	labels := Map{"app": "web", "tier": "front", "env": "prod", "kubernetes.io/hostname": "n1"}
	merged := Merged{labels, Map{"projectcalico.org/namespace": "shop"}}
	exprs := []string{
		"",
		"app == 'web'",
		"app == 'web' && tier in {'front', 'back'} && !has(x) || env not in {'dev'}",
		"kubernetes.io/hostname starts with 'n' && app contains 'e' && env ends with 'd'",
		"tier in {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'front'}",
		"projectcalico.org/namespace == 'shop' && global()",
	}
	for _, expr := range exprs {
		s := mustParse(t, expr)
		for name, l := range map[string]Labels{"map": labels, "merged": merged} {
			if n := testing.AllocsPerRun(100, func() { s.Matches(l) }); n != 0 {
				t.Errorf("Parse(%q).Matches(%s) allocates %v times", expr, name, n)
			}
			if n := testing.AllocsPerRun(100, func() { s.MatchesNamespace(l, true) }); n != 0 {
				t.Errorf("Parse(%q).MatchesNamespace(%s) allocates %v times", expr, name, n)
			}
		}
	}
}

func TestConcurrentMatches(t *testing.T) {
	s := mustParse(t, "app == 'web' && tier in {'front', 'back'} || !has(x)")
	labels := []Map{{"app": "web", "tier": "front", "x": ""}, {"app": "db", "x": ""}, {}}
	want := []bool{true, false, true}
	done := make(chan bool)
	for range 4 {
		go func() {
			ok := true
			for range 1000 {
				for i, l := range labels {
					ok = ok && s.Matches(l) == want[i]
				}
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("concurrent Matches gave a wrong answer")
		}
	}
}
