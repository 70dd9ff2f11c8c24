package gobgp

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/calisim/calisim/sim/bgp"
)

// layout is what a network runs: the speakers, sessions and origins of one
// plan, or of several independent plans side by side (their indices
// shifted), so that a test can run many small scenarios in one network and
// pay GoBGP's connection delay once.
type layout struct {
	Speakers []bgp.Speaker
	Sessions []bgp.Session
	Origins  [][]netip.Prefix
	plans    []*bgp.Plan
	spOff    []int // per plan: its first speaker; one more entry: the total
	sesOff   []int // per plan: its first session; one more entry: the total
	spPlan   []int // per speaker: its plan
}

// layoutOf lays plans side by side.
func layoutOf(plans ...*bgp.Plan) *layout {
	l := &layout{plans: plans}
	for k, p := range plans {
		off := len(l.Speakers)
		l.spOff = append(l.spOff, off)
		l.sesOff = append(l.sesOff, len(l.Sessions))
		l.Speakers = append(l.Speakers, p.Speakers...)
		l.Origins = append(l.Origins, p.Origins...)
		for range p.Speakers {
			l.spPlan = append(l.spPlan, k)
		}
		for _, s := range p.Sessions {
			s.A += off
			if s.B >= 0 {
				s.B += off
			}
			if s.Client >= 0 {
				s.Client += off
			}
			if s.Passive >= 0 {
				s.Passive += off
			}
			l.Sessions = append(l.Sessions, s)
		}
	}
	l.spOff = append(l.spOff, len(l.Speakers))
	l.sesOff = append(l.sesOff, len(l.Sessions))
	return l
}

// SessionName names session i as its plan does.
func (l *layout) SessionName(i int) string {
	k := l.planOfSession(i)
	return l.plans[k].SessionName(i - l.sesOff[k])
}

func (l *layout) planOfSession(i int) int {
	for k := range l.plans {
		if i < l.sesOff[k+1] {
			return k
		}
	}
	return len(l.plans) - 1
}

// split cuts the findings of the whole layout into each plan's, with the
// speaker indices of routes back in the plan's own numbering.
func (l *layout) split(f bgp.Findings) []bgp.Findings {
	out := make([]bgp.Findings, len(l.plans))
	for k := range l.plans {
		lo, hi := l.spOff[k], l.spOff[k+1]
		g := bgp.Findings{
			Sessions:  f.Sessions[l.sesOff[k]:l.sesOff[k+1]],
			Routes:    make([][]bgp.Route, hi-lo),
			Converged: f.Converged, ConvergenceTime: f.ConvergenceTime, SettleTime: f.SettleTime,
			Timeline: f.Timeline,
		}
		if f.Down != nil {
			g.Down = f.Down[lo:hi]
		}
		for sp := lo; sp < hi; sp++ {
			for _, rt := range f.Routes[sp] {
				if rt.From >= 0 {
					rt.From -= lo
				}
				if rt.Origin >= 0 {
					rt.Origin -= lo
				}
				g.Routes[sp-lo] = append(g.Routes[sp-lo], rt)
			}
		}
		out[k] = g
	}
	if len(l.plans) == 1 {
		out[0].Updates = f.Updates
	}
	return out
}

// failures resolves each plan's failures (opts index-aligned with the
// plans) and merges them into one list in the layout's numbering, in time
// order (stable: plan order, then each plan's order). Failures of different
// plans touch different speakers and sessions, so their interleaving does
// not change where each plan ends.
func (l *layout) failures(opts []bgp.Options) ([]failure, error) {
	var all []failure
	for k, p := range l.plans {
		if k >= len(opts) {
			break
		}
		fs, err := resolveFailures(p, opts[k])
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if f.speaker >= 0 {
				f.speaker += l.spOff[k]
			}
			if f.session >= 0 {
				f.session += l.sesOff[k]
			}
			all = append(all, f)
		}
	}
	slices.SortStableFunc(all, func(a, b failure) int { return cmp.Compare(a.f.At, b.f.At) })
	return all, nil
}
