package bgp

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortRun(t *testing.T) {
	for _, n := range []int{0, 1, 10, 1023, 1024, 5000, 70000} {
		r := rand.New(rand.NewPCG(uint64(n), 1))
		s := make([]event, n)
		for i := range s {
			// Few distinct times, so ties (broken by seq) are common; a
			// wide span, so several radix passes run.
			s[i] = mkEvent(int64(r.IntN(50))<<uint(r.IntN(40)), uint64(i+1), evKind(i%8), 0, 0)
		}
		want := slices.Clone(s)
		slices.SortFunc(want, func(a, b event) int {
			if a.at != b.at {
				if a.at < b.at {
					return -1
				}
				return 1
			}
			return int(a.sk>>8) - int(b.sk>>8)
		})
		sortRun(s)
		if !slices.Equal(s, want) {
			t.Errorf("n=%d: radix order differs from the reference sort", n)
		}
	}
}

func TestQueueOrder(t *testing.T) {
	var q queue
	r := rand.New(rand.NewPCG(1, 2))
	var seq uint64
	for range 3000 {
		seq++
		q.pushUnordered(mkEvent(r.Int64N(1000), seq, evFlush, 0, 0))
	}
	q.heapify()
	var last event
	for i := 0; q.Len() > 0; i++ {
		if i%3 == 0 { // events scheduled on the way interleave with the run
			seq++
			q.push(mkEvent(last.at+r.Int64N(100), seq, evConnect, 0, 0))
		}
		e := q.pop()
		if e.before(&last) {
			t.Fatalf("event %+v popped after %+v", e, last)
		}
		last = e
		if i > 10000 {
			break
		}
	}
}
