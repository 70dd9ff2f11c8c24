package bgp

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/calisim/calisim/sim/topology"
)

// How failures play out (BIRD under Calico's template):
//
//   - node/router down: the host dies silently. Its peers notice when their
//     hold timer expires: 240 s after the last KEEPALIVE they got (KEEPALIVEs
//     go every 80 s from the moment the session was established, so between
//     160 s and 240 s after the failure). Then they drop its routes and
//     withdraw them onwards. BIRD keeps routes on a hold timer expiry only
//     with long-lived graceful restart, which Calico's template does not set.
//   - node/router up: the speaker restarts with an empty RIB. If a peer still
//     holds the old session (its hold timer has not expired), the restart is
//     a graceful restart (RFC 4724, "graceful restart" in the template): the
//     peer learns of it when the restarted speaker connects (2 s connect
//     delay; or, when the restarted end is passive, at the peer's next
//     KEEPALIVE, answered by a TCP reset), keeps the stale routes, and the
//     new session refreshes them; a peer whose new session is not up within
//     the restart time (120 s) drops them. A restarted speaker that passes
//     routes on defers its UPDATEs until its sessions are back (or 120 s).
//   - subnet down, blockBGP on a subnet, router, node or session: TCP/179
//     stops passing where it did (the underlay reroutes around a down
//     router or subnet when it can). Established sessions that lose their
//     path expire on the hold timer as above; "up" on the target restores
//     it, and the sessions reconnect at the active end's next retry (every
//     5 s, connect retry time).
//   - session down: administratively disabled ("birdc disable"): BIRD sends
//     a Cease NOTIFICATION, both ends close at once and withdraw (no graceful
//     restart). Session up: enabled again, connects after the 2 s connect
//     delay.

// failureState is the what-if state of the underlay and the sessions.
type failureState struct {
	list      []topology.Failure // sorted by time, stable
	targets   []failTarget
	blockSess []bool // per session: blockBGP on the session
	nodeBlock []bool // per speaker: blockBGP on the node/router itself
	subDown   []bool
	subBlock  []bool
	rtrDown   []bool
	rtrBlock  []bool
	downNames map[string]bool // "subnet/x", "router/x" that are down
	graph     *topology.Graph
	spSubnet  []int // per speaker: subnet of its address (-1)
}

type failTarget struct {
	kind    string // node, router, subnet, session
	index   int    // node, router or subnet index; session index
	speaker int    // the speaker (node, router with asNumber); -1
}

func (f *failureState) isDownName(n string) bool { return f.downNames[n] }

func (m *model) initFailures() error {
	sc := m.p.sc
	f := &m.fail
	f.blockSess = make([]bool, len(m.p.Sessions))
	f.nodeBlock = make([]bool, len(m.p.Speakers))
	f.graph = m.p.g
	f.downNames = map[string]bool{}
	if sc != nil {
		f.subDown = make([]bool, len(sc.Underlay.Subnets))
		f.subBlock = make([]bool, len(sc.Underlay.Subnets))
		f.rtrDown = make([]bool, len(sc.Underlay.Routers))
		f.rtrBlock = make([]bool, len(sc.Underlay.Routers))
	}
	f.list = slices.Clone(m.opts.Failures)
	slices.SortStableFunc(f.list, func(a, b topology.Failure) int { return cmp.Compare(a.At, b.At) })
	if len(f.list) > 0 && sc == nil {
		return fmt.Errorf("bgp: failures need the plan's scenario")
	}
	var spByName map[string]int
	for _, fl := range f.list {
		t := failTarget{kind: fl.Target.Kind, index: -1, speaker: -1}
		path := fl.Pos.Path
		bad := func(format string, args ...any) error {
			return topology.Errorf(fl.Pos, path, format, args...)
		}
		switch fl.Action {
		case topology.FailDown, topology.FailUp, topology.FailBlockBGP:
		default:
			return bad("failure action %q is not down, up or blockBGP", fl.Action)
		}
		switch fl.Target.Kind {
		case "node":
			t.index = slices.IndexFunc(sc.Nodes, func(n topology.Node) bool { return n.Name == fl.Target.Name })
			if t.index < 0 {
				return bad("no node named %q", fl.Target.Name)
			}
			if sp, ok := m.p.NodeSpeaker(t.index); ok {
				t.speaker = sp
			}
		case "router":
			t.index = slices.IndexFunc(sc.Underlay.Routers, func(r topology.Router) bool { return r.Name == fl.Target.Name })
			if t.index < 0 {
				return bad("no router named %q", fl.Target.Name)
			}
			if sp, ok := m.p.RouterSpeaker(t.index); ok {
				t.speaker = sp
			}
		case "subnet":
			t.index = slices.IndexFunc(sc.Underlay.Subnets, func(s topology.Subnet) bool { return s.Name == fl.Target.Name })
			if t.index < 0 {
				return bad("no subnet named %q", fl.Target.Name)
			}
		case "session":
			if spByName == nil {
				spByName = make(map[string]int, len(m.p.Speakers))
				for i := len(m.p.Speakers) - 1; i >= 0; i-- {
					spByName[m.p.Speakers[i].Name] = i
				}
			}
			t.index = m.findSession(fl.Target.Name, spByName)
			if t.index < 0 {
				return bad("no BGP session %q (name it a~b by node or router names)", fl.Target.Name)
			}
		default:
			return bad("failure target kind %q is not node, router, subnet or session", fl.Target.Kind)
		}
		f.targets = append(f.targets, t)
	}
	if len(f.list) > 0 {
		f.spSubnet = make([]int, len(m.p.Speakers))
		for i := range m.p.Speakers {
			f.spSubnet[i] = -1
			if m.p.Speakers[i].Kind == SpeakerNode {
				if s, ok := m.p.g.SubnetOf(m.p.Speakers[i].Addr); ok {
					f.spSubnet[i] = s
				}
			}
		}
	}
	return nil
}

