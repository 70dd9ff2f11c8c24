package selector

import (
	"slices"
	"strings"
)

// MaxDepth is how deeply parentheses may nest. Calico sets no limit; this
// one only keeps absurd input from exhausting the stack.
const MaxDepth = 1000

// Parse compiles a Calico selector. The empty (or blank) selector is all().
// A selector Calico refuses gives a *SyntaxError.
//
// Grammar (|| binds loosest; a run of "!" applies to one operation):
//
//	or   = and { "||" and }
//	and  = op { "&&" op }
//	op   = { "!" } ( "has(" key ")" | "all()" | "global()" | "(" or ")"
//	       | key ( "==" | "!=" | "contains" | "starts with" | "ends with" ) str
//	       | key ( "in" | "not in" ) "{" [ str { "," str } [ "," ] ] "}" )
func Parse(expr string) (*Selector, error) {
	toks, lerr := lex(expr)
	if lerr != nil {
		return nil, lerr
	}
	p := &parser{expr: expr, toks: toks}
	if toks[0].kind == tEOF {
		p.sel.nodes = []node{{op: opAll}}
	} else {
		root, err := p.or(0)
		if err != nil {
			return nil, err
		}
		if t := p.peek(); t.kind != tEOF {
			return nil, p.errAt(t, "unexpected %s, expected \"&&\", \"||\" or end of selector", t)
		}
		p.sel.root = root
	}
	var b strings.Builder
	p.sel.write(&b, p.sel.root)
	p.sel.str = b.String()
	return &p.sel, nil
}

type parser struct {
	expr string
	toks []token
	pos  int
	sel  Selector
}

func (p *parser) peek() token { return p.toks[p.pos] }

// next consumes a token. The final tEOF is never consumed.
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) errAt(t token, format string, args ...any) *SyntaxError {
	return errAt(p.expr, t.off, format, args...)
}

func (p *parser) add(n node) int32 {
	p.sel.nodes = append(p.sel.nodes, n)
	return int32(len(p.sel.nodes) - 1)
}

func (p *parser) or(depth int) (int32, *SyntaxError) {
	return p.list(depth, tOr, opOr, p.and)
}

func (p *parser) and(depth int) (int32, *SyntaxError) {
	return p.list(depth, tAnd, opAnd, p.op)
}

// list parses item { sep item }; two or more items make a node of kind o.
func (p *parser) list(depth int, sep tokKind, o op, item func(int) (int32, *SyntaxError)) (int32, *SyntaxError) {
	first, err := item(depth)
	if err != nil {
		return 0, err
	}
	if p.peek().kind != sep {
		return first, nil
	}
	kids := []int32{first}
	for p.peek().kind == sep {
		p.next()
		k, err := item(depth)
		if err != nil {
			return 0, err
		}
		kids = append(kids, k)
	}
	return p.add(node{op: o, kids: kids}), nil
}

// op parses one operation with its leading "!"s.
func (p *parser) op(depth int) (int32, *SyntaxError) {
	neg := false
	for p.peek().kind == tNot {
		p.next()
		neg = !neg
	}
	t := p.next()
	var i int32
	switch t.kind {
	case tHas:
		i = p.add(node{op: opHas, key: t.text})
	case tAll:
		i = p.add(node{op: opAll})
	case tGlobal:
		p.sel.global = true
		i = p.add(node{op: opGlobal})
	case tLabel:
		var err *SyntaxError
		if i, err = p.comparison(t); err != nil {
			return 0, err
		}
	case tLParen:
		if depth >= MaxDepth {
			return 0, p.errAt(t, "parentheses nested more than %d deep", MaxDepth)
		}
		var err *SyntaxError
		if i, err = p.or(depth + 1); err != nil {
			return 0, err
		}
		if c := p.peek(); c.kind != tRParen {
			return 0, p.errAt(c, `expected ")" to close the "(" at col %d, found %s`,
				errAt(p.expr, t.off, "").Col, c)
		}
		p.next()
	default:
		return 0, p.errAt(t, "expected a label, \"has(\", \"all()\", \"global()\", \"!\" or \"(\", found %s", t)
	}
	if neg {
		// Negating a negation (from "!(!x)") cancels it.
		p.sel.nodes[i].neg = !p.sel.nodes[i].neg
	}
	return i, nil
}

