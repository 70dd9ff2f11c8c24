package bgp

import (
	"fmt"
	"net/netip"
	"time"
)

// Result is where a run left BGP. Its RIBs are shared between speakers (see
// rib): Routes builds a speaker's view on demand. A Result is immutable and
// safe for concurrent reads.
type Result struct {
	Sessions []SessionState // index-aligned with Plan.Sessions
	// Converged says nothing was left to happen when the run stopped (at
	// quiet, or at Options.Until).
	Converged bool
	// ConvergenceTime is the virtual time from the last failure (or the
	// start) to the last change; SettleTime is the last change's time.
	ConvergenceTime time.Duration
	SettleTime      time.Duration
	// Updates counts route advertisements and withdrawals sent, one per
	// prefix per session.
	Updates  int64
	Timeline []Event
	// PeakRoutes is, per speaker, the most routes (learned and local) it
	// held at once.
	PeakRoutes []int

	m *model
}

func (m *model) result() *Result {
	r := &Result{Sessions: make([]SessionState, len(m.rt)), Converged: m.q.Len() == 0, Updates: m.updates, m: m}
	for i := range r.Sessions {
		rt := &m.rt[i]
		st := SessionState{State: rt.st.State, Since: rt.st.Since, Reason: m.reason[int32(i)]}
		if st.State == StateConnect && rt.timer >= 0 && rt.timer <= m.now {
			st.State, st.Since = StateOpenSent, time.Duration(rt.timer)
		}
		r.Sessions[i] = st
	}
	r.SettleTime = time.Duration(m.lastActivity)
	if m.lastActivity > m.lastFailure {
		r.ConvergenceTime = time.Duration(m.lastActivity - m.lastFailure)
	}
	r.Timeline = make([]Event, len(m.timeline))
	for i, e := range m.timeline {
		if n := m.tlCount[i]; n > 1 {
			e.Detail = fmt.Sprintf("%d in all within 1s, first %s", n, e.Detail)
		}
		r.Timeline[i] = e
	}
	if r.Converged {
		r.Timeline = append(r.Timeline, Event{At: r.SettleTime, What: "converged",
			Detail: fmt.Sprintf("%s after the last failure or start, %d updates", r.ConvergenceTime, m.updates)})
	}
	r.PeakRoutes = make([]int, len(m.sp))
	for i := range m.sp {
		if m.sp[i].rib != nil {
			m.notePeak(int32(i))
		}
		r.PeakRoutes[i] = m.sp[i].peak
	}
	return r
}

// Plan returns the plan that was run.
func (r *Result) Plan() *Plan { return r.m.p }

// Routes returns the best routes of speaker sp, sorted by prefix: its own
// prefixes (local) and the best learned path of every other. A speaker that
// is down has none. The ASPath and ClusterList slices are shared: callers
// must not modify them.
func (r *Result) Routes(sp int) []Route {
	m := r.m
	if sp < 0 || sp >= len(m.sp) || !m.sp[sp].up {
		return nil
	}
	s := &m.sp[sp]
	var learned []int32
	if s.rib != nil {
		learned = s.rib.prefixes()
	}
	out := make([]Route, 0, len(learned)+len(s.locals))
	i, j := 0, 0
	for i < len(learned) || j < len(s.locals) {
		switch {
		case j < len(s.locals) && (i >= len(learned) || s.locals[j] <= learned[i]):
			if i < len(learned) && learned[i] == s.locals[j] {
				i++ // the local route wins
			}
			out = append(out, m.localRoute(int32(sp), s.locals[j]))
			j++
		default:
			out = append(out, m.learnedRoute(s.rib.bestOf(learned[i]), learned[i]))
			i++
		}
	}
	return out
}

// Route returns speaker sp's best route to exactly prefix pf.
func (r *Result) Route(sp int, pf netip.Prefix) (Route, bool) {
	m := r.m
	if sp < 0 || sp >= len(m.sp) || !m.sp[sp].up {
		return Route{}, false
	}
	p, ok := m.prefixID[pf]
	if !ok {
		return Route{}, false
	}
	return m.routeOf(int32(sp), p)
}

// Lookup returns speaker sp's best route by longest-prefix match on dst.
func (r *Result) Lookup(sp int, dst netip.Addr) (Route, bool) {
	m := r.m
	if sp < 0 || sp >= len(m.sp) || !m.sp[sp].up || !dst.IsValid() {
		return Route{}, false
	}
	for _, l := range m.prefixLens {
		pf, err := dst.Prefix(l)
		if err != nil {
			continue
		}
		if p, ok := m.prefixID[pf]; ok {
			if rt, ok := m.routeOf(int32(sp), p); ok {
				return rt, true
			}
		}
	}
	return Route{}, false
}

// Established returns how many of speaker sp's sessions are Established.
func (r *Result) Established(sp int) int {
	m := r.m
	if sp < 0 || sp >= len(m.sp) {
		return 0
	}
	n := 0
	for _, s := range m.sessionsOf(int32(sp)) {
		if r.Sessions[s].State == StateEstablished {
			n++
		}
	}
	return n
}

// EstablishedSessions counts the Established sessions, each once.
func (r *Result) EstablishedSessions() int {
	n := 0
	for i := range r.Sessions {
		if r.Sessions[i].State == StateEstablished {
			n++
		}
	}
	return n
}

func (m *model) routeOf(x int32, p int32) (Route, bool) {
	s := &m.sp[x]
	if s.isLocal(p) {
		return m.localRoute(x, p), true
	}
	if s.rib == nil {
		return Route{}, false
	}
	c, ok := s.rib.best.get(p)
	if !ok {
		return Route{}, false
	}
	return m.learnedRoute(c, p), true
}

func (m *model) localRoute(x int32, p int32) Route {
	return Route{Prefix: m.prefixes[p], NextHop: m.p.Speakers[x].Addr, Origin: int(x), From: -1,
		LocalPref: 100, Reason: reasonLocal.String()}
}

func (m *model) learnedRoute(c cand, p int32) Route {
	g := &m.groups[c.g]
	a := g.table[p]
	lp := a.localPref
	if g.ebgp() {
		lp = 100
	}
	return Route{Prefix: m.prefixes[p], NextHop: a.nextHop, ASPath: a.asPath, Origin: int(a.origin),
		From: int(g.sender), EBGP: g.ebgp(), LocalPref: lp, OriginatorID: a.originator,
		ClusterList: a.clusters, Reason: c.why.String()}
}