// findSession finds "a~b" (either order; b may be an address with no
// speaker).
func (m *model) findSession(name string, spByName map[string]int) int {
	a, b, ok := strings.Cut(name, "~")
	if !ok {
		return -1
	}
	try := func(a, b string) int {
		x, ok := spByName[a]
		if !ok {
			return -1
		}
		y, yok := spByName[b]
		addr, aerr := netip.ParseAddr(b)
		for _, s := range m.sessionsOf(int32(x)) {
			ses := &m.p.Sessions[s]
			if yok && ses.Other(x) == y {
				return int(s)
			}
			if aerr == nil && ses.B < 0 && ses.BAddr == addr {
				return int(s)
			}
		}
		return -1
	}
	if i := try(a, b); i >= 0 {
		return i
	}
	return try(b, a)
}

func (m *model) applyFailure(i int) {
	fl := &m.fail.list[i]
	t := m.fail.targets[i]
	f := &m.fail
	m.lastFailure = m.now
	m.activity()
	m.note("failure", fmt.Sprintf("%s %s/%s", fl.Action, fl.Target.Kind, fl.Target.Name))
	underlay := false
	switch t.kind {
	case "node", "router":
		if t.kind == "router" {
			switch fl.Action {
			case topology.FailDown:
				underlay = !f.rtrDown[t.index]
				f.rtrDown[t.index] = true
			case topology.FailUp:
				underlay = f.rtrDown[t.index] || f.rtrBlock[t.index]
				f.rtrDown[t.index], f.rtrBlock[t.index] = false, false
			case topology.FailBlockBGP:
				underlay = !f.rtrBlock[t.index]
				f.rtrBlock[t.index] = true
			}
		}
		if t.speaker >= 0 {
			x := int32(t.speaker)
			switch fl.Action {
			case topology.FailDown:
				if m.sp[x].up {
					m.speakerDown(x)
				}
			case topology.FailUp:
				if f.nodeBlock[x] {
					f.nodeBlock[x] = false
					underlay = true
				}
				if !m.sp[x].up {
					m.speakerUp(x)
				}
			case topology.FailBlockBGP:
				if t.kind == "node" && !f.nodeBlock[x] {
					f.nodeBlock[x] = true
					underlay = true
				}
			}
		}
	case "subnet":
		switch fl.Action {
		case topology.FailDown:
			underlay = !f.subDown[t.index]
			f.subDown[t.index] = true
		case topology.FailUp:
			underlay = f.subDown[t.index] || f.subBlock[t.index]
			f.subDown[t.index], f.subBlock[t.index] = false, false
		case topology.FailBlockBGP:
			underlay = !f.subBlock[t.index]
			f.subBlock[t.index] = true
		}
	case "session":
		s := int32(t.index)
		switch fl.Action {
		case topology.FailDown:
			if !m.rt[s].admin {
				m.rt[s].admin = true
				if m.rt[s].st.State == StateEstablished {
					m.closeSession(s, StateIdle, "administratively down")
				} else {
					m.rt[s].gen++
					m.rt[s].timer = -1
					m.setDown(s)
				}
			}
		case topology.FailUp:
			if f.blockSess[s] {
				f.blockSess[s] = false
				underlay = true
			}
			if m.rt[s].admin {
				m.rt[s].admin = false
				if m.canEstablish(s) && m.rt[s].st.State != StateEstablished {
					m.rt[s].gen++
					m.schedule(m.now+int64(connectDelay)+m.rng.Int64N(int64(startSkew)), evConnect, s, m.rt[s].gen)
				}
			}
		case topology.FailBlockBGP:
			if !f.blockSess[s] {
				f.blockSess[s] = true
				underlay = true
			}
		}
	}
	if underlay {
		m.recomputeReach()
	}
}

