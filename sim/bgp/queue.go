package bgp

import (
	"cmp"
	"slices"
)

// evKind is what an event does.
type evKind uint8

const (
	evEstablish     evKind = iota // session x reaches Established (gen y)
	evFlush                       // update group x sends what is pending
	evFailure                     // failure x happens
	evHoldExpire                  // session x: a hold timer expires (gen y)
	evConnect                     // session x: a connection attempt (gen y)
	evRestartDetect               // session x: the live end learns the far end restarted (gen y)
	evGRExpire                    // session x: graceful restart time is over (gen y)
	evDeferEnd                    // speaker x: end of the restart's selection deferral (gen y)
)

// event is one thing that happens at a virtual time. Events are ordered by
// (at, seq); seq is the order they were scheduled in, so the order is total
// and the same on every run. The kind rides in the low byte of sk, under
// the sequence number, which keeps an event at 24 bytes (millions of them
// are queued at the start of a large mesh).
type event struct {
	at int64 // virtual nanoseconds
	sk uint64
	x  int32
	y  uint32
}

func mkEvent(at int64, seq uint64, kind evKind, x int32, y uint32) event {
	return event{at: at, sk: seq<<8 | uint64(kind), x: x, y: y}
}

func (e *event) kind() evKind { return evKind(e.sk & 0xff) }

func (a *event) before(b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.sk < b.sk
}

// queue holds the pending events: a sorted run of the events known at the
// start (most of them: every session's first attempt), consumed in order,
// and a binary min-heap, by value, for the events scheduled on the way.
// Sorting the start run once is much cheaper than pushing millions of
// events through the heap.
type queue struct {
	h  []event
	s  []event // the start run, sorted
	si int     // next in s
}

func (q *queue) Len() int { return len(q.h) + len(q.s) - q.si }

func (q *queue) push(e event) {
	q.h = append(q.h, e)
	q.up(len(q.h) - 1)
}

// pushUnordered adds an event to the start run; call heapify before popping.
func (q *queue) pushUnordered(e event) { q.s = append(q.s, e) }

// heapify sorts the start run.
func (q *queue) heapify() { sortRun(q.s[q.si:]) }

// sortRun sorts events by (at, seq). Events are added to the start run in
// seq order, so a stable sort by at is enough: an LSD radix sort over
// at-min, 16 bits a pass, as many passes as the span of times needs.
func sortRun(s []event) {
	if len(s) < 1024 {
		slices.SortFunc(s, func(a, b event) int {
			if a.at != b.at {
				return cmp.Compare(a.at, b.at)
			}
			return cmp.Compare(a.sk, b.sk)
		})
		return
	}
	lo, hi := s[0].at, s[0].at
	for i := range s {
		lo, hi = min(lo, s[i].at), max(hi, s[i].at)
	}
	span := uint64(hi - lo)
	src, dst := s, make([]event, len(s))
	count := make([]int, 1<<16)
	for shift := uint(0); shift < 64 && span>>shift != 0; shift += 16 {
		clear(count)
		for i := range src {
			count[(uint64(src[i].at-lo)>>shift)&0xffff]++
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for i := range src {
			d := (uint64(src[i].at-lo) >> shift) & 0xffff
			dst[count[d]] = src[i]
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
}

// fromRun says whether the next event is the start run's.
func (q *queue) fromRun() bool {
	if q.si >= len(q.s) {
		return false
	}
	return len(q.h) == 0 || q.s[q.si].before(&q.h[0])
}

func (q *queue) peek() *event {
	if q.fromRun() {
		return &q.s[q.si]
	}
	return &q.h[0]
}

func (q *queue) pop() event {
	if q.fromRun() {
		e := q.s[q.si]
		q.si++
		if q.si == len(q.s) {
			q.s, q.si = nil, 0
		}
		return e
	}
	e := q.h[0]
	last := len(q.h) - 1
	q.h[0] = q.h[last]
	q.h = q.h[:last]
	if last > 0 {
		q.down(0)
	}
	return e
}

func (q *queue) up(i int) {
	e := q.h[i]
	for i > 0 {
		p := (i - 1) / 2
		if !e.before(&q.h[p]) {
			break
		}
		q.h[i] = q.h[p]
		i = p
	}
	q.h[i] = e
}

func (q *queue) down(i int) {
	n := len(q.h)
	e := q.h[i]
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && q.h[r].before(&q.h[l]) {
			c = r
		}
		if !q.h[c].before(&e) {
			break
		}
		q.h[i] = q.h[c]
		i = c
	}
	q.h[i] = e
}
