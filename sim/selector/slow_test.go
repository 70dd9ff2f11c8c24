package selector

import (
	"strings"
	"testing"
)

// slowEval is a slow reference: it evaluates a selector straight from its
// tokens, following the structure of Calico's parser (an || list of && lists
// of operations, each preceded by a run of "!"), with sets as maps and no
// compiled tree, so it checks the compiler and the evaluator. ok is false
// when the selector does not parse.
func slowEval(expr string, l Labels) (match, ok bool) {
	toks, err := lex(expr)
	if err != nil {
		return false, false
	}
	if toks[0].kind == tEOF {
		return true, true
	}
	r := slowReader{toks: toks, l: l}
	match, ok = r.or()
	return match, ok && r.toks[0].kind == tEOF
}

type slowReader struct {
	toks []token
	l    Labels
}

func (r *slowReader) take() token {
	t := r.toks[0]
	if len(r.toks) > 1 {
		r.toks = r.toks[1:]
	}
	return t
}

func (r *slowReader) or() (bool, bool) {
	seen := false
	for {
		v, ok := r.and()
		if !ok {
			return false, false
		}
		seen = seen || v
		if r.toks[0].kind != tOr {
			return seen, true
		}
		r.take()
	}
}

func (r *slowReader) and() (bool, bool) {
	every := true
	for {
		v, ok := r.operation()
		if !ok {
			return false, false
		}
		every = every && v
		if r.toks[0].kind != tAnd {
			return every, true
		}
		r.take()
	}
}

func (r *slowReader) operation() (bool, bool) {
	nots := 0
	for r.toks[0].kind == tNot {
		r.take()
		nots++
	}
	v, ok := r.positive()
	if nots%2 == 1 {
		v = !v
	}
	return v, ok
}

func (r *slowReader) positive() (bool, bool) {
	t := r.take()
	switch t.kind {
	case tAll, tGlobal:
		return true, true
	case tHas:
		_, present := r.l.Get(t.text)
		return present, true
	case tLParen:
		v, ok := r.or()
		if !ok || r.take().kind != tRParen {
			return false, false
		}
		return v, true
	case tLabel:
	default:
		return false, false
	}
	val, present := r.l.Get(t.text)
	o := r.take()
	switch o.kind {
	case tIn, tNotIn:
		if r.take().kind != tLBrace {
			return false, false
		}
		set := map[string]bool{}
		for r.toks[0].kind == tString {
			set[r.take().text] = true
			if r.toks[0].kind != tComma {
				break
			}
			r.take()
		}
		if r.take().kind != tRBrace {
			return false, false
		}
		if o.kind == tIn {
			return present && set[val], true
		}
		return !present || !set[val], true
	case tEq, tNe, tContains, tStartsWith, tEndsWith:
	default:
		return false, false
	}
	lit := r.take()
	if lit.kind != tString {
		return false, false
	}
	switch o.kind {
	case tEq:
		return present && val == lit.text, true
	case tNe:
		return !present || val != lit.text, true
	case tContains:
		return present && strings.Contains(val, lit.text), true
	case tStartsWith:
		return present && strings.HasPrefix(val, lit.text), true
	}
	return present && strings.HasSuffix(val, lit.text), true
}

func slowMatch(tb testing.TB, expr string, l Labels) bool {
	tb.Helper()
	v, ok := slowEval(expr, l)
	if !ok {
		tb.Fatalf("slow reference does not parse %q", expr)
	}
	return v
}

func TestSlowReferenceConformance(t *testing.T) {
	c := loadConformance(t)
	for _, tc := range c.Match {
		if got := slowMatch(t, tc.Selector, Map(tc.Labels)); got != tc.Match {
			t.Errorf("slow reference: %q on %v = %v, want %v", tc.Selector, tc.Labels, got, tc.Match)
		}
	}
	for _, expr := range c.ParseErrors {
		if _, ok := slowEval(expr, Map{}); ok {
			t.Errorf("slow reference accepts %q", expr)
		}
	}
}