// setDown puts a session that cannot come up in its waiting state.
func (m *model) setDown(s int32) {
	state, reason := m.downState(s)
	st := &m.rt[s].st
	if st.State != state {
		st.Since = time.Duration(m.now)
	}
	st.State = state
	m.setReason(s, reason)
}

// recomputeReach re-evaluates TCP/179 between the ends of every session
// after a change of the underlay.
func (m *model) recomputeReach() {
	f := &m.fail
	sc := m.p.sc
	f.downNames = map[string]bool{}
	anyDown := false
	for i, d := range f.subDown {
		if d {
			f.downNames["subnet/"+sc.Underlay.Subnets[i].Name] = true
			anyDown = true
		}
	}
	for i, d := range f.rtrDown {
		if d {
			f.downNames["router/"+sc.Underlay.Routers[i].Name] = true
			anyDown = true
		}
	}
	f.graph = m.p.g
	if anyDown {
		f.graph = topology.NewGraph(m.degraded())
	}
	blocked := func(kind string, i int) bool {
		if kind == "subnet" {
			return f.subDown[i] || f.subBlock[i]
		}
		return f.rtrDown[i] || f.rtrBlock[i]
	}
	memo := map[[2]int]reachResult{}
	for i := range m.p.Sessions {
		s := int32(i)
		ses := &m.p.Sessions[i]
		var r reachResult
		switch {
		case f.blockSess[s]:
			r = reachResult{by: "session " + m.p.SessionName(i)}
		case f.nodeBlock[ses.A]:
			r = reachResult{by: m.p.Speakers[ses.A].Ref()}
		case ses.B >= 0 && f.nodeBlock[ses.B]:
			r = reachResult{by: m.p.Speakers[ses.B].Ref()}
		case ses.B >= 0 && f.spSubnet[ses.A] >= 0 && f.spSubnet[ses.B] >= 0:
			key := [2]int{f.spSubnet[ses.A], f.spSubnet[ses.B]}
			var ok bool
			if r, ok = memo[key]; !ok {
				r.ok, r.by = f.graph.BGPReachableExcept(ses.AAddr, ses.BAddr, blocked)
				memo[key] = r
			}
		default:
			r.ok, r.by = f.graph.BGPReachableExcept(ses.AAddr, ses.BAddr, blocked)
		}
		m.updateReach(s, r.ok, r.by)
	}
}

// degraded is the scenario's underlay without down routers and without the
// interfaces on down subnets, for rerouting.
func (m *model) degraded() *topology.Scenario {
	sc := *m.p.sc
	f := &m.fail
	rs := make([]topology.Router, len(sc.Underlay.Routers))
	for j, r := range sc.Underlay.Routers {
		rs[j] = r
		rs[j].Interfaces = nil
		if f.rtrDown[j] {
			continue
		}
		for _, in := range r.Interfaces {
			k := slices.IndexFunc(sc.Underlay.Subnets, func(s topology.Subnet) bool { return s.Name == in.Subnet })
			if k >= 0 && f.subDown[k] {
				continue
			}
			rs[j].Interfaces = append(rs[j].Interfaces, in)
		}
	}
	sc.Underlay.Routers = rs
	return &sc
}

