package selector

import (
	"slices"
	"strings"
)

// op is what a node of the compiled tree tests.
type op uint8

const (
	opAll op = iota
	opGlobal
	opHas
	opEq
	opNe
	opContains
	opStartsWith
	opEndsWith
	opIn
	opNotIn
	opAnd
	opOr
)

// node is one test of the compiled tree. Leaves use key, val (the literal)
// and set (sorted, without duplicates); opAnd and opOr use kids, indices into
// Selector.nodes. neg inverts the result: Calico collapses a run of "!" to
// one negation or none, so a flag is all a node needs.
type node struct {
	op   op
	neg  bool
	key  string
	val  string
	set  []string
	kids []int32
}

// linearSetMax is the largest set searched linearly; bigger ones are
// searched by bisection.
const linearSetMax = 8

// Selector is a compiled Calico selector. It is immutable and safe for
// concurrent use. The zero value and a nil *Selector select everything, as
// all() does.
type Selector struct {
	nodes  []node
	root   int32
	str    string
	global bool
}

// Matches reports whether the labels satisfy the selector. global() matches
// like all() here; see MatchesNamespace for its namespaceSelector meaning.
// It does not allocate.
func (s *Selector) Matches(l Labels) bool {
	if s == nil || len(s.nodes) == 0 {
		return true
	}
	if l == nil {
		l = none{}
	}
	return s.eval(s.root, l, plain)
}

// MatchesNamespace evaluates s as a rule's namespaceSelector is evaluated by
// Calico: against the labels of the entity's namespace, where all() selects
// every namespaced entity and global() every non-namespaced one (host
// endpoints, global network sets). For a non-namespaced entity
// (namespaced == false) ns is ignored and no namespace label is present.
// The empty namespaceSelector has its own meaning in policy (the policy's own
// namespace, or all namespaces) that callers decide before calling this.
func (s *Selector) MatchesNamespace(ns Labels, namespaced bool) bool {
	m := nonNamespaced
	if namespaced {
		m = namespacedEntity
	}
	if !namespaced || ns == nil {
		ns = none{}
	}
	if s == nil || len(s.nodes) == 0 {
		return namespaced
	}
	return s.eval(s.root, ns, m)
}

// mode says what all() and global() mean.
type mode uint8

const (
	plain            mode = iota // both match everything
	namespacedEntity             // all() matches, global() does not
	nonNamespaced                // global() matches, all() does not
)

func (s *Selector) eval(i int32, l Labels, m mode) bool {
	n := &s.nodes[i]
	var r bool
	switch n.op {
	case opAll:
		r = m != nonNamespaced
	case opGlobal:
		r = m != namespacedEntity
	case opHas:
		_, r = l.Get(n.key)
	case opEq:
		v, ok := l.Get(n.key)
		r = ok && v == n.val
	case opNe:
		v, ok := l.Get(n.key)
		r = !ok || v != n.val
	case opContains:
		v, ok := l.Get(n.key)
		r = ok && strings.Contains(v, n.val)
	case opStartsWith:
		v, ok := l.Get(n.key)
		r = ok && strings.HasPrefix(v, n.val)
	case opEndsWith:
		v, ok := l.Get(n.key)
		r = ok && strings.HasSuffix(v, n.val)
	case opIn:
		v, ok := l.Get(n.key)
		r = ok && inSet(n.set, v)
	case opNotIn:
		v, ok := l.Get(n.key)
		r = !ok || !inSet(n.set, v)
	case opAnd:
		r = true
		for _, k := range n.kids {
			if !s.eval(k, l, m) {
				r = false
				break
			}
		}
	case opOr:
		for _, k := range n.kids {
			if s.eval(k, l, m) {
				r = true
				break
			}
		}
	}
	return r != n.neg
}

func inSet(set []string, v string) bool {
	if len(set) <= linearSetMax {
		for _, x := range set {
			if x == v {
				return true
			}
		}
		return false
	}
	_, found := slices.BinarySearch(set, v)
	return found
}

// String returns the canonical form, Calico's: single spaces around
// operators, double quotes unless the literal holds one, sets sorted and
// without duplicates, every && and || group in parentheses, "" as all().
// Parse(s.String()) gives an equal selector.
func (s *Selector) String() string {
	if s == nil || len(s.nodes) == 0 {
		return "all()"
	}
	return s.str
}

// Equal reports whether s and o have the same canonical form.
func (s *Selector) Equal(o *Selector) bool {
	return s.String() == o.String()
}

// IsAll reports whether s is all() (or "", nil, or all() in parentheses):
// syntactically everything, not merely a selector that happens to match all.
func (s *Selector) IsAll() bool {
	if s == nil || len(s.nodes) == 0 {
		return true
	}
	n := &s.nodes[s.root]
	return n.op == opAll && !n.neg
}

// IsGlobal reports whether s is exactly global(), the only form Calico
// accepts global() in (a rule's namespaceSelector).
func (s *Selector) IsGlobal() bool {
	if s == nil || len(s.nodes) == 0 {
		return false
	}
	n := &s.nodes[s.root]
	return n.op == opGlobal && !n.neg
}

// UsesGlobal reports whether global() appears anywhere in s.
func (s *Selector) UsesGlobal() bool {
	return s != nil && s.global
}

// Keys returns the label keys s tests, sorted, without duplicates.
func (s *Selector) Keys() []string {
	if s == nil {
		return nil
	}
	var keys []string
	for i := range s.nodes {
		if s.nodes[i].key != "" {
			keys = append(keys, s.nodes[i].key)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// MarshalText returns the canonical form.
func (s *Selector) MarshalText() ([]byte, error) {
	return []byte(s.String()), nil
}

// UnmarshalText parses text into s.
func (s *Selector) UnmarshalText(text []byte) error {
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*s = *p
	return nil
}
