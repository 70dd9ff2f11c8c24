package bgp

import (
	"math/bits"
	"net/netip"
	"slices"
	"sync"
)

// cand is a RIB entry: the update group the best path came from, the
// runner-up's group (-1: none) and why the best won.
type cand struct {
	g, g2 int32
	why   reason
}

// rib is a receive-side RIB: the best learned path per prefix over a set of
// subscribed update groups. A caring speaker (one that passes learned routes
// on: a reflector, a router, a node with eBGP peers) owns a private rib whose
// import also drops what the owner itself sent (ORIGINATOR_ID, the route's
// own source). Every other speaker shares a rib with all speakers of the same
// AS that are subscribed to exactly the same groups: 10,000 clients of the
// same reflectors hold one table. Their own prefixes are local routes, which
// win over anything learned, so the shared table needs no per-member filter.
type rib struct {
	id      int32
	owner   int32 // the caring speaker; -1: shared
	as      uint32
	cluster string
	ownerID netip.Addr
	subs    []uint64 // bitset over update groups
	nsubs   int
	hash    uint64 // XOR of the subscribed groups' hashes (shared ribs)
	// memoHash is the hash the rib is registered under in ribMemo.
	memoHash uint64
	memoed   bool
	dropped  bool // forgotten: no longer in ribMemo nor in any group
	best     candTable
	refs     int

	ver   int64
	marks []peakMark // sizes, a stack decreasing from the bottom (see maxSince)

	once   sync.Once // results: sorted prefixes, made on first read
	sorted []int32
}

type peakMark struct {
	ver  int64
	size int32
}

func (o *rib) has(g int32) bool { return o.subs[g>>6]&(1<<(uint(g)&63)) != 0 }

func (o *rib) setBit(g int32, on bool) {
	if on {
		o.subs[g>>6] |= 1 << (uint(g) & 63)
	} else {
		o.subs[g>>6] &^= 1 << (uint(g) & 63)
	}
}

// mark records the current size; the stack keeps, for any version v, the
// largest size since v at the first entry with ver >= v.
func (o *rib) mark() {
	o.ver++
	size := int32(o.best.len())
	for len(o.marks) > 0 && o.marks[len(o.marks)-1].size <= size {
		o.marks = o.marks[:len(o.marks)-1]
	}
	o.marks = append(o.marks, peakMark{o.ver, size})
}

// maxSince is the largest size the rib had since version v.
func (o *rib) maxSince(v int64) int {
	i, _ := slices.BinarySearchFunc(o.marks, v, func(m peakMark, v int64) int {
		switch {
		case m.ver < v:
			return -1
		case m.ver > v:
			return 1
		}
		return 0
	})
	if i < len(o.marks) {
		return int(o.marks[i].size)
	}
	return o.best.len()
}

// prefixes returns the rib's prefixes, sorted (made once, after the run).
func (o *rib) prefixes() []int32 {
	o.once.Do(func() {
		o.sorted = o.best.keys()
	})
	return o.sorted
}

func (m *model) newRIB(owner int32, as uint32, cluster string) *rib {
	o := &rib{id: m.nextRIB, owner: owner, as: as, cluster: cluster, subs: make([]uint64, (len(m.groups)+63)/64),
		best: newCandTable(len(m.prefixes))}
	m.nextRIB++
	if owner >= 0 {
		o.ownerID = m.p.Speakers[owner].Addr
	}
	o.mark()
	return o
}

// accept is import: AS path loop (RFC 4271 9.1.2), cluster list loop (RFC
// 4456 8), and for a private rib what its owner sent itself (ORIGINATOR_ID,
// the route's own source, its own prefixes).
func (m *model) accept(o *rib, a *adv) bool {
	if slices.Contains(a.asPath, o.as) {
		return false
	}
	if o.cluster != "" && slices.Contains(a.clusters, o.cluster) {
		return false
	}
	if o.owner >= 0 && (a.from == o.owner || a.origin == o.owner || (a.originator.IsValid() && a.originator == o.ownerID)) {
		return false
	}
	return true
}

// candidateOf is the path group g offers for prefix p, as o imports it.
func (m *model) candidateOf(g int32, a *adv) candidate {
	gr := &m.groups[g]
	s := &m.p.Speakers[gr.sender]
	c := candidate{adv: a, group: g, localPref: a.localPref, ebgp: gr.ebgp(), peerAS: s.AS, peerID: s.Addr, peerAddr: gr.addr}
	if c.ebgp {
		c.localPref = 100
	}
	return c
}