// updateReach applies a new reachability to session s.
func (m *model) updateReach(s int32, ok bool, by string) {
	old := m.rt[s].reach
	m.rt[s].reach = ok
	if by == "" {
		delete(m.blocked, s)
	} else {
		m.blocked[s] = by
	}
	st := &m.rt[s].st
	if old == ok {
		if !ok && st.State != StateEstablished {
			m.setDown(s)
		}
		return
	}
	if !ok {
		switch {
		case st.State == StateEstablished:
			m.goSilent(s)
		default:
			m.rt[s].gen++
			m.rt[s].timer = -1
			m.setDown(s)
		}
		return
	}
	switch {
	case st.State == StateEstablished:
		m.resume(s)
	case m.canEstablish(s):
		m.rt[s].gen++
		m.schedule(m.now+m.rng.Int64N(int64(connectRetry)), evConnect, s, m.rt[s].gen)
	default:
		m.setDown(s)
	}
}

// holdDeadline is when the hold timers of Established session s run out
// when nothing gets through since it went silent (or from now on): 240 s
// after the last KEEPALIVE.
func (m *model) holdDeadline(s int32) int64 {
	r := &m.rt[s]
	from := m.now
	if r.timer >= 0 {
		from = r.timer
	}
	est := int64(r.st.Since)
	ka := int64(keepaliveTime)
	last := est + (from-est)/ka*ka
	return last + int64(holdTime)
}

// goSilent: nothing gets through on Established session s from now on (an
// end died, or the underlay drops TCP/179); its hold timers will expire.
// A session already silent keeps its earlier deadline.
func (m *model) goSilent(s int32) {
	r := &m.rt[s]
	if r.timer >= 0 {
		return
	}
	r.timer = m.now
	r.gen++
	m.schedule(m.holdDeadline(s), evHoldExpire, s, r.gen)
}

// resume: packets pass again on silent Established session s. If both ends
// are the ones that established it, KEEPALIVEs get through again before the
// hold timer ran out; if an end restarted meanwhile, its peer learns of the
// restart (graceful restart) at its next connection attempt.
func (m *model) resume(s int32) {
	r := &m.rt[s]
	if r.timer < 0 || !r.reach || !m.sp[r.a].up || !m.sp[r.b].up {
		return
	}
	restarted := int32(-1)
	for _, x := range [2]int32{r.a, r.b} {
		if m.sp[x].upSince > int64(r.st.Since) {
			restarted = x
		}
	}
	if restarted < 0 {
		r.timer = -1
		r.gen++ // the pending hold expiry is void
		return
	}
	m.scheduleRestartDetect(s, restarted, m.now+m.rng.Int64N(int64(connectRetry)))
}

// scheduleRestartDetect plans when the live end of silent session s learns
// that x restarted: when x connects (at activeAt, if x is an active end),
// else at the live end's next KEEPALIVE, answered by a reset. Nothing
// happens if the hold timer runs out first.
func (m *model) scheduleRestartDetect(s int32, x int32, activeAt int64) {
	r := &m.rt[s]
	at := activeAt
	if m.p.Sessions[s].Passive == int(x) {
		ka := int64(keepaliveTime)
		est := int64(r.st.Since)
		at = est + ((m.now-est)/ka+1)*ka
	}
	if at < m.holdDeadline(s) {
		r.gen++
		m.schedule(at, evRestartDetect, s, r.gen)
	}
}

// holdExpired: the live ends of session s give up on it.
func (m *model) holdExpired(s int32) {
	state, reason := m.downState(s)
	if state == StateEstablished || reason == "" { // nothing stops it now: it reconnects
		state, reason = StateConnect, ""
	}
	if reason == "" {
		reason = "hold timer expired"
	} else {
		reason = "hold timer expired: " + reason
	}
	m.closeSession(s, state, reason)
	if m.canEstablish(s) {
		m.rt[s].gen++
		m.schedule(m.now+m.rng.Int64N(int64(connectRetry)), evConnect, s, m.rt[s].gen)
	}
}

