package topology

import (
	"fmt"
	"strconv"
	"strings"
)

// A node name may hold numeric ranges, {1..20} or zero-padded {01..20},
// anywhere and more than once (rack-{1..4}-w-{01..20}: 80 names). They are
// counted before anything is expanded, so a 50-million-node range costs
// nothing.

type nameRange struct {
	start, end int // byte offsets of "{...}" in the name
	lo, hi     int
	width      int // zero padding width, 0: none
}

// parseRanges finds the ranges of a name. A "{" that does not open a valid
// range is an error: node names never hold braces.
func parseRanges(name string) ([]nameRange, error) {
	var rs []nameRange
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '}':
			return nil, fmt.Errorf("%q: a \"}\" without \"{\"", name)
		case '{':
		default:
			continue
		}
		j := strings.IndexByte(name[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("%q: a range \"{\" is not closed", name)
		}
		body := name[i+1 : i+j]
		a, b, ok := strings.Cut(body, "..")
		lo, err1 := strconv.Atoi(a)
		hi, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || lo < 0 || hi < 0 || !digits(a) || !digits(b) {
			return nil, fmt.Errorf("%q: {%s} is not a range like {1..20} or {01..20}", name, body)
		}
		if lo > hi {
			return nil, fmt.Errorf("%q: range {%s} ends before it starts", name, body)
		}
		r := nameRange{start: i, end: i + j + 1, lo: lo, hi: hi}
		if (len(a) > 1 && a[0] == '0') || (len(b) > 1 && b[0] == '0') {
			r.width = max(len(a), len(b))
		}
		rs = append(rs, r)
		i += j
	}
	return rs, nil
}

func digits(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// rangeSaturated is where rangeCount stops counting.
const rangeSaturated = int64(1) << 60

// rangeCount is how many names the ranges make, at most rangeSaturated.
func rangeCount(rs []nameRange) int64 {
	n := int64(1)
	for _, r := range rs {
		k := int64(r.hi-r.lo) + 1
		if n > rangeSaturated/k {
			return rangeSaturated
		}
		n *= k
	}
	return n
}

// expandName calls f with every name the ranges make, in order (the first
// range varies slowest).
func expandName(name string, rs []nameRange, f func(string)) {
	if len(rs) == 0 {
		f(name)
		return
	}
	var rec func(prefix string, k int)
	rec = func(prefix string, k int) {
		r := rs[k]
		next := len(name)
		if k+1 < len(rs) {
			next = rs[k+1].start
		}
		tail := name[r.end:next]
		for v := r.lo; v <= r.hi; v++ {
			num := strconv.Itoa(v)
			if len(num) < r.width {
				num = strings.Repeat("0", r.width-len(num)) + num
			}
			s := prefix + num + tail
			if k+1 == len(rs) {
				f(s)
			} else {
				rec(s, k+1)
			}
		}
	}
	rec(name[:rs[0].start], 0)
}
