package gobgp

import (
	"context"
	"net/netip"
	"slices"
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
	var nextCheck time.Time
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
		if up && now.Sub(last) >= tm.quiet && !now.Before(nextCheck) {
			ok, err := n.consistent(ctx)
			if err != nil {
				return false, last, err
			}
			if ok {
				return true, last, nil
			}
			// Quiet, but an UPDATE is still on its way (a loaded machine
			// can hold one back longer than the quiet interval): look again.
			nextCheck = now.Add(tm.quiet)
		}
		switch {
		case !up && now.Sub(last) >= tm.stall, now.After(deadline):
			return false, last, nil
		}
	}
}

// consistent reports whether every session end holds what the other end
// advertises to it: each prefix in the sender's Adj-RIB-Out toward the
// receiver is in the receiver's Adj-RIB-In from the sender, with the same
// next hop. Quiet alone is a matter of timing (a loaded machine can hold an
// UPDATE back longer than the quiet interval); this is a matter of state.
// The receiver may hold more: GoBGP v3.37.0 does not withdraw a reflected
// route from a non-client when its best path moves to another non-client.
func (n *network) consistent(ctx context.Context) (bool, error) {
	type key struct {
		sp int
		nb netip.Addr
	}
	type ribs struct{ out, in map[netip.Prefix][]string }
	want := make([][]netip.Addr, len(n.sp)) // per speaker: neighbors of wanted sessions
	for i := range n.p.Sessions {
		if !n.wanted(i) {
			continue
		}
		s := &n.p.Sessions[i]
		ra, _ := n.addrs.loopOf(s.B, s.BAddr)
		rb, _ := n.addrs.loopOf(s.A, s.AAddr)
		want[s.A] = append(want[s.A], ra)
		want[s.B] = append(want[s.B], rb)
	}
	got := make([]map[netip.Addr]ribs, len(n.sp))
	err := n.perSpeaker(func(sp int) error {
		got[sp] = map[netip.Addr]ribs{}
		for _, nb := range want[sp] {
			var r ribs
			var err error
			if r.out, err = n.adjRib(ctx, sp, nb, api.TableType_ADJ_OUT); err != nil {
				return err
			}
			if r.in, err = n.adjRib(ctx, sp, nb, api.TableType_ADJ_IN); err != nil {
				return err
			}
			got[sp][nb] = r
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	for i := range n.p.Sessions {
		if !n.wanted(i) {
			continue
		}
		s := &n.p.Sessions[i]
		ra, _ := n.addrs.loopOf(s.B, s.BAddr)
		rb, _ := n.addrs.loopOf(s.A, s.AAddr)
		for _, e := range [2]struct {
			from, to key
		}{{key{s.A, ra}, key{s.B, rb}}, {key{s.B, rb}, key{s.A, ra}}} {
			out := got[e.from.sp][e.from.nb].out
			in := got[e.to.sp][e.to.nb].in
			for pf, nhs := range out {
				for _, nh := range nhs {
					if !slices.Contains(in[pf], nh) {
						return false, nil
					}
				}
			}
		}
	}
	return true, nil
}

// adjRib lists speaker sp's Adj-RIB-In or -Out for neighbor nb: the next
// hops per prefix.
func (n *network) adjRib(ctx context.Context, sp int, nb netip.Addr, table api.TableType) (map[netip.Prefix][]string, error) {
	m := map[netip.Prefix][]string{}
	var ferr error
	err := n.sp[sp].srv.ListPath(ctx, &api.ListPathRequest{TableType: table, Name: nb.String(), Family: ipv4Unicast},
		func(d *api.Destination) {
			pf, err := netip.ParsePrefix(d.Prefix)
			if err != nil {
				ferr = err
				return
			}
			for _, p := range d.Paths {
				if p.IsWithdraw {
					continue
				}
				m[pf] = append(m[pf], nextHopOf(p))
			}
		})
	if err == nil {
		err = ferr
	}
	return m, err
}

// nextHopOf is a path's NEXT_HOP attribute as GoBGP prints it ("" if none).
func nextHopOf(p *api.Path) string {
	for _, a := range p.Pattrs {
		var nh api.NextHopAttribute
		if a.MessageIs(&nh) && a.UnmarshalTo(&nh) == nil {
			return nh.NextHop
		}
	}
	return ""
}
