package gobgp

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	api "github.com/osrg/gobgp/v3/api"

	"github.com/calisim/calisim/sim/bgp"
)

// peerView is what one end reports about one session.
type peerView struct {
	state   api.PeerState_SessionState
	updates uint64 // UPDATE messages it sent
}

// read collects every session's state and every speaker's best routes.
func (n *network) read(ctx context.Context) (bgp.Findings, error) {
	p := n.p
	f := bgp.Findings{
		Sessions: make([]bgp.SessionState, len(p.Sessions)),
		Down:     slices.Clone(n.down),
		Routes:   make([][]bgp.Route, len(p.Speakers)),
	}
	views := make([]map[netip.Addr]peerView, len(p.Speakers))
	for sp, k := range n.sp {
		if k == nil || n.down[sp] {
			continue
		}
		v := map[netip.Addr]peerView{}
		err := k.srv.ListPeer(ctx, &api.ListPeerRequest{}, func(pe *api.Peer) {
			if pe.State == nil || pe.Conf == nil {
				return
			}
			a, err := netip.ParseAddr(pe.Conf.NeighborAddress)
			if err != nil {
				return
			}
			pv := peerView{state: pe.State.SessionState}
			if m := pe.State.Messages; m != nil && m.Sent != nil {
				pv.updates = m.Sent.Update
			}
			v[a] = pv
		})
		if err != nil {
			return f, fmt.Errorf("gobgp engine: peers of %s: %w", p.Speakers[sp].Ref(), err)
		}
		views[sp] = v
		for _, pv := range v {
			f.Updates += int64(pv.updates)
		}
		routes, err := n.routes(ctx, sp)
		if err != nil {
			return f, err
		}
		f.Routes[sp] = routes
	}
	n.track.mu.Lock()
	defer n.track.mu.Unlock()
	for i := range p.Sessions {
		f.Sessions[i] = n.sessionState(i, views)
	}
	return f, nil
}

// sessionState is session i's state: the plan's or the failure's reason
// when it is not configured, else what the two ends report (Established
// only when both say so).
func (n *network) sessionState(i int, views []map[netip.Addr]peerView) bgp.SessionState {
	p := n.p
	s := &p.Sessions[i]
	switch {
	case n.why[i] != "":
		st := bgp.StateIdle
		if s.B < 0 || (s.Refused == "" && !s.Reachable) {
			st = bgp.StateConnect // the model's: BIRD keeps trying
		}
		return bgp.SessionState{State: st, Reason: n.why[i]}
	case n.adminDown[i]:
		return bgp.SessionState{State: bgp.StateIdle, Reason: "administratively down"}
	case n.down[s.A]:
		return bgp.SessionState{State: bgp.StateIdle, Reason: p.Speakers[s.A].Ref() + " is down"}
	case n.down[s.B]:
		return bgp.SessionState{State: bgp.StateIdle, Reason: p.Speakers[s.B].Ref() + " is down"}
	}
	ra, _ := n.addrs.loopOf(s.B, s.BAddr)
	rb, _ := n.addrs.loopOf(s.A, s.AAddr)
	a, b := views[s.A][ra].state, views[s.B][rb].state
	st := min(stateOf(a), stateOf(b))
	out := bgp.SessionState{State: st, Since: n.track.since(s.A, ra)}
	if st != bgp.StateEstablished {
		out.Reason = fmt.Sprintf("GoBGP: %s at %s, %s at %s", stateName(a), p.Speakers[s.A].Name, stateName(b), p.Speakers[s.B].Name)
	}
	return out
}

func stateOf(s api.PeerState_SessionState) bgp.State {
	switch s {
	case api.PeerState_ESTABLISHED:
		return bgp.StateEstablished
	case api.PeerState_OPENSENT, api.PeerState_OPENCONFIRM:
		return bgp.StateOpenSent
	case api.PeerState_CONNECT, api.PeerState_ACTIVE:
		return bgp.StateConnect
	}
	return bgp.StateIdle
}

func stateName(s api.PeerState_SessionState) string {
	if name, ok := api.PeerState_SessionState_name[int32(s)]; ok {
		return name
	}
	return fmt.Sprint(int32(s))
}

