package bgp

import (
	"maps"
	"slices"
)

// denseLimit: with at most this many prefixes in the run, every rib is a
// dense array; above it a rib starts as a map and turns dense when it holds
// more than 1/16 of all prefixes (a reflector client's table does, a ToR
// node's does not).
const denseLimit = 4096

// candTable maps prefix ids to rib entries, as a map while sparse and as an
// array once dense (an entry with no reason, the zero cand, is absent: a
// new dense table needs no initialising pass).
type candTable struct {
	m     map[int32]cand
	d     []cand
	n     int
	total int // prefixes in the run
}

func newCandTable(total int) candTable {
	t := candTable{total: total}
	if total <= denseLimit {
		t.makeDense()
	} else {
		t.m = make(map[int32]cand)
	}
	return t
}

func (t *candTable) makeDense() {
	t.d = make([]cand, t.total)
	for p, c := range t.m {
		t.d[p] = c
	}
	t.m = nil
}

func (t *candTable) get(p int32) (cand, bool) {
	if t.d != nil {
		c := t.d[p]
		return c, c.why != reasonNone
	}
	c, ok := t.m[p]
	return c, ok
}

func (t *candTable) set(p int32, c cand) {
	if t.d != nil {
		if t.d[p].why == reasonNone {
			t.n++
		}
		t.d[p] = c
		return
	}
	if _, ok := t.m[p]; !ok {
		t.n++
	}
	t.m[p] = c
	if t.n > t.total/16 {
		t.makeDense()
	}
}

func (t *candTable) del(p int32) {
	if t.d != nil {
		if t.d[p].why != reasonNone {
			t.n--
			t.d[p] = cand{}
		}
		return
	}
	if _, ok := t.m[p]; ok {
		t.n--
		delete(t.m, p)
	}
}

func (t *candTable) len() int { return t.n }

// keys returns the prefixes held, sorted.
func (t *candTable) keys() []int32 {
	if t.d == nil {
		return slices.Sorted(maps.Keys(t.m))
	}
	out := make([]int32, 0, t.n)
	for p, c := range t.d {
		if c.why != reasonNone {
			out = append(out, int32(p))
		}
	}
	return out
}

func (t *candTable) clone() candTable {
	c := *t
	c.m = maps.Clone(t.m)
	c.d = slices.Clone(t.d)
	return c
}
