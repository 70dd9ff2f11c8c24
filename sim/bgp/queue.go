package bgp

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
// and the same on every run.
type event struct {
	at   int64 // virtual nanoseconds
	seq  uint64
	x    int32
	y    uint32
	kind evKind
}

func (a *event) before(b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

// queue is a binary min-heap of events, by value (no interface calls, no
// per-event allocation).
type queue struct {
	h []event
}

func (q *queue) Len() int { return len(q.h) }

func (q *queue) push(e event) {
	q.h = append(q.h, e)
	q.up(len(q.h) - 1)
}

// pushUnordered appends without ordering; call heapify before popping.
func (q *queue) pushUnordered(e event) { q.h = append(q.h, e) }

func (q *queue) heapify() {
	for i := len(q.h)/2 - 1; i >= 0; i-- {
		q.down(i)
	}
}

func (q *queue) peek() *event { return &q.h[0] }

func (q *queue) pop() event {
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
