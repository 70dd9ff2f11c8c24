package bgp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"
)

// NewModel returns the model engine: a discrete-event simulation, in
// virtual time, of BIRD speakers configured by Calico's template.
func NewModel() Engine { return modelEngine{} }

type modelEngine struct{}

func (modelEngine) Name() string { return "model" }

// Run simulates the plan from every speaker starting at virtual time 0
// until quiet (or opts.Until), injecting opts.Failures on the way.
func (modelEngine) Run(ctx context.Context, p *Plan, opts Options) (*Result, error) {
	if p == nil {
		return nil, fmt.Errorf("bgp: no plan")
	}
	m, err := newModel(p, opts)
	if err != nil {
		return nil, err
	}
	if err := m.run(ctx); err != nil {
		return nil, err
	}
	return m.result(), nil
}

// speakerState is one speaker during a run.
type speakerState struct {
	up      bool
	caring  bool    // passes learned routes on: owns a private rib
	solo    bool    // no other speaker can share its rib: a rib of its own
	locals  []int32 // originated prefixes, sorted
	groups  []int32 // its update groups
	rib     *rib
	joinVer int64
	peak    int
	clients map[int32]struct{} // the speakers it treats as rr clients
	// deferring: restarted, it holds its UPDATEs back until its sessions
	// are up again or the restart time is over (RFC 4724 selection
	// deferral), so peers keep its stale routes meanwhile.
	deferring bool
	deferGen  uint32
	upSince   int64 // when it last came up (0: from the start)
}

func (s *speakerState) isLocal(p int32) bool {
	for _, l := range s.locals {
		if l == p {
			return true
		}
	}
	return false
}

// model is the state of one run. It is used by one goroutine.
type model struct {
	p    *Plan
	opts Options
	rng  *rand.Rand
	now  int64
	seq  uint64
	q    queue

	sp           []speakerState
	groups       []group
	ghash        []uint64
	prefixes     []netip.Prefix
	prefixID     map[netip.Prefix]int32
	prefixGroups [][]int32 // per prefix: every group that ever carried it
	prefixLens   []int     // distinct prefix lengths, longest first
	ribMemo      map[uint64][]*rib
	idle         []*rib // shared ribs nobody uses, oldest first
	nextRIB      int32

	reason    map[int32]string // why a session is not Established (absent: no reason)
	rt        []sessRT
	spSessOff []int32 // speaker -> its sessions in spSess (CSR)
	spSess    []int32
	blocked   map[int32]string
	fail      failureState

	lastActivity int64
	lastFailure  int64
	updates      int64
	timeline     []Event
	tlCount      []int
	changedBuf   []int32
}

func newModel(p *Plan, opts Options) (*model, error) {
	m := &model{
		p:        p,
		opts:     opts,
		rng:      rand.New(rand.NewPCG(opts.Seed, 0x63616c69_73696d00)), // "calisim\0"
		prefixID: make(map[netip.Prefix]int32),
		ribMemo:  make(map[uint64][]*rib),
	}
	m.initPrefixes()
	m.initSpeakers()
	m.initSessions()
	m.initGroups()
	m.initRIBs()
	if err := m.initFailures(); err != nil {
		return nil, err
	}
	m.scheduleStart()
	return m, nil
}

func (m *model) initPrefixes() {
	var all []netip.Prefix
	for _, o := range m.p.Origins {
		all = append(all, o...)
	}
	slices.SortFunc(all, comparePrefix)
	all = slices.Compact(all)
	m.prefixes = all
	lens := map[int]bool{}
	for i, pf := range all {
		m.prefixID[pf] = int32(i)
		lens[pf.Bits()] = true
	}
	for l := range lens {
		m.prefixLens = append(m.prefixLens, l)
	}
	slices.SortFunc(m.prefixLens, func(a, b int) int { return b - a })
	m.prefixGroups = make([][]int32, len(all))
}

func (m *model) initSpeakers() {
	m.sp = make([]speakerState, len(m.p.Speakers))
	for i := range m.sp {
		sp := &m.sp[i]
		sp.up = true
		for _, pf := range m.p.Origins[i] {
			sp.locals = append(sp.locals, m.prefixID[pf])
		}
		slices.Sort(sp.locals)
		sp.locals = slices.Compact(sp.locals)
		sp.caring = m.p.Speakers[i].Kind == SpeakerRouter || m.p.Speakers[i].Reflector()
	}
}

