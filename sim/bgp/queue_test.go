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
			s[i] = event{at: int64(r.IntN(50)) << uint(r.IntN(40)), seq: uint64(i + 1)}
		}
		want := slices.Clone(s)
		slices.SortFunc(want, func(a, b event) int {
			if a.at != b.at {
				if a.at < b.at {
					return -1
				}
				return 1
			}
			return int(a.seq) - int(b.seq)
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
		q.pushUnordered(event{at: r.Int64N(1000), seq: seq})
	}
	q.heapify()
	var last event
	for i := 0; q.Len() > 0; i++ {
		if i%3 == 0 { // events scheduled on the way interleave with the run
			seq++
			q.push(event{at: last.at + r.Int64N(100), seq: seq})
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
