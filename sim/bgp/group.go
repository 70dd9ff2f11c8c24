package bgp

import (
	"net/netip"
	"slices"
)

// adv is a route as a sender advertises it: the path attributes on the wire,
// plus two facts the model keeps for its own bookkeeping (origin, from).
// Advertisements are immutable once made and shared by every receiver of
// the update group.
type adv struct {
	nextHop    netip.Addr
	asPath     []uint32
	localPref  uint32 // meaningful over iBGP only; eBGP receivers set 100
	med        uint32 // always 0: Calico sets no MED
	originCode uint8  // ORIGIN: the same for every route Calico exports
	originator netip.Addr
	clusters   []string
	origin     int32 // the speaker that originated the prefix
	from       int32 // the speaker the sender learned it from; -1: its own
}

func equalAdv(a, b *adv) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.nextHop == b.nextHop && a.localPref == b.localPref && a.med == b.med &&
		a.originCode == b.originCode && a.originator == b.originator &&
		a.origin == b.origin && a.from == b.from &&
		slices.Equal(a.asPath, b.asPath) && slices.Equal(a.clusters, b.clusters)
}

// groupKind is an export policy. Every peer of a sender that gets the same
// routes with the same attributes is in one update group.
type groupKind uint8

const (
	groupIBGP        groupKind = iota // plain iBGP: own routes and eBGP-learned routes (split horizon)
	groupRRClient                     // a reflector to its clients: every best route, reflected
	groupRRNonClient                  // a reflector to non-clients: own, eBGP-learned and client routes
	groupEBGP                         // eBGP: every best route, own AS prepended, next hop self
)

// group is an update group: one sender, one export policy, one local
// address. Its table is what the members' Adj-RIB-In holds from the sender:
// one table for all of them.
type group struct {
	sender int32
	kind   groupKind
	keepNH bool       // eBGP with keepOriginalNextHop
	addr   netip.Addr // the sender's address on these sessions
	table  map[int32]*adv
	keys   []int32 // the table's prefixes, sorted
	// fromCount counts table entries by adv.from, to count UPDATEs without
	// the routes a sender does not send back to where it learned them.
	fromCount map[int32]int32
	carried   map[int32]struct{} // every prefix the table ever held
	pending   []int32            // prefixes to re-export at the next flush
	pendSet   map[int32]struct{}
	scheduled bool
	objs      []*rib          // RIB objects subscribed to this group
	objPos    map[int32]int32 // rib id -> index in objs
	members   int32           // speakers subscribed (established sessions)
	// static: the sender passes nothing on (it is not caring), so the
	// table holds its own prefixes and never changes after the start; its
	// subscribers need no notification and are not tracked.
	static bool
}

func newGroup(sender int32, kind groupKind, keepNH bool, addr netip.Addr) group {
	return group{
		sender: sender, kind: kind, keepNH: keepNH, addr: addr,
		table:     make(map[int32]*adv),
		fromCount: make(map[int32]int32),
		carried:   make(map[int32]struct{}),
		pendSet:   make(map[int32]struct{}),
		objPos:    make(map[int32]int32),
	}
}

func (g *group) ebgp() bool { return g.kind == groupEBGP }

func (g *group) addObj(o *rib) {
	if g.static {
		return
	}
	if _, ok := g.objPos[o.id]; ok {
		return
	}
	g.objPos[o.id] = int32(len(g.objs))
	g.objs = append(g.objs, o)
}

func (g *group) removeObj(o *rib) {
	if g.static {
		return
	}
	i, ok := g.objPos[o.id]
	if !ok {
		return
	}
	last := int32(len(g.objs) - 1)
	if i != last {
		g.objs[i] = g.objs[last]
		g.objPos[g.objs[i].id] = i
	}
	g.objs[last] = nil
	g.objs = g.objs[:last]
	delete(g.objPos, o.id)
}

