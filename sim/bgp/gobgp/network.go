package gobgp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	api "github.com/osrg/gobgp/v3/api"
)

// network is one run: a server per speaker and the sessions between them.
type network struct {
	p     *layout
	addrs *addrPlan
	sp    []*speaker // per speaker; nil: no server (no AS or no address)
	track *tracker
	// why[i] says why session i is not configured in GoBGP ("" when it
	// is): the plan's reason, or a limit of the engine.
	why       []string
	down      []bool             // per speaker: down by a failure
	adminDown []bool             // per session: down by a failure
	origin    map[planPrefix]int // (plan, prefix) -> originating speaker, made on first use
}

// bgpPort is the port speakers listen on when the process may bind it.
const bgpPort = 179

// startNetwork picks loopback addresses and ports, starts every server and
// adds every session the plan lets establish. Each process starts from its
// own range, 127.B.x.y with B from its process ID, so that runs in two
// processes at once (two test binaries) do not reach each other's speakers;
// a range that another process holds is skipped for the next one.
func startNetwork(ctx context.Context, p *layout, start time.Time) (*network, error) {
	var lastErr error
	first := os.Getpid() % 250
	for try := range 8 {
		base := byte(1 + (first+try)%250)
		n := &network{p: p, addrs: newAddrPlan(p, base), sp: make([]*speaker, len(p.Speakers)),
			track: newTracker(len(p.Speakers), start), down: make([]bool, len(p.Speakers)),
			adminDown: make([]bool, len(p.Sessions))}
		if err := n.addrs.choosePorts(); err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				lastErr = err
				continue
			}
			return nil, err
		}
		n.reasons()
		err := n.startAll(ctx)
		if err == nil {
			return n, nil
		}
		if cerr := n.close(); cerr != nil {
			return nil, errors.Join(err, cerr)
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return nil, err
		}
		lastErr = err
	}
	return nil, fmt.Errorf("gobgp engine: no free loopback range: %w", lastErr)
}

// reasons works out which sessions are configured.
func (n *network) reasons() {
	p := n.p
	n.why = make([]string, len(p.Sessions))
	seen := map[[2]string]int{}
	for i := range p.Sessions {
		s := &p.Sessions[i]
		switch {
		case s.B < 0 || s.Refused != "":
			n.why[i] = s.Refused
			continue
		case !s.Reachable:
			n.why[i] = unreachable(s.Blocked)
			continue
		case !n.addrs.hasSpk[s.A] || !n.addrs.hasSpk[s.B]:
			n.why[i] = "gobgp engine: an end has no AS or no address"
			continue
		}
		// GoBGP knows a neighbor by its address: a second session between
		// the same two addresses cannot be configured.
		la, _ := n.addrs.loopOf(s.A, s.AAddr)
		lb, _ := n.addrs.loopOf(s.B, s.BAddr)
		k := [2]string{la.String(), lb.String()}
		if lb.Less(la) {
			k = [2]string{lb.String(), la.String()}
		}
		if j, dup := seen[k]; dup {
			n.why[i] = "gobgp engine: same addresses as session " + p.SessionName(j)
			continue
		}
		seen[k] = i
	}
}

// unreachable is the model's wording for a session TCP/179 cannot reach.
func unreachable(by string) string {
	if by == "no path" || by == "" {
		return "no underlay path for TCP/179"
	}
	return "TCP/179 blocked by " + by
}

// wanted reports whether session i should be up now.
func (n *network) wanted(i int) bool {
	s := &n.p.Sessions[i]
	return n.why[i] == "" && !n.adminDown[i] && !n.down[s.A] && !n.down[s.B]
}

