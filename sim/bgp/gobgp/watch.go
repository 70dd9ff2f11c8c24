package gobgp

import (
	"context"
	"net/netip"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
)

// tracker follows what GoBGP's watchers report: every session end's state
// and the time of the last change (a peer state change or a best path
// change), from which the engine decides that BGP has gone quiet.
type tracker struct {
	mu          sync.Mutex
	start       time.Time
	last        time.Time                                   // last change
	state       []map[netip.Addr]api.PeerState_SessionState // per speaker: neighbor loopback -> state
	at          []map[netip.Addr]time.Time                  // per speaker: neighbor loopback -> when it changed
	bestChanges int64
}

func newTracker(speakers int, start time.Time) *tracker {
	t := &tracker{start: start, last: start, state: make([]map[netip.Addr]api.PeerState_SessionState, speakers),
		at: make([]map[netip.Addr]time.Time, speakers)}
	for i := range t.state {
		t.state[i] = map[netip.Addr]api.PeerState_SessionState{}
		t.at[i] = map[netip.Addr]time.Time{}
	}
	return t
}

// event is a WatchEvent callback of speaker sp.
func (t *tracker) event(sp int, r *api.WatchEventResponse) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	switch ev := r.Event.(type) {
	case *api.WatchEventResponse_Peer:
		pe := ev.Peer
		if pe == nil || pe.Peer == nil || pe.Peer.State == nil || pe.Type != api.WatchEventResponse_PeerEvent_STATE {
			return
		}
		a, err := netip.ParseAddr(pe.Peer.State.NeighborAddress)
		if err != nil {
			return
		}
		if t.state[sp][a] != pe.Peer.State.SessionState {
			t.state[sp][a] = pe.Peer.State.SessionState
			t.at[sp][a] = now
		}
		t.last = now
	case *api.WatchEventResponse_Table:
		if ev.Table == nil || len(ev.Table.Paths) == 0 {
			return
		}
		t.bestChanges += int64(len(ev.Table.Paths))
		t.last = now
	}
}

// touch records a change made by the engine itself (a failure).
func (t *tracker) touch() {
	t.mu.Lock()
	t.last = time.Now()
	t.mu.Unlock()
}

// established reports whether speaker sp sees its session to neighbor
// loopback address nb Established.
func (t *tracker) established(sp int, nb netip.Addr) bool {
	return t.state[sp][nb] == api.PeerState_ESTABLISHED
}

// settle waits until every session in want is Established at both ends and
// nothing has changed for quiet. It gives up when nothing has changed for
// stall while some session is still down, or after limit in all: a machine
// under load slows everything down but keeps it moving. It reports whether
// BGP went quiet, and the time of the last change.
func (n *network) settle(ctx context.Context, tm timing) (bool, time.Time, error) {
	deadline := time.Now().Add(tm.limit)
	tick := time.NewTicker(tm.quiet / 10)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return false, time.Time{}, ctx.Err()
		case <-tick.C:
		}
		for _, k := range n.sp {
			if k != nil {
				if err := k.loop.crashed(); err != nil {
					return false, time.Time{}, err
				}
			}
		}
		t := n.track
		t.mu.Lock()
		up := true
		for i := range n.p.Sessions {
			if !n.wanted(i) {
				continue
			}
			ses := &n.p.Sessions[i]
			ra, _ := n.addrs.loopOf(ses.B, ses.BAddr)
			rb, _ := n.addrs.loopOf(ses.A, ses.AAddr)
			if !t.established(ses.A, ra) || !t.established(ses.B, rb) {
				up = false
				break
			}
		}
		last := t.last
		t.mu.Unlock()
		now := time.Now()
		switch {
		case up && now.Sub(last) >= tm.quiet:
			return true, last, nil
		case !up && now.Sub(last) >= tm.stall, now.After(deadline):
			return false, last, nil
		}
	}
}