func (m *model) initSessions() {
	n := len(m.p.Sessions)
	m.reason = make(map[int32]string)
	m.rt = make([]sessRT, n)
	m.blocked = make(map[int32]string)
	m.spSessOff = make([]int32, len(m.sp)+1)
	for i := range m.p.Sessions {
		s := &m.p.Sessions[i]
		m.rt[i] = sessRT{a: int32(s.A), b: int32(s.B), timer: -1, reach: s.Reachable, refused: s.Refused != ""}
		if s.Blocked != "" {
			m.blocked[int32(i)] = s.Blocked
		}
		m.spSessOff[s.A+1]++
		if s.B >= 0 {
			m.spSessOff[s.B+1]++
			if s.EBGP {
				m.sp[s.A].caring = true
				m.sp[s.B].caring = true
			}
			if s.RRClient[0] {
				m.addClient(s.A, s.B)
			}
			if s.RRClient[1] {
				m.addClient(s.B, s.A)
			}
		}
	}
	for i := 1; i < len(m.spSessOff); i++ {
		m.spSessOff[i] += m.spSessOff[i-1]
	}
	m.spSess = make([]int32, m.spSessOff[len(m.sp)])
	fill := slices.Clone(m.spSessOff[:len(m.sp)])
	for i := range m.p.Sessions {
		s := &m.p.Sessions[i]
		m.spSess[fill[s.A]] = int32(i)
		fill[s.A]++
		if s.B >= 0 {
			m.spSess[fill[s.B]] = int32(i)
			fill[s.B]++
		}
	}
}

func (m *model) addClient(reflector, client int) {
	sp := &m.sp[reflector]
	if sp.clients == nil {
		sp.clients = make(map[int32]struct{})
	}
	sp.clients[int32(client)] = struct{}{}
}

// sessionsOf lists speaker x's sessions.
func (m *model) sessionsOf(x int32) []int32 { return m.spSess[m.spSessOff[x]:m.spSessOff[x+1]] }

func (m *model) initGroups() {
	for i := range m.p.Sessions {
		if m.p.Sessions[i].B < 0 {
			m.rt[i].g = [2]int32{-1, -1}
			continue
		}
		m.rt[i].g = [2]int32{m.groupFor(i, 0), m.groupFor(i, 1)}
	}
	// Zobrist hashes for subscription sets, from a fixed stream: the same
	// on every run, whatever the seed.
	hr := rand.New(rand.NewPCG(0x9e3779b97f4a7c15, uint64(len(m.groups))))
	m.ghash = make([]uint64, len(m.groups))
	for i := range m.ghash {
		m.ghash[i] = hr.Uint64()
	}
	// Every speaker originates its blocks from the start: the tables hold
	// them before any session is up.
	for gi := range m.groups {
		g := &m.groups[gi]
		for _, p := range m.sp[g.sender].locals {
			if g.set(p, m.exportAdv(g.sender, g, p)) {
				m.prefixGroups[p] = append(m.prefixGroups[p], int32(gi))
			}
		}
		g.rebuildKeys()
	}
}

// initRIBs gives every speaker its rib. Caring speakers own a private one.
// The others share ribs, but only with speakers that can end up subscribed
// to the same groups (its planned key: every group its sessions would
// subscribe it to): a node of a full mesh has no such twin and keeps a rib
// of its own, changed in place, while reflector clients share.
func (m *model) initRIBs() {
	type class struct {
		key uint64
		as  uint32
		cl  string
	}
	planned := make([]uint64, len(m.sp))
	for i := range m.rt {
		r := &m.rt[i]
		if r.b < 0 {
			continue
		}
		planned[r.b] ^= m.ghash[r.g[0]]
		planned[r.a] ^= m.ghash[r.g[1]]
	}
	twins := make(map[class]int)
	for i := range m.sp {
		if !m.sp[i].caring {
			twins[class{planned[i], m.p.Speakers[i].AS, m.p.Speakers[i].ClusterID}]++
		}
	}
	for i := range m.sp {
		sp := &m.sp[i]
		s := &m.p.Speakers[i]
		switch {
		case sp.caring:
			sp.rib = m.newRIB(int32(i), s.AS, s.ClusterID)
			sp.rib.refs = 1
		case twins[class{planned[i], s.AS, s.ClusterID}] == 1:
			sp.solo = true
			sp.rib = m.newRIB(-1, s.AS, s.ClusterID)
			sp.rib.refs = 1
		default:
			m.joinEmpty(int32(i))
		}
	}
}