// startAll starts every server, then adds the sessions: the passive ends
// first, so that no connection reaches a server that does not know its
// peer yet (GoBGP would refuse it, and the active end retry a second or
// two later). Work on different servers runs in parallel: each call is a
// round trip through the server's loop, and there are thousands.
func (n *network) startAll(ctx context.Context) error {
	for sp := range n.p.Speakers {
		if n.addrs.hasSpk[sp] {
			if err := n.newSpeaker(ctx, sp); err != nil {
				return err
			}
		}
	}
	err := n.perSpeaker(func(sp int) error { return n.prepare(ctx, sp) })
	if err != nil {
		return err
	}
	ends := make([][2][]int, len(n.p.Speakers)) // per speaker: sessions it waits on, sessions it opens
	for i := range n.p.Sessions {
		if !n.wanted(i) {
			continue
		}
		s := &n.p.Sessions[i]
		for _, sp := range [2]int{s.A, s.B} {
			k := 1
			if s.Passive == sp {
				k = 0
			}
			ends[sp][k] = append(ends[sp][k], i)
		}
	}
	for k := range 2 {
		err := n.perSpeaker(func(sp int) error {
			for _, i := range ends[sp][k] {
				if err := n.addPeer(ctx, sp, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// perSpeaker runs f for every running server, in parallel, and joins the
// errors in speaker order.
func (n *network) perSpeaker(f func(sp int) error) error {
	errs := make([]error, len(n.sp))
	var wg sync.WaitGroup
	for sp, k := range n.sp {
		if k == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[sp] = f(sp)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// addSession configures session i at both ends, the passive end first.
func (n *network) addSession(ctx context.Context, i int) error {
	s := &n.p.Sessions[i]
	first, second := s.A, s.B
	if s.Passive == s.B {
		first, second = s.B, s.A
	}
	for _, sp := range [2]int{first, second} {
		if err := n.addPeer(ctx, sp, i); err != nil {
			return err
		}
	}
	return nil
}

// addPeer configures speaker sp's end of session i.
func (n *network) addPeer(ctx context.Context, sp, i int) error {
	if err := ctx.Err(); err != nil {
		return err // GoBGP's calls ignore the context
	}
	peer, err := n.peerConf(sp, i)
	if err != nil {
		return err
	}
	if err := n.sp[sp].srv.AddPeer(ctx, &api.AddPeerRequest{Peer: peer}); err != nil {
		return fmt.Errorf("gobgp engine: session %s at %s: %w", n.p.SessionName(i), n.p.Speakers[sp].Ref(), err)
	}
	return nil
}

// deleteSession removes session i at both ends (the ends that are up).
func (n *network) deleteSession(ctx context.Context, i int) error {
	s := &n.p.Sessions[i]
	for _, sp := range [2]int{s.A, s.B} {
		if n.sp[sp] == nil {
			continue
		}
		other, addr := s.B, s.BAddr
		if sp == s.B {
			other, addr = s.A, s.AAddr
		}
		nb, _ := n.addrs.loopOf(other, addr)
		if err := n.sp[sp].srv.DeletePeer(ctx, &api.DeletePeerRequest{Address: nb.String()}); err != nil {
			return fmt.Errorf("gobgp engine: session %s at %s: %w", n.p.SessionName(i), n.p.Speakers[sp].Ref(), err)
		}
	}
	return nil
}

// close stops every server and ends every server loop. It is safe to call
// on a half-started network. The order avoids two flaws of GoBGP v3.37.0:
// StopBgp clears the server's global configuration while the handlers of
// the peers it has just cancelled may still read it (a data race), and a
// handler cancelled in OpenSent or OpenConfirm with a message in flight
// leaves a goroutine behind. So: wait (briefly) until no session is half
// open, delete every peer, wait until each server has freed its peers'
// handlers, and only then StopBgp (which is left with the listeners to
// close), end the watchers and the loops.
func (n *network) close() error {
	n.waitNotOpening(2 * time.Second)
	errs := []error{n.perSpeaker(func(sp int) error {
		k := n.sp[sp]
		var nbs []string
		err := k.srv.ListPeer(context.Background(), &api.ListPeerRequest{}, func(pe *api.Peer) {
			if pe.Conf != nil {
				nbs = append(nbs, pe.Conf.NeighborAddress)
			}
		})
		if err != nil {
			return err
		}
		for _, nb := range nbs {
			if err := k.srv.DeletePeer(context.Background(), &api.DeletePeerRequest{Address: nb}); err != nil {
				return err
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			done, err := k.loop.drained()
			if err != nil || done {
				return err
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("gobgp engine: %s did not free its peers", n.p.Speakers[sp].Ref())
			}
			time.Sleep(2 * time.Millisecond)
		}
	})}
	n.perSpeaker(func(sp int) error {
		k := n.sp[sp]
		if k.watchCancel != nil {
			k.watchCancel()
		}
		return k.srv.StopBgp(context.Background(), &api.StopBgpRequest{})
	})
	if err := waitWatchers(10 * time.Second); err != nil {
		return errors.Join(append(errs, err)...) // ending the loops now could crash the process: leave them
	}
	for _, k := range n.sp {
		if k != nil {
			errs = append(errs, k.loop.end(5*time.Second))
		}
	}
	return errors.Join(errs...)
}

// waitNotOpening waits, at most for limit, until no session end is in
// OpenSent or OpenConfirm.
func (n *network) waitNotOpening(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		t := n.track
		t.mu.Lock()
		opening := false
		for _, m := range t.state {
			for _, st := range m {
				if st == api.PeerState_OPENSENT || st == api.PeerState_OPENCONFIRM {
					opening = true
				}
			}
		}
		t.mu.Unlock()
		if !opening {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// countEstablished counts the sessions Established at both ends now.
func (n *network) countEstablished() int {
	t := n.track
	t.mu.Lock()
	defer t.mu.Unlock()
	c := 0
	for i := range n.p.Sessions {
		if n.why[i] != "" {
			continue
		}
		s := &n.p.Sessions[i]
		ra, _ := n.addrs.loopOf(s.B, s.BAddr)
		rb, _ := n.addrs.loopOf(s.A, s.AAddr)
		if t.established(s.A, ra) && t.established(s.B, rb) {
			c++
		}
	}
	return c
}

// choosePorts decides the listening ports: 179 on every loopback address
// when the process may bind it, else a free port per speaker. It fails with
// EADDRINUSE when another process holds 179 on one of the addresses.
func (a *addrPlan) choosePorts() error {
	a.ports = make([]uint16, len(a.ofSpk))
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	privileged := true
	for e := range a.ends {
		l, err := net.Listen("tcp4", net.JoinHostPort(a.ends[e].loop.String(), "179"))
		if err != nil {
			if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
				privileged = false
				break
			}
			return fmt.Errorf("gobgp engine: listen on %s:179: %w", a.ends[e].loop, err)
		}
		held = append(held, l)
	}
	if privileged {
		for sp := range a.ports {
			a.ports[sp] = bgpPort
		}
		return nil
	}
	a.anyPort = true
	for sp, ends := range a.ofSpk {
		if len(ends) == 0 {
			continue
		}
		port, err := a.freePort(ends, &held)
		if err != nil {
			return err
		}
		a.ports[sp] = port
	}
	return nil
}

// freePort finds a port free on every one of a speaker's loopback
// addresses, holding them until choosePorts returns.
func (a *addrPlan) freePort(ends []int, held *[]net.Listener) (uint16, error) {
	var lastErr error
	for try := 0; try < 10; try++ {
		l, err := net.Listen("tcp4", net.JoinHostPort(a.ends[ends[0]].loop.String(), "0"))
		if err != nil {
			return 0, fmt.Errorf("gobgp engine: listen on %s: %w", a.ends[ends[0]].loop, err)
		}
		port := uint16(l.Addr().(*net.TCPAddr).Port)
		got := []net.Listener{l}
		ok := true
		for _, e := range ends[1:] {
			l2, err := net.Listen("tcp4", net.JoinHostPort(a.ends[e].loop.String(), fmt.Sprint(port)))
			if err != nil {
				lastErr, ok = err, false
				break
			}
			got = append(got, l2)
		}
		if ok {
			*held = append(*held, got...)
			return port, nil
		}
		for _, l := range got {
			l.Close()
		}
	}
	return 0, fmt.Errorf("gobgp engine: no port free on all of a speaker's addresses: %w", lastErr)
}
