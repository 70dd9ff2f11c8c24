package gobgp

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/topology"
)

// Failures with real speakers happen in wall time, one after another: each
// is applied once BGP is quiet after the one before, so the final state is
// the one the model reaches (the model's timers decide how long the way
// there takes, which the gobgp engine does not measure). Supported:
//
//   - node/NAME or router/NAME down: every session of the speaker is removed
//     at both ends (its peers get a Cease and drop its routes at once, where
//     BIRD would wait for the hold timer; the end state is the same);
//   - node/NAME or router/NAME up: its sessions are added again and it
//     learns every route anew;
//   - session/A~B down and up: the session is removed at both ends, or added
//     again.
//
// A router down that also takes the underlay paths through it away, subnet
// failures and blockBGP change reachability over the underlay, which
// loopback cannot show: they are refused with an error naming the failure.

// failure is a failure resolved against the plan.
type failure struct {
	f       topology.Failure
	speaker int // node or router target: its speaker
	session int // session target
}

// resolveFailures sorts the failures by time (stable), keeps those at or
// before opts.Until when it is set, and resolves their targets; a failure
// the engine cannot apply is an error at the failure's position.
func resolveFailures(p *bgp.Plan, opts bgp.Options) ([]failure, error) {
	list := slices.Clone(opts.Failures)
	slices.SortStableFunc(list, func(a, b topology.Failure) int { return cmp.Compare(a.At, b.At) })
	var out []failure
	for _, f := range list {
		if opts.Until > 0 && f.At > opts.Until {
			continue
		}
		bad := func(format string, args ...any) error {
			return topology.Errorf(f.Pos, "", "gobgp engine: failure %s %s/%s: "+format,
				append([]any{f.Action, f.Target.Kind, f.Target.Name}, args...)...)
		}
		r := failure{f: f, speaker: -1, session: -1}
		if f.Action != topology.FailDown && f.Action != topology.FailUp {
			return nil, bad("%s is not supported by the gobgp engine (use --engine model)", f.Action)
		}
		switch f.Target.Kind {
		case "node":
			r.speaker = speakerNamed(p, bgp.SpeakerNode, f.Target.Name)
			if r.speaker < 0 {
				return nil, bad("no BGP speaker of that name")
			}
		case "router":
			r.speaker = speakerNamed(p, bgp.SpeakerRouter, f.Target.Name)
			if r.speaker < 0 {
				return nil, bad("the router does not speak BGP; its underlay failure is not supported by the gobgp engine (use --engine model)")
			}
			if transit(p, r.speaker) {
				return nil, bad("the router carries sessions between other speakers; taking its underlay down is not supported by the gobgp engine (use --engine model)")
			}
		case "session":
			r.session = sessionNamed(p, f.Target.Name)
			if r.session < 0 {
				return nil, bad("no BGP session of that name")
			}
		default:
			return nil, bad("%s failures are not supported by the gobgp engine (use --engine model)", f.Target.Kind)
		}
		out = append(out, r)
	}
	return out, nil
}

func speakerNamed(p *bgp.Plan, kind bgp.SpeakerKind, name string) int {
	return slices.IndexFunc(p.Speakers, func(s bgp.Speaker) bool { return s.Kind == kind && s.Name == name })
}

// sessionNamed finds session "a~b" by its speakers' names (either order),
// or a~ADDRESS for a session to an address where nothing speaks BGP.
func sessionNamed(p *bgp.Plan, name string) int {
	a, b, ok := strings.Cut(name, "~")
	if !ok {
		return -1
	}
	byName := func(s string) int {
		return slices.IndexFunc(p.Speakers, func(sp bgp.Speaker) bool { return sp.Name == s })
	}
	try := func(a, b string) int {
		x, y := byName(a), byName(b)
		addr, aerr := netip.ParseAddr(b)
		for i := range p.Sessions {
			s := &p.Sessions[i]
			if x < 0 || (s.A != x && s.B != x) {
				continue
			}
			if y >= 0 && s.Other(x) == y {
				return i
			}
			if aerr == nil && s.B < 0 && s.BAddr == addr {
				return i
			}
		}
		return -1
	}
	if i := try(a, b); i >= 0 {
		return i
	}
	return try(b, a)
}

// transit reports whether router speaker sp carries, on the underlay, a
// session it is not an end of: taking it down would change that session's
// path, which the engine cannot show on loopback.
func transit(p *bgp.Plan, sp int) bool {
	g := p.Graph()
	if g == nil {
		return true
	}
	r := p.Speakers[sp].Index
	for i := range p.Sessions {
		s := &p.Sessions[i]
		if s.B < 0 || !s.Reachable || s.A == sp || s.B == sp {
			continue
		}
		for _, e := range [2][2]netip.Addr{{s.AAddr, s.BAddr}, {s.BAddr, s.AAddr}} {
			if path, ok := g.Path(e[0], e[1]); ok && slices.Contains(path.Routers, r) {
				return true
			}
		}
	}
	return false
}

// apply carries out one failure.
func (n *network) apply(ctx context.Context, f failure) error {
	n.track.touch()
	switch {
	case f.speaker >= 0 && f.f.Action == topology.FailDown:
		return n.speakerDown(ctx, f.speaker)
	case f.speaker >= 0:
		return n.speakerUp(ctx, f.speaker)
	case f.f.Action == topology.FailDown:
		if n.adminDown[f.session] {
			return nil
		}
		wasUp := n.wanted(f.session)
		n.adminDown[f.session] = true
		if wasUp {
			return n.deleteSession(ctx, f.session)
		}
		return nil
	default:
		if !n.adminDown[f.session] {
			return nil
		}
		n.adminDown[f.session] = false
		if n.wanted(f.session) {
			return n.addSession(ctx, f.session)
		}
		return nil
	}
}

// speakerDown takes speaker sp off the network: every session it has is
// removed at both ends (a Cease: its peers drop its routes at once), and it
// reports no routes while down. Its server keeps running, idle, so that no
// server is started while routes flow (see newSpeaker).
func (n *network) speakerDown(ctx context.Context, sp int) error {
	if n.down[sp] {
		return nil
	}
	var wanted []int
	for i := range n.p.Sessions {
		if s := &n.p.Sessions[i]; (s.A == sp || s.B == sp) && n.wanted(i) {
			wanted = append(wanted, i)
		}
	}
	n.down[sp] = true
	for _, i := range wanted {
		if err := n.deleteSession(ctx, i); err != nil {
			return err
		}
	}
	return nil
}

// speakerUp brings speaker sp back: its sessions are added again at both
// ends, and it learns every route anew (the sessions were removed, so it
// holds only its own blocks, as a restarted BIRD does).
func (n *network) speakerUp(ctx context.Context, sp int) error {
	if !n.down[sp] {
		return nil
	}
	n.down[sp] = false
	for i := range n.p.Sessions {
		if s := &n.p.Sessions[i]; (s.A == sp || s.B == sp) && n.wanted(i) {
			if err := n.addSession(ctx, i); err != nil {
				return fmt.Errorf("gobgp engine: %s up: %w", n.p.Speakers[sp].Ref(), err)
			}
		}
	}
	return nil
}