// offer tells o that group g now advertises (or changed) prefix p.
func (m *model) offer(o *rib, g int32, p int32) {
	cur, ok := o.best.get(p)
	if ok && (cur.g == g || cur.g2 == g) {
		m.recompute(o, p, g)
		return
	}
	a := m.groups[g].table[p]
	if a == nil || !m.accept(o, a) {
		return
	}
	if !ok {
		o.best.set(p, cand{g: g, g2: -1, why: reasonOnly})
		m.ribChanged(o, p)
		return
	}
	cn := m.candidateOf(g, a)
	cb := m.candidateOf(cur.g, m.groups[cur.g].table[p])
	if c, why := better(&cn, &cb); c < 0 {
		o.best.set(p, cand{g: g, g2: cur.g, why: why})
		m.ribChanged(o, p)
		return
	}
	if cur.g2 >= 0 {
		cs := m.candidateOf(cur.g2, m.groups[cur.g2].table[p])
		if c, _ := better(&cn, &cs); c >= 0 {
			return
		}
	}
	_, why := better(&cb, &cn)
	o.best.set(p, cand{g: cur.g, g2: g, why: why})
}

// withdrawn tells o that group g no longer advertises prefix p.
func (m *model) withdrawn(o *rib, g int32, p int32) {
	if cur, ok := o.best.get(p); ok && (cur.g == g || cur.g2 == g) {
		m.recompute(o, p, g)
	}
}

// recompute selects o's best and runner-up for p from scratch, over every
// group that ever carried p. changed is the group whose advertisement
// changed: a best path from it counts as a change even if it stays best.
func (m *model) recompute(o *rib, p int32, changed int32) {
	old, had := o.best.get(p)
	var best, second candidate
	nb := 0
	for _, g := range m.prefixGroups[p] {
		if !o.has(g) {
			continue
		}
		a := m.groups[g].table[p]
		if a == nil || !m.accept(o, a) {
			continue
		}
		c := m.candidateOf(g, a)
		switch {
		case nb == 0:
			best = c
		case nb == 1:
			if r, _ := better(&c, &best); r < 0 {
				best, second = c, best
			} else {
				second = c
			}
		default:
			if r, _ := better(&c, &best); r < 0 {
				best, second = c, best
			} else if r, _ := better(&c, &second); r < 0 {
				second = c
			}
		}
		nb++
	}
	switch {
	case nb == 0:
		if had {
			o.best.del(p)
			m.ribChanged(o, p)
		}
		return
	case nb == 1:
		o.best.set(p, cand{g: best.group, g2: -1, why: reasonOnly})
	default:
		_, why := better(&best, &second)
		o.best.set(p, cand{g: best.group, g2: second.group, why: why})
	}
	if !had || old.g != best.group || best.group == changed {
		m.ribChanged(o, p)
	}
}

// ribChanged records a change of o's best path for p: the owner re-exports
// it; sizes are tracked for PeakRoutes.
func (m *model) ribChanged(o *rib, p int32) {
	m.activity()
	o.mark()
	if o.owner >= 0 {
		m.localChanged(o.owner, p)
	}
}

// addSub subscribes o to group g and imports its table.
func (m *model) addSub(o *rib, g int32) {
	o.setBit(g, true)
	o.nsubs++
	o.hash ^= m.ghash[g]
	gr := &m.groups[g]
	gr.addObj(o)
	for _, p := range gr.keys {
		m.offer(o, g, p)
	}
}

// removeSub unsubscribes o from group g and forgets its paths.
func (m *model) removeSub(o *rib, g int32) {
	o.setBit(g, false)
	o.nsubs--
	o.hash ^= m.ghash[g]
	gr := &m.groups[g]
	gr.removeObj(o)
	for _, p := range gr.keys {
		m.withdrawn(o, g, p)
	}
}

// subscribe makes speaker y a member of group g (its session to the sender
// is Established and the sender's table has been received).
func (m *model) subscribe(y int32, g int32) {
	m.groups[g].members++
	sp := &m.sp[y]
	if sp.rib.owner >= 0 || sp.solo {
		m.addSub(sp.rib, g)
		return
	}
	m.rekey(y, g, true)
}

// unsubscribe drops group g from speaker y's RIB (its session went down).
func (m *model) unsubscribe(y int32, g int32) {
	m.groups[g].members--
	sp := &m.sp[y]
	if sp.rib.owner >= 0 || sp.solo {
		m.removeSub(sp.rib, g)
		return
	}
	m.rekey(y, g, false)
}

