package bgp

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Findings is what an engine other than the model found at the end of a
// run, for NewResult.
type Findings struct {
	// Sessions is index-aligned with Plan.Sessions.
	Sessions []SessionState
	// Down marks the speakers that are down at the end (they hold no
	// routes); nil: every speaker is up.
	Down []bool
	// Routes are each speaker's best routes, index-aligned with
	// Plan.Speakers. A route with From < 0 is the speaker's own (it must be
	// one of the plan's origins of that speaker); the others are learned.
	Routes [][]Route
	// Converged, ConvergenceTime, SettleTime, Updates and Timeline mean
	// what they mean in Result; an engine in wall time reports wall time.
	Converged       bool
	ConvergenceTime time.Duration
	SettleTime      time.Duration
	Updates         int64
	Timeline        []Event
}

// NewResult builds a Result from another engine's findings, so that every
// reader of a Result (Routes, Route, Lookup, Established) works the same
// whichever engine ran. The learned routes are stored as the model stores
// them: one update group per sender and receiver, whose table holds the
// routes as received, in a private rib of the receiver. PeakRoutes is the
// number of routes each speaker holds at the end (an engine that does not
// watch its RIBs grow knows no more). The route's Reason is kept only for
// the reasons the model knows by name; others read as "".
func NewResult(p *Plan, f Findings) (*Result, error) {
	if p == nil {
		return nil, fmt.Errorf("bgp: no plan")
	}
	if len(f.Sessions) != len(p.Sessions) {
		return nil, fmt.Errorf("bgp: %d session states for %d sessions", len(f.Sessions), len(p.Sessions))
	}
	if len(f.Routes) > len(p.Speakers) || (f.Down != nil && len(f.Down) != len(p.Speakers)) {
		return nil, fmt.Errorf("bgp: findings for %d speakers, the plan has %d", max(len(f.Routes), len(f.Down)), len(p.Speakers))
	}
	m := &model{p: p, prefixID: make(map[netip.Prefix]int32), ribMemo: make(map[uint64][]*rib)}
	m.initPrefixes()
	m.initSpeakers()
	m.initSessions()

	type key struct{ recv, sender int32 }
	groupOf := make(map[key]int32)
	learned := make([][]int32, len(p.Speakers)) // per speaker: its learned routes' prefixes
	learnedG := make([][]int32, len(p.Speakers))
	learnedWhy := make([][]reason, len(p.Speakers))
	for x := range f.Routes {
		if f.Down != nil && f.Down[x] {
			m.sp[x].up = false
			continue
		}
		for i := range f.Routes[x] {
			rt := &f.Routes[x][i]
			pid, ok := m.prefixID[rt.Prefix]
			if !ok {
				return nil, fmt.Errorf("bgp: speaker %s has a route to %s, which no speaker originates", p.Speakers[x].Name, rt.Prefix)
			}
			if rt.From < 0 {
				if !m.sp[x].isLocal(pid) {
					return nil, fmt.Errorf("bgp: speaker %s originates %s, which the plan does not give it", p.Speakers[x].Name, rt.Prefix)
				}
				continue
			}
			if rt.From >= len(p.Speakers) || rt.Origin < 0 || rt.Origin >= len(p.Speakers) {
				return nil, fmt.Errorf("bgp: speaker %s: route to %s from speaker %d, origin %d: no such speaker", p.Speakers[x].Name, rt.Prefix, rt.From, rt.Origin)
			}
			k := key{int32(x), int32(rt.From)}
			g, ok := groupOf[k]
			if !ok {
				kind := groupIBGP
				if rt.EBGP {
					kind = groupEBGP
				}
				g = int32(len(m.groups))
				m.groups = append(m.groups, newGroup(int32(rt.From), kind, false, p.Speakers[rt.From].Addr))
				groupOf[k] = g
			}
			a := &adv{nextHop: rt.NextHop, asPath: rt.ASPath, localPref: rt.LocalPref, originator: rt.OriginatorID,
				clusters: rt.ClusterList, origin: int32(rt.Origin), from: int32(rt.From)}
			m.groups[g].set(pid, a)
			m.prefixGroups[pid] = append(m.prefixGroups[pid], g)
			learned[x] = append(learned[x], pid)
			learnedG[x] = append(learnedG[x], g)
			learnedWhy[x] = append(learnedWhy[x], reasonNamed(rt.Reason))
		}
	}
	for gi := range m.groups {
		m.groups[gi].rebuildKeys()
	}
	r := &Result{Sessions: slices.Clone(f.Sessions), Converged: f.Converged, ConvergenceTime: f.ConvergenceTime,
		SettleTime: f.SettleTime, Updates: f.Updates, Timeline: f.Timeline, m: m}
	r.PeakRoutes = make([]int, len(p.Speakers))
	for x := range m.sp {
		sp := &m.sp[x]
		if !sp.up {
			continue
		}
		if len(learned[x]) > 0 {
			o := m.newRIB(int32(x), p.Speakers[x].AS, p.Speakers[x].ClusterID)
			o.refs = 1
			for i, pid := range learned[x] {
				if sp.isLocal(pid) {
					continue // the local route wins
				}
				o.best.set(pid, cand{g: learnedG[x][i], g2: -1, why: learnedWhy[x][i]})
				m.groups[learnedG[x][i]].addObj(o)
				o.setBit(learnedG[x][i], true)
			}
			sp.rib = o
		}
		sp.peak = len(sp.locals)
		if sp.rib != nil {
			sp.peak += sp.rib.best.len()
		}
		r.PeakRoutes[x] = sp.peak
	}
	return r, nil
}

// reasonNamed maps a reason's name back to the reason ("" and unknown
// names: reasonOther; never reasonNone, which marks an absent entry).
func reasonNamed(s string) reason {
	for i, n := range reasonNames {
		if n == s && s != "" {
			return reason(i)
		}
	}
	return reasonOther
}