var comparisonOps = [...]op{
	tEq:         opEq,
	tNe:         opNe,
	tContains:   opContains,
	tStartsWith: opStartsWith,
	tEndsWith:   opEndsWith,
	tIn:         opIn,
	tNotIn:      opNotIn,
}

// comparison parses what follows the label key t.
func (p *parser) comparison(key token) (int32, *SyntaxError) {
	o := p.next()
	switch o.kind {
	case tEq, tNe, tContains, tStartsWith, tEndsWith:
		v := p.next()
		if v.kind != tString {
			return 0, p.errAt(v, "expected a quoted string after %s, found %s", o, v)
		}
		return p.add(node{op: comparisonOps[o.kind], key: key.text, val: v.text}), nil
	case tIn, tNotIn:
		set, err := p.set(o)
		if err != nil {
			return 0, err
		}
		return p.add(node{op: comparisonOps[o.kind], key: key.text, set: set}), nil
	}
	return 0, p.errAt(o, "expected %s after label %q, found %s", opAfterLabel, key.text, o)
}

// set parses { "a", "b" } into a sorted list without duplicates. As in
// Calico, the list may be empty and may end with a comma.
func (p *parser) set(o token) ([]string, *SyntaxError) {
	if b := p.next(); b.kind != tLBrace {
		return nil, p.errAt(b, `expected "{" after %s, found %s`, o, b)
	}
	set := []string{}
	for p.peek().kind == tString {
		set = append(set, p.next().text)
		if p.peek().kind != tComma {
			break
		}
		p.next()
	}
	if c := p.next(); c.kind != tRBrace {
		return nil, p.errAt(c, `expected a quoted string or "}" in the set, found %s`, c)
	}
	slices.Sort(set)
	return slices.Compact(set), nil
}

// write appends the canonical form of node i.
func (s *Selector) write(b *strings.Builder, i int32) {
	n := &s.nodes[i]
	if n.neg {
		b.WriteByte('!')
	}
	switch n.op {
	case opAll:
		b.WriteString("all()")
	case opGlobal:
		b.WriteString("global()")
	case opHas:
		b.WriteString("has(")
		b.WriteString(n.key)
		b.WriteByte(')')
	case opEq, opNe, opContains, opStartsWith, opEndsWith:
		b.WriteString(n.key)
		b.WriteString(opText[n.op])
		writeQuoted(b, n.val)
	case opIn, opNotIn:
		b.WriteString(n.key)
		b.WriteString(opText[n.op])
		b.WriteByte('{')
		for j, v := range n.set {
			if j > 0 {
				b.WriteString(", ")
			}
			writeQuoted(b, v)
		}
		b.WriteByte('}')
	case opAnd, opOr:
		b.WriteByte('(')
		for j, k := range n.kids {
			if j > 0 {
				b.WriteString(opText[n.op])
			}
			s.write(b, k)
		}
		b.WriteByte(')')
	}
}

var opText = [...]string{
	opEq:         " == ",
	opNe:         " != ",
	opContains:   " contains ",
	opStartsWith: " starts with ",
	opEndsWith:   " ends with ",
	opIn:         " in ",
	opNotIn:      " not in ",
	opAnd:        " && ",
	opOr:         " || ",
}

// writeQuoted quotes v with double quotes, or single ones when v holds a
// double quote. (A literal never holds both: it could not have been written.)
func writeQuoted(b *strings.Builder, v string) {
	q := byte('"')
	if strings.IndexByte(v, '"') >= 0 {
		q = '\''
	}
	b.WriteByte(q)
	b.WriteString(v)
	b.WriteByte(q)
}