// joinEmpty puts a sharing speaker on the empty rib of its class.
func (m *model) joinEmpty(y int32) {
	s := &m.p.Speakers[y]
	for _, o := range m.ribMemo[0] {
		if o.nsubs == 0 && o.as == s.AS && o.cluster == s.ClusterID {
			m.join(y, o)
			return
		}
	}
	o := m.newRIB(-1, s.AS, s.ClusterID)
	m.memo(o)
	m.join(y, o)
}

// scheduleStart queues every session's first connection attempt: each
// speaker's BIRD starts at its own moment (up to startSkew after time 0)
// and connects 2 s later (Calico's connect delay); a session is attempted
// by its active end, or by the earlier of two active ends.
func (m *model) scheduleStart() {
	skew := make([]int64, len(m.sp))
	for i := range skew {
		skew[i] = m.rng.Int64N(int64(startSkew))
	}
	m.q.s = make([]event, 0, len(m.p.Sessions)+len(m.fail.list))
	for i := range m.p.Sessions {
		s := int32(i)
		if !m.canEstablish(s) {
			state, reason := m.downState(s)
			m.rt[i].st.State = state
			m.setReason(s, reason)
			continue
		}
		ses := &m.p.Sessions[i]
		var start int64
		switch ses.Passive {
		case ses.A:
			start = skew[ses.B]
		case ses.B:
			start = skew[ses.A]
		default:
			start = min(skew[ses.A], skew[ses.B])
		}
		m.connect(s, int64(connectDelay)+start, true)
	}
	for i, f := range m.fail.list {
		m.q.pushUnordered(mkEvent(int64(f.At), m.nextSeq(), evFailure, int32(i), 0))
	}
	m.q.heapify()
}

func (m *model) nextSeq() uint64 { m.seq++; return m.seq }

func (m *model) schedule(at int64, kind evKind, x int32, y uint32) {
	m.q.push(mkEvent(at, m.nextSeq(), kind, x, y))
}

func (m *model) rtt() int64 { return int64(rttBase) + m.rng.Int64N(int64(rttJitter)) }

// connect starts a connection attempt by the active end at time at: TCP is
// up one round trip later (OpenSent), the OPENs are through after another
// (Established).
func (m *model) connect(s int32, at int64, unordered bool) {
	m.rt[s].gen++
	rtt := m.rtt()
	m.rt[s].timer = at + rtt
	st := &m.rt[s].st
	if st.State != StateConnect {
		st.State, st.Since = StateConnect, time.Duration(m.now)
	}
	m.setReason(s, "")
	e := mkEvent(at+2*rtt, m.nextSeq(), evEstablish, s, m.rt[s].gen)
	if unordered {
		m.q.pushUnordered(e)
	} else {
		m.q.push(e)
	}
}

// canEstablish says whether session s can come up now.
func (m *model) canEstablish(s int32) bool {
	r := &m.rt[s]
	return r.b >= 0 && !r.refused && r.reach && !r.admin && m.sp[r.a].up && m.sp[r.b].up
}

// status is a session's state and since when, without the reason (kept
// apart, in a map, so that session state holds no pointers).
type status struct {
	State State
	Since time.Duration
}

func (m *model) setReason(s int32, r string) {
	if r == "" {
		delete(m.reason, s)
	} else {
		m.reason[s] = r
	}
}

// sessRT is the run-time state of a session the hot path needs, compact
// (no pointers) so that millions of them stay cheap.
type sessRT struct {
	a, b    int32
	g       [2]int32 // A's update group toward B, B's toward A
	gen     uint32   // bumped to cancel the session's pending events
	sub     uint8    // bit 0: B holds A's routes; bit 1: A holds B's
	reach   bool     // TCP/179 passes now
	admin   bool     // administratively down
	refused bool     // no speaker at the address, or a bad peer AS
	st      status
	// timer is, in Connect, when the pending connection reaches OpenSent
	// and, Established, since when nothing gets through (silent); -1: none.
	// (While Established, st.Since is when it came up: the KEEPALIVE phase.)
	timer int64
}