// routes reads speaker sp's best paths and maps them back to the plan:
// loopback addresses to underlay addresses and speakers.
func (n *network) routes(ctx context.Context, sp int) ([]bgp.Route, error) {
	p := n.p
	me := &p.Speakers[sp]
	var out []bgp.Route
	var ferr error
	err := n.sp[sp].srv.ListPath(ctx, &api.ListPathRequest{TableType: api.TableType_GLOBAL, Family: ipv4Unicast},
		func(d *api.Destination) {
			if ferr != nil {
				return
			}
			for _, path := range d.Paths {
				if !path.Best || path.IsWithdraw {
					continue
				}
				rt, err := n.route(sp, d.Prefix, path)
				if err != nil {
					ferr = fmt.Errorf("gobgp engine: %s: %w", me.Ref(), err)
					return
				}
				out = append(out, rt)
				break
			}
		})
	if err == nil {
		err = ferr
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b bgp.Route) int {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		return a.Prefix.Bits() - b.Prefix.Bits()
	})
	return out, nil
}

// route maps one GoBGP best path of speaker sp to a bgp.Route.
func (n *network) route(sp int, prefix string, path *api.Path) (bgp.Route, error) {
	p := n.p
	pf, err := netip.ParsePrefix(prefix)
	if err != nil {
		return bgp.Route{}, fmt.Errorf("prefix %q: %w", prefix, err)
	}
	rt := bgp.Route{Prefix: pf, From: -1, Origin: n.originOf(sp, pf), LocalPref: 100}
	if nb, err := netip.ParseAddr(path.NeighborIp); err == nil && !nb.IsUnspecified() {
		from, _ := n.addrs.underlay(nb)
		rt.From = from
	}
	if rt.From >= 0 {
		rt.EBGP = p.Speakers[rt.From].AS != p.Speakers[sp].AS
	}
	for _, a := range path.Pattrs {
		m, err := a.UnmarshalNew()
		if err != nil {
			return bgp.Route{}, fmt.Errorf("%s: attribute %s: %w", pf, a.TypeUrl, err)
		}
		switch at := m.(type) {
		case *api.NextHopAttribute:
			nh, err := netip.ParseAddr(at.NextHop)
			if err != nil {
				return bgp.Route{}, fmt.Errorf("%s: next hop %q: %w", pf, at.NextHop, err)
			}
			_, rt.NextHop = n.addrs.underlay(nh)
		case *api.AsPathAttribute:
			for _, seg := range at.Segments {
				rt.ASPath = append(rt.ASPath, seg.Numbers...)
			}
		case *api.LocalPrefAttribute:
			rt.LocalPref = at.LocalPref
		case *api.OriginatorIdAttribute:
			if id, err := netip.ParseAddr(at.Id); err == nil {
				rt.OriginatorID = id
			}
		case *api.ClusterListAttribute:
			rt.ClusterList = slices.Clone(at.Ids)
		}
	}
	if rt.From < 0 {
		rt.Reason = "local"
		if rt.Origin != sp {
			return bgp.Route{}, fmt.Errorf("%s: a local route of a prefix the plan gives to speaker %d", pf, rt.Origin)
		}
	}
	return rt, nil
}

// planPrefix is a prefix in one of the layout's plans (two plans may
// originate the same prefix).
type planPrefix struct {
	plan int
	pf   netip.Prefix
}

// originOf is the speaker that speaker sp's plan has originate pf (-1:
// none).
func (n *network) originOf(sp int, pf netip.Prefix) int {
	if n.origin == nil {
		n.origin = map[planPrefix]int{}
		for o, list := range n.p.Origins {
			for _, x := range list {
				k := planPrefix{n.p.spPlan[o], x}
				if _, dup := n.origin[k]; !dup {
					n.origin[k] = o
				}
			}
		}
	}
	if o, ok := n.origin[planPrefix{n.p.spPlan[sp], pf}]; ok {
		return o
	}
	return -1
}

// since is the wall time, from the start, of the last state change speaker
// sp saw on its session to neighbor nb. The caller holds t.mu.
func (t *tracker) since(sp int, nb netip.Addr) time.Duration {
	if at, ok := t.at[sp][nb]; ok {
		return at.Sub(t.start)
	}
	return 0
}