// speakerDown: x dies silently. Its RIB is gone; its peers keep its routes
// until their hold timers run out.
func (m *model) speakerDown(x int32) {
	sp := &m.sp[x]
	sp.up = false
	sp.deferring = false
	sp.deferGen++
	for _, s := range m.sessionsOf(x) {
		ses := &m.p.Sessions[s]
		g := m.rt[s].g
		bit, gi := uint8(2), g[1] // x is A: A holds B's routes on bit 1
		if int(x) == ses.B {
			bit, gi = 1, g[0]
		}
		if ses.B >= 0 && m.rt[s].sub&bit != 0 {
			m.rt[s].sub &^= bit
			m.groups[gi].members--
		}
		switch {
		case m.rt[s].st.State == StateEstablished:
			m.goSilent(s)
		default:
			m.rt[s].gen++
			m.rt[s].timer = -1
			m.setDown(s)
		}
	}
	// Its RIB goes with it.
	if sp.caring || sp.solo {
		m.dropRIB(sp.rib)
		m.notePeak(x)
		owner := x
		if !sp.caring {
			owner = -1
		}
		sp.rib = m.newRIB(owner, m.p.Speakers[x].AS, m.p.Speakers[x].ClusterID)
		sp.rib.refs = 1
	} else {
		m.leave(x)
		m.joinEmpty(x)
	}
	for _, gi := range sp.groups {
		g := &m.groups[gi]
		clear(g.pendSet)
		g.pending = g.pending[:0]
	}
}

// dropRIB unsubscribes a private rib from every group.
func (m *model) dropRIB(o *rib) {
	for gi := range m.groups {
		if o.has(int32(gi)) {
			m.groups[gi].removeObj(o)
		}
	}
}

// speakerUp: x restarts with an empty RIB.
func (m *model) speakerUp(x int32) {
	sp := &m.sp[x]
	sp.up = true
	sp.upSince = m.now
	if sp.caring {
		sp.deferring = true
		sp.deferGen++
		m.schedule(m.now+int64(restartTime), evDeferEnd, x, sp.deferGen)
	}
	for _, s := range m.sessionsOf(x) {
		ses := &m.p.Sessions[s]
		st := &m.rt[s].st
		active := ses.Passive != int(x)
		switch {
		case st.State == StateEstablished:
			// The peer still holds the old session: graceful restart, once
			// packets get through.
			if m.rt[s].reach && m.sp[ses.Other(int(x))].up {
				m.scheduleRestartDetect(s, x, m.now+int64(connectDelay)+m.rng.Int64N(int64(startSkew)))
			}
		case m.canEstablish(s):
			m.rt[s].gen++
			at := m.now + m.rng.Int64N(int64(connectRetry))
			if active {
				at = m.now + int64(connectDelay) + m.rng.Int64N(int64(startSkew))
			}
			m.schedule(at, evConnect, s, m.rt[s].gen)
		default:
			m.setDown(s)
		}
	}
	if sp.deferring {
		m.checkDeferral(x)
	}
}

// restartDetected: the live end of s learns its peer restarted. It keeps
// the peer's routes as stale (still subscribed) and the new session comes up.
func (m *model) restartDetected(s int32) {
	m.noteSession("graceful-restart", s, "")
	m.rt[s].st = status{State: StateConnect, Since: time.Duration(m.now)}
	m.rt[s].timer = -1 // no longer silent: closed, reconnecting
	m.setReason(s, "graceful restart")
	if m.canEstablish(s) {
		m.connect(s, m.now, false)
	}
	m.schedule(m.now+int64(restartTime), evGRExpire, s, m.rt[s].gen)
}

// grExpired: the restart time is over; stale routes of a session that did
// not come back are dropped.
func (m *model) grExpired(s int32) {
	if m.rt[s].st.State == StateEstablished {
		return
	}
	state, reason := m.downState(s)
	m.closeSession(s, state, "graceful restart time expired: "+reason)
}

// checkDeferral ends x's selection deferral once every session of x that
// can come up is Established again since x restarted (a session its peer
// still holds from before the restart does not count: x has nothing from
// it yet).
func (m *model) checkDeferral(x int32) {
	since := time.Duration(m.sp[x].upSince)
	for _, s := range m.sessionsOf(x) {
		st := &m.rt[s].st
		if m.canEstablish(s) && (st.State != StateEstablished || st.Since < since) {
			return
		}
	}
	m.sp[x].deferGen++
	m.endDeferral(x)
}

// endDeferral: x re-advertises everything from its rebuilt RIB; what it no
// longer has is withdrawn.
func (m *model) endDeferral(x int32) {
	sp := &m.sp[x]
	sp.deferring = false
	for _, gi := range sp.groups {
		g := &m.groups[gi]
		for _, p := range g.keys {
			m.markPending(gi, p)
		}
		for _, p := range sp.locals {
			m.markPending(gi, p)
		}
		if sp.rib != nil {
			for _, p := range sp.rib.prefixesNow() {
				m.markPending(gi, p)
			}
		}
		m.scheduleFlush(gi)
	}
}