// downState is the state and reason of a session that cannot come up.
func (m *model) downState(s int32) (State, string) {
	ses := &m.p.Sessions[s]
	switch {
	case ses.B < 0:
		return StateConnect, ses.Refused
	case ses.Refused != "":
		return StateIdle, ses.Refused
	case m.rt[s].admin:
		return StateIdle, "administratively down"
	case !m.sp[ses.A].up:
		return StateIdle, m.p.Speakers[ses.A].Ref() + " is down"
	case !m.sp[ses.B].up:
		return StateIdle, m.p.Speakers[ses.B].Ref() + " is down"
	case !m.rt[s].reach:
		return StateConnect, m.unreachableReason(s)
	}
	return m.rt[s].st.State, m.reason[s]
}

func (m *model) unreachableReason(s int32) string {
	by := m.blocked[s]
	switch {
	case by == "no path":
		return "no underlay path for TCP/179"
	case m.fail.isDownName(by):
		return by + " is down"
	}
	return "TCP/179 blocked by " + by
}

// activity records that something changed now (for convergence time).
func (m *model) activity() { m.lastActivity = m.now }

// run processes events in (time, seq) order until none is left, opts.Until
// is passed, or the run is cut off.
func (m *model) run(ctx context.Context) error {
	until := int64(m.opts.Until)
	var n int64
	for m.q.Len() > 0 {
		if n++; n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e := m.q.peek()
		if (until > 0 && e.at > until) || e.at > int64(maxVirtualTime) {
			break
		}
		ev := m.q.pop()
		m.now = ev.at
		m.handle(ev)
	}
	if until > 0 && m.now < until {
		m.now = until
	}
	return ctx.Err()
}

func (m *model) handle(e event) {
	switch e.kind() {
	case evEstablish:
		if e.y == m.rt[e.x].gen && m.canEstablish(e.x) {
			m.establish(e.x)
		}
	case evFlush:
		m.flush(e.x)
	case evFailure:
		m.applyFailure(int(e.x))
	case evHoldExpire:
		if e.y == m.rt[e.x].gen {
			m.holdExpired(e.x)
		}
	case evConnect:
		if e.y == m.rt[e.x].gen && m.canEstablish(e.x) {
			m.connect(e.x, m.now, false)
		}
	case evRestartDetect:
		if e.y == m.rt[e.x].gen {
			m.restartDetected(e.x)
		}
	case evGRExpire:
		if e.y == m.rt[e.x].gen {
			m.grExpired(e.x)
		}
	case evDeferEnd:
		if e.y == m.sp[e.x].deferGen {
			m.endDeferral(e.x)
		}
	}
}

// establish brings session s to Established: each end receives the other's
// table (the initial UPDATEs).
func (m *model) establish(s int32) {
	r := &m.rt[s]
	st := &m.rt[s].st
	st.State, st.Since = StateEstablished, time.Duration(m.now)
	m.setReason(s, "")
	m.rt[s].timer = -1
	m.activity()
	m.noteSession("session-established", s, "")
	g := r.g
	a, b := r.a, r.b
	if r.sub&1 == 0 {
		r.sub |= 1
		m.dumpCount(g[0], b)
		m.subscribe(b, g[0])
	}
	if m.rt[s].sub&2 == 0 {
		m.rt[s].sub |= 2
		m.dumpCount(g[1], a)
		m.subscribe(a, g[1])
	}
	for _, x := range [2]int32{a, b} {
		if m.sp[x].deferring {
			m.checkDeferral(x)
		}
	}
}

// dumpCount counts the routes of group g sent to a new member y: all but
// those y itself sent to the sender.
func (m *model) dumpCount(g int32, y int32) {
	gr := &m.groups[g]
	if gr.static { // only the sender's own prefixes
		m.updates += int64(len(gr.table))
		return
	}
	m.updates += int64(len(gr.table) - int(gr.fromCount[y]))
}

