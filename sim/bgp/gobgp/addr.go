package gobgp

import (
	"cmp"
	"net/netip"
	"slices"
)

// endpoint is one underlay address a speaker uses on its sessions (a node
// has one; a router one per interface that a BGPPeer names), and the
// loopback address that stands for it.
type endpoint struct {
	speaker int
	addr    netip.Addr // underlay
	loop    netip.Addr
}

// addrPlan maps every endpoint to a loopback address and back. Loopback
// addresses are handed out in the order of the underlay addresses, so that
// GoBGP's last tie-break (the lower neighbour address) orders paths as the
// underlay addresses do.
type addrPlan struct {
	ends    []endpoint
	index   map[spAddr]int     // (speaker, underlay address) -> endpoint
	byLoop  map[netip.Addr]int // loopback -> endpoint
	ofSpk   [][]int            // per speaker: its endpoints, the router ID's first
	hasSpk  []bool             // per speaker: it runs a BgpServer
	base    byte               // second octet: 127.base.x.y
	ports   []uint16           // per speaker: its listening port
	anyPort bool               // ports differ per speaker (179 was refused)
}

type spAddr struct {
	sp   int
	addr netip.Addr
}

// newAddrPlan collects the endpoints of every speaker that speaks: one with
// an AS and a valid router ID, plus the addresses its sessions use.
func newAddrPlan(p *layout, base byte) *addrPlan {
	a := &addrPlan{index: map[spAddr]int{}, byLoop: map[netip.Addr]int{}, base: base,
		ofSpk: make([][]int, len(p.Speakers)), hasSpk: make([]bool, len(p.Speakers))}
	add := func(sp int, addr netip.Addr) {
		if !addr.IsValid() || !addr.Is4() {
			return
		}
		k := spAddr{sp, addr}
		if _, ok := a.index[k]; ok {
			return
		}
		a.index[k] = len(a.ends)
		a.ends = append(a.ends, endpoint{speaker: sp, addr: addr})
	}
	for i := range p.Speakers {
		s := &p.Speakers[i]
		if s.AS != 0 && s.Addr.IsValid() && s.Addr.Is4() {
			a.hasSpk[i] = true
			add(i, s.Addr)
		}
	}
	for i := range p.Sessions {
		s := &p.Sessions[i]
		if s.B < 0 || !a.hasSpk[s.A] || !a.hasSpk[s.B] {
			continue
		}
		add(s.A, s.AAddr)
		add(s.B, s.BAddr)
	}
	order := make([]int, len(a.ends))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		if c := a.ends[x].addr.Compare(a.ends[y].addr); c != 0 {
			return c
		}
		return cmp.Compare(a.ends[x].speaker, a.ends[y].speaker)
	})
	for rank, e := range order {
		n := rank + 1
		loop := netip.AddrFrom4([4]byte{127, base, byte(n >> 8), byte(n)})
		a.ends[e].loop = loop
		a.byLoop[loop] = e
	}
	for e := range a.ends {
		sp := a.ends[e].speaker
		a.ofSpk[sp] = append(a.ofSpk[sp], e)
	}
	return a
}

// loopOf returns the loopback address of speaker sp's underlay address.
func (a *addrPlan) loopOf(sp int, addr netip.Addr) (netip.Addr, bool) {
	e, ok := a.index[spAddr{sp, addr}]
	if !ok {
		return netip.Addr{}, false
	}
	return a.ends[e].loop, true
}

// underlay maps a loopback address back to the speaker and its underlay
// address; any other address is returned as it is, with speaker -1.
func (a *addrPlan) underlay(loop netip.Addr) (int, netip.Addr) {
	if e, ok := a.byLoop[loop]; ok {
		return a.ends[e].speaker, a.ends[e].addr
	}
	return -1, loop
}

// listen lists speaker sp's loopback addresses.
func (a *addrPlan) listen(sp int) []string {
	out := make([]string, 0, len(a.ofSpk[sp]))
	for _, e := range a.ofSpk[sp] {
		out = append(out, a.ends[e].loop.String())
	}
	return out
}
