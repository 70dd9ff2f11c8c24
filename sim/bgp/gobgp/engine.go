package gobgp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/topology"
)

// Name is the engine's name on the command line (--engine gobgp).
const Name = "gobgp"

// MaxSpeakers bounds a run: every speaker is a BgpServer with its own
// goroutines and sockets, every session two TCP ends.
const MaxSpeakers = 200

// New returns the gobgp engine.
func New() bgp.Engine { return engine{} }

type engine struct{}

func (engine) Name() string { return Name }

// runMu serialises runs in a process. GoBGP keeps its route selection
// options in package variables that every StartBgp writes and every best
// path selection reads, and the engine recognises GoBGP's watcher
// goroutines by their stacks when it shuts down: two runs at once would
// race on the first and confuse the second.
var runMu sync.Mutex

// Run brings the plan up with real GoBGP speakers on loopback, waits until
// BGP is quiet, applies the failures it supports one by one (each followed
// by quiet again), and reads every session's state and every speaker's best
// routes. Options.Seed does not matter (GoBGP is not seeded); Options.Until,
// when set, keeps only the failures at or before it. Every server, socket
// and goroutine is gone when Run returns.
func (engine) Run(ctx context.Context, p *bgp.Plan, opts bgp.Options) (res *bgp.Result, err error) {
	if p == nil {
		return nil, errors.New("gobgp engine: no plan")
	}
	if n := len(p.Speakers); n > MaxSpeakers {
		return nil, fmt.Errorf("gobgp engine: %d BGP speakers; at most %d (use --engine model)", n, MaxSpeakers)
	}
	if err := supported(p); err != nil {
		return nil, err
	}
	fails, err := resolveFailures(p, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	found, err := runLayout(ctx, layoutOf(p), fails)
	if err != nil {
		return nil, err
	}
	return bgp.NewResult(p, found[0])
}

// runLayout runs a layout (one plan, or several side by side) to quiet,
// applies the failures (indices in the layout's numbering) one by one, and
// returns each plan's findings.
func runLayout(ctx context.Context, lay *layout, fails []failure) (found []bgp.Findings, err error) {
	runMu.Lock()
	defer runMu.Unlock()

	start := time.Now()
	n, err := startNetwork(ctx, lay, start)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := n.close(); cerr != nil && err == nil {
			found, err = nil, cerr
		}
	}()
	tm := timingFor(len(lay.Speakers))
	converged, last, err := n.settle(ctx, tm)
	if err != nil {
		return nil, err
	}
	established := last
	lastFailure := start
	var timeline []bgp.Event
	timeline = append(timeline, bgp.Event{At: established.Sub(start), What: "sessions-up",
		Detail: fmt.Sprintf("%d of %d sessions Established (wall time)", n.countEstablished(), len(lay.Sessions))})
	for _, f := range fails {
		if err := n.apply(ctx, f); err != nil {
			return nil, err
		}
		lastFailure = time.Now()
		timeline = append(timeline, bgp.Event{At: lastFailure.Sub(start), What: "failure",
			Detail: fmt.Sprintf("%s %s/%s", f.f.Action, f.f.Target.Kind, f.f.Target.Name)})
		ok, l, err := n.settle(ctx, tm)
		if err != nil {
			return nil, err
		}
		converged = converged && ok
		last = l
	}
	all, err := n.read(ctx)
	if err != nil {
		return nil, err
	}
	all.Converged = converged
	all.SettleTime = last.Sub(start)
	if last.After(lastFailure) {
		all.ConvergenceTime = last.Sub(lastFailure)
	}
	if converged {
		timeline = append(timeline, bgp.Event{At: all.SettleTime, What: "converged",
			Detail: fmt.Sprintf("%s after the last failure or start (wall time), %d UPDATE messages", all.ConvergenceTime.Round(time.Millisecond), all.Updates)})
	}
	all.Timeline = timeline
	return lay.split(all), nil
}

// timing bounds the waits of a run of a given size.
type timing struct {
	quiet time.Duration // no change for this long, every session up: settled
	stall time.Duration // no change for this long, a session down: give up
	limit time.Duration // one settling never takes longer
}

// timingFor scales the waits with the number of speakers: a 100-speaker
// mesh settles after 1 s of quiet, gives up after 20 s without change.
func timingFor(speakers int) timing {
	s := time.Duration(speakers)
	return timing{
		quiet: 500*time.Millisecond + s*5*time.Millisecond,
		stall: 10*time.Second + s*100*time.Millisecond,
		limit: 60*time.Second + s*time.Second,
	}
}

// supported refuses what the engine cannot configure in GoBGP faithfully.
func supported(p *bgp.Plan) error {
	for i := range p.Sessions {
		s := &p.Sessions[i]
		if s.EBGP && (s.KeepNextHop[0] || s.KeepNextHop[1]) && s.CanEstablish() {
			return topology.Errorf(s.Source, "", "gobgp engine: keepOriginalNextHop on session %s is not supported (use --engine model)", p.SessionName(i))
		}
	}
	return nil
}