// closeSession takes an Established session down: each end forgets the
// other's routes (withdrawals propagate from there).
func (m *model) closeSession(s int32, state State, reason string) {
	ses := &m.p.Sessions[s]
	m.rt[s].gen++
	m.rt[s].timer = -1
	wasUp := m.rt[s].st.State == StateEstablished
	m.rt[s].st = status{State: state, Since: time.Duration(m.now)}
	m.setReason(s, reason)
	m.activity()
	g := m.rt[s].g
	if m.rt[s].sub&1 != 0 {
		m.rt[s].sub &^= 1
		if m.sp[ses.B].up {
			m.unsubscribe(int32(ses.B), g[0])
		}
	}
	if m.rt[s].sub&2 != 0 {
		m.rt[s].sub &^= 2
		if m.sp[ses.A].up {
			m.unsubscribe(int32(ses.A), g[1])
		}
	}
	if wasUp {
		m.noteSession("session-down", s, reason)
	}
}

// localChanged: speaker x's best path for p changed; its groups re-export.
func (m *model) localChanged(x int32, p int32) {
	if !m.sp[x].up {
		return
	}
	for _, gi := range m.sp[x].groups {
		m.markPending(gi, p)
	}
}

func (m *model) markPending(gi int32, p int32) {
	g := &m.groups[gi]
	if _, ok := g.pendSet[p]; ok {
		return
	}
	g.pendSet[p] = struct{}{}
	g.pending = append(g.pending, p)
	m.scheduleFlush(gi)
}

func (m *model) scheduleFlush(gi int32) {
	g := &m.groups[gi]
	if g.scheduled || len(g.pending) == 0 {
		return
	}
	sp := &m.sp[g.sender]
	if !sp.up || sp.deferring {
		return
	}
	g.scheduled = true
	m.schedule(m.now+int64(updateDelay)+m.rng.Int64N(int64(updateJitter)), evFlush, gi, 0)
}

// flush sends group gi's pending changes to its members: the table changes
// once, every rib subscribed to it re-selects the changed prefixes.
func (m *model) flush(gi int32) {
	g := &m.groups[gi]
	g.scheduled = false
	sp := &m.sp[g.sender]
	if !sp.up || sp.deferring {
		return
	}
	pend := g.pending
	slices.Sort(pend)
	changed := m.changedBuf[:0]
	for _, p := range pend {
		delete(g.pendSet, p)
		na := m.exportAdv(g.sender, g, p)
		if equalAdv(g.table[p], na) {
			continue
		}
		if g.set(p, na) {
			m.prefixGroups[p] = append(m.prefixGroups[p], gi)
		}
		changed = append(changed, p)
	}
	g.pending = pend[:0]
	m.changedBuf = changed
	if len(changed) == 0 {
		return
	}
	g.rebuildKeys()
	m.activity()
	for _, p := range changed {
		n := int64(g.members)
		if a := g.table[p]; a != nil && a.from >= 0 && m.memberOf(a.from, gi) {
			n--
		}
		m.updates += n
	}
	// Offers may make other groups pending, never change g's members, so
	// g.objs is stable; changed is copied since flushes do not nest but
	// changedBuf is reused.
	ch := slices.Clone(changed)
	for i := 0; i < len(g.objs); i++ {
		o := g.objs[i]
		for _, p := range ch {
			if g.table[p] != nil {
				m.offer(o, gi, p)
			} else {
				m.withdrawn(o, gi, p)
			}
		}
	}
}

// memberOf reports whether speaker y is subscribed to group g.
func (m *model) memberOf(y int32, g int32) bool {
	o := m.sp[y].rib
	return o != nil && m.sp[y].up && o.has(g)
}

// note adds an entry to the timeline. Runs of the same kind of entry within
// one second are folded into one ("12 x session-established"), so a 2,000
// node mesh does not make two million entries.
func (m *model) note(what, detail string) { m.noteSession(what, -1, detail) }

// noteSession notes an entry about session s (-1: none), named only when
// the entry is not folded into the previous one.
func (m *model) noteSession(what string, s int32, detail string) {
	at := time.Duration(m.now)
	if n := len(m.timeline); n > 0 {
		last := &m.timeline[n-1]
		if last.What == what && at-last.At <= time.Second && what != "failure" {
			m.tlCount[n-1]++
			return
		}
	}
	if s >= 0 {
		name := m.p.SessionName(int(s))
		if detail != "" {
			name += ": " + detail
		}
		detail = name
	}
	m.timeline = append(m.timeline, Event{At: at, What: what, Detail: detail})
	m.tlCount = append(m.tlCount, 1)
}