// set puts a (or removes it, when nil) into the table and keeps the
// bookkeeping; it reports whether the prefix was new to the table.
func (g *group) set(p int32, a *adv) (firstTime bool) {
	old := g.table[p]
	if old != nil {
		g.fromCount[old.from]--
		if g.fromCount[old.from] == 0 {
			delete(g.fromCount, old.from)
		}
	}
	if a == nil {
		delete(g.table, p)
		return false
	}
	g.table[p] = a
	g.fromCount[a.from]++
	if _, ok := g.carried[p]; !ok {
		g.carried[p] = struct{}{}
		return true
	}
	return false
}

// rebuildKeys re-sorts the table's prefixes after a flush changed it.
func (g *group) rebuildKeys() {
	g.keys = g.keys[:0]
	for p := range g.table {
		g.keys = append(g.keys, p)
	}
	slices.Sort(g.keys)
}

// groupFor finds or makes the update group of sender s for its peer on
// session i (end is 0 when s is the session's A, 1 when B).
func (m *model) groupFor(i int, end int) int32 {
	ses := &m.p.Sessions[i]
	s := ses.A
	addr := ses.AAddr
	if end == 1 {
		s, addr = ses.B, ses.BAddr
	}
	kind := groupIBGP
	switch {
	case ses.EBGP:
		kind = groupEBGP
	case ses.RRClient[end]:
		kind = groupRRClient
	case m.p.Speakers[s].Reflector():
		kind = groupRRNonClient
	}
	keep := kind == groupEBGP && ses.KeepNextHop[end]
	for _, gi := range m.sp[s].groups {
		g := &m.groups[gi]
		if g.kind == kind && g.keepNH == keep && g.addr == addr {
			return gi
		}
	}
	gi := int32(len(m.groups))
	m.groups = append(m.groups, newGroup(int32(s), kind, keep, addr))
	m.groups[gi].static = !m.sp[s].caring
	m.sp[s].groups = append(m.sp[s].groups, gi)
	return gi
}

// exportAdv is what sender x advertises to group g for prefix p now, or nil
// for nothing (a withdrawal when something was advertised).
func (m *model) exportAdv(x int32, g *group, p int32) *adv {
	sp := &m.sp[x]
	if !sp.up {
		return nil
	}
	me := &m.p.Speakers[x]
	if sp.isLocal(p) {
		a := &adv{nextHop: g.addr, localPref: 100, origin: x, from: -1}
		if g.ebgp() {
			a.asPath = []uint32{me.AS}
		}
		return a
	}
	if sp.rib == nil {
		return nil
	}
	c, ok := sp.rib.best.get(p)
	if !ok {
		return nil
	}
	in := &m.groups[c.g]
	got := in.table[p]
	if got == nil {
		return nil
	}
	lp := got.localPref
	if in.ebgp() {
		lp = 100
	}
	plain := func() *adv {
		return &adv{nextHop: got.nextHop, asPath: got.asPath, localPref: lp, originator: got.originator,
			clusters: got.clusters, origin: got.origin, from: in.sender}
	}
	reflect := func() *adv {
		a := plain()
		if !a.originator.IsValid() {
			a.originator = m.p.Speakers[in.sender].Addr
		}
		a.clusters = append([]string{me.ClusterID}, got.clusters...)
		return a
	}
	switch g.kind {
	case groupIBGP:
		if in.ebgp() {
			return plain()
		}
		return nil // iBGP split horizon
	case groupRRClient:
		if in.ebgp() {
			return plain()
		}
		return reflect()
	case groupRRNonClient:
		if in.ebgp() {
			return plain()
		}
		if _, client := sp.clients[in.sender]; client {
			return reflect()
		}
		return nil // non-client routes go to clients only
	}
	// eBGP: own AS first, next hop self (unless keepOriginalNextHop),
	// reflection attributes are not sent across ASes.
	a := &adv{nextHop: g.addr, asPath: append([]uint32{me.AS}, got.asPath...), localPref: 100,
		origin: got.origin, from: in.sender}
	if g.keepNH {
		a.nextHop = got.nextHop
	}
	return a
}