// rekey moves a sharing speaker to the rib for its new subscription set:
// an existing one if some speaker has (or had) that set, else a copy of its
// rib with the one group more or less. Ribs of a set are kept when their
// last speaker leaves (up to maxIdle of them), because the next twin
// usually comes the same way: 10,000 clients bringing up sessions to 4
// reflectors visit at most 16 sets, and each set is built once.
func (m *model) rekey(y int32, g int32, add bool) {
	sp := &m.sp[y]
	o := sp.rib
	h := o.hash ^ m.ghash[g]
	if o2 := m.findShared(h, o, g); o2 != nil {
		m.leave(y)
		m.join(y, o2)
		return
	}
	o2 := m.cloneRIB(o)
	if add {
		m.addSub(o2, g)
	} else {
		m.removeSub(o2, g)
	}
	m.memo(o2)
	m.leave(y)
	m.join(y, o2)
}

// findShared finds the shared rib of o's class whose subscriptions are o's
// with group g toggled.
func (m *model) findShared(h uint64, o *rib, g int32) *rib {
	for _, c := range m.ribMemo[h] {
		if c == o || c.dropped || c.hash != h || c.as != o.as || c.cluster != o.cluster {
			continue
		}
		same := true
		w := int(g >> 6)
		for i := range c.subs {
			x := o.subs[i]
			if i == w {
				x ^= 1 << (uint(g) & 63)
			}
			if c.subs[i] != x {
				same = false
				break
			}
		}
		if same {
			return c
		}
	}
	return nil
}

func (m *model) memo(o *rib) {
	o.memoHash, o.memoed = o.hash, true
	m.ribMemo[o.hash] = append(m.ribMemo[o.hash], o)
}

func (m *model) unmemo(o *rib) {
	if !o.memoed {
		return
	}
	o.memoed = false
	list := m.ribMemo[o.memoHash]
	for i, c := range list {
		if c == o {
			list = slices.Delete(list, i, i+1)
			break
		}
	}
	if len(list) == 0 {
		delete(m.ribMemo, o.memoHash)
	} else {
		m.ribMemo[o.memoHash] = list
	}
}

// join makes speaker y share rib o.
func (m *model) join(y int32, o *rib) {
	o.refs++
	o.mark()
	m.sp[y].rib = o
	m.sp[y].joinVer = o.ver
}

// leave takes speaker y off its shared rib, noting its peak; a rib nobody
// uses any more is dropped.
func (m *model) leave(y int32) {
	sp := &m.sp[y]
	o := sp.rib
	m.notePeak(y)
	sp.rib = nil
	o.refs--
	if o.refs > 0 {
		return
	}
	m.idle = append(m.idle, o)
	for len(m.idle) > maxIdle {
		old := m.idle[0]
		m.idle = m.idle[1:]
		if old.refs == 0 && !old.dropped {
			m.dropShared(old)
		}
	}
}

// maxIdle is how many shared ribs nobody uses are kept for the next twin.
const maxIdle = 64

// dropShared forgets a shared rib nobody uses.
func (m *model) dropShared(o *rib) {
	o.dropped = true
	m.unmemo(o)
	for w, word := range o.subs {
		for word != 0 {
			b := int32(w*64) + int32(bits.TrailingZeros64(word))
			word &= word - 1
			m.groups[b].removeObj(o)
		}
	}
}

// cloneRIB copies o (not its members) and subscribes the copy to o's groups.
func (m *model) cloneRIB(o *rib) *rib {
	c := &rib{id: m.nextRIB, owner: -1, as: o.as, cluster: o.cluster, subs: slices.Clone(o.subs),
		nsubs: o.nsubs, hash: o.hash, best: o.best.clone()}
	m.nextRIB++
	c.mark()
	for w, word := range c.subs {
		for word != 0 {
			b := int32(w*64) + int32(bits.TrailingZeros64(word))
			word &= word - 1
			m.groups[b].addObj(c)
		}
	}
	return c
}

// notePeak folds the size of y's rib since y joined it into y's peak.
func (m *model) notePeak(y int32) {
	sp := &m.sp[y]
	if sp.rib == nil {
		return
	}
	// Own prefixes reflected back sit in a shared rib too; the local route
	// covers them, so they count once.
	n := sp.rib.maxSince(sp.joinVer) + len(sp.locals)
	for _, p := range sp.locals {
		if _, dup := sp.rib.best.get(p); dup {
			n--
		}
	}
	if n > sp.peak {
		sp.peak = n
	}
}

// prefixesNow returns the rib's prefixes now, sorted (during a run).
func (o *rib) prefixesNow() []int32 { return o.best.keys() }

func (o *rib) bestOf(p int32) cand {
	c, _ := o.best.get(p)
	return c
}
