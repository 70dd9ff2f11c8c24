package bgp

import (
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// peer adds the sessions of BGPPeer i: its local nodes (Node, NodeSelector,
// or every node for a global peer) with its remote end (the nodes
// PeerSelector selects, or the speaker at PeerIP).
func (b *builder) peer(i int) error {
	p := b.p
	bp := &p.sc.Resources.BGPPeers[i]
	locals, err := b.localNodes(bp)
	if err != nil {
		return err
	}
	switch {
	case bp.PeerSelector != "":
		sel, err := selector.Parse(bp.PeerSelector)
		if err != nil {
			return topology.Errorf(bp.Pos, fieldPath(bp.Pos, "spec.peerSelector"), "peerSelector %q: %v", bp.PeerSelector, err)
		}
		var remotes []int
		for j := range p.sc.Nodes {
			if sel.Matches(selector.Map(p.sc.Nodes[j].Labels)) {
				remotes = append(remotes, j)
			}
		}
		if n := int64(len(locals)) * int64(len(remotes)); n+int64(len(p.Sessions)+len(b.extra)) > MaxSessions {
			return topology.Errorf(bp.Pos, fieldPath(bp.Pos, "spec.peerSelector"), "BGPPeer %q peers %d nodes with %d: up to %d BGP sessions; "+
				"calisim simulates at most %d: select fewer peers (route reflectors)", bp.Name, len(locals), len(remotes), n, MaxSessions)
		}
		for _, l := range locals {
			for _, r := range remotes {
				if l == r || !p.Speakers[l].Addr.IsValid() || !p.Speakers[r].Addr.IsValid() {
					continue // a node never peers itself
				}
				b.add(b.peerNodes(l, r, bp))
			}
		}
	case bp.PeerIP.IsValid():
		for _, l := range locals {
			if p.Speakers[l].Addr == bp.PeerIP || !p.Speakers[l].Addr.IsValid() {
				continue
			}
			b.add(b.peerIP(l, bp))
		}
	default:
		return topology.Errorf(bp.Pos, fieldPath(bp.Pos, "spec"), "BGPPeer %q has neither peerIP nor peerSelector", bp.Name)
	}
	return nil
}

// localNodes lists the nodes a BGPPeer applies to.
func (b *builder) localNodes(bp *topology.BGPPeer) ([]int, error) {
	p := b.p
	switch {
	case bp.Node != "":
		n, ok := b.nodeName[bp.Node]
		if !ok {
			return nil, topology.Errorf(bp.Pos, fieldPath(bp.Pos, "spec.node"), "BGPPeer %q names node %q, which is not in the scenario", bp.Name, bp.Node)
		}
		return []int{n}, nil
	case bp.NodeSelector != "":
		sel, err := selector.Parse(bp.NodeSelector)
		if err != nil {
			return nil, topology.Errorf(bp.Pos, fieldPath(bp.Pos, "spec.nodeSelector"), "nodeSelector %q: %v", bp.NodeSelector, err)
		}
		var out []int
		for j := range p.sc.Nodes {
			if sel.Matches(selector.Map(p.sc.Nodes[j].Labels)) {
				out = append(out, j)
			}
		}
		return out, nil
	}
	out := make([]int, len(p.sc.Nodes))
	for j := range out {
		out[j] = j
	}
	return out, nil
}

// peerNodes is a BGPPeer session between calico nodes l and r.
func (b *builder) peerNodes(l, r int, bp *topology.BGPPeer) Session {
	s := b.nodeSession(l, r)
	s.Kind = SessionPeer
	if s.RRClient[0] || s.RRClient[1] {
		s.Kind = SessionReflector
	}
	s.KeepNextHop[0] = bp.KeepOriginalNextHop
	s.Source = bp.Pos
	return s
}

// peerIP is a BGPPeer session from node l to PeerIP: a calico node with that
// address, a router that speaks BGP on it, or nobody.
func (b *builder) peerIP(l int, bp *topology.BGPPeer) Session {
	p := b.p
	if n, ok := b.nodeAddr[bp.PeerIP]; ok {
		s := b.peerNodes(l, n, bp)
		if bp.ASNumber != 0 && bp.ASNumber != p.Speakers[n].AS {
			s.Refused = badPeerAS(bp.PeerIP, bp.ASNumber, p.Speakers[n].AS)
		}
		return s
	}
	local := &p.Speakers[l]
	s := Session{A: l, B: -1, AAddr: local.Addr, BAddr: bp.PeerIP, Kind: SessionRouter, Client: -1, Passive: -1, Source: bp.Pos}
	s.KeepNextHop[0] = bp.KeepOriginalNextHop
	s.Reachable, s.Blocked = b.reachable(l, -1, local.Addr, bp.PeerIP)
	r, isRouter := p.g.RouterAt(bp.PeerIP)
	switch {
	case !isRouter:
		s.Refused = fmt.Sprintf("no BGP speaker at %s", bp.PeerIP)
		s.EBGP = bp.ASNumber != local.AS
	case p.routerSpeaker[r] < 0:
		s.Refused = fmt.Sprintf("no BGP speaker at %s (router/%s has no asNumber)", bp.PeerIP, p.sc.Underlay.Routers[r].Name)
		s.EBGP = bp.ASNumber != local.AS
	default:
		s.B = p.routerSpeaker[r]
		rs := &p.Speakers[s.B]
		s.EBGP = rs.AS != local.AS
		if bp.ASNumber != 0 && bp.ASNumber != rs.AS {
			s.Refused = badPeerAS(bp.PeerIP, bp.ASNumber, rs.AS)
		}
		b.rr(&s)
	}
	return s
}

// badPeerAS is BIRD's complaint when the OPEN carries another AS than the
// one configured.
func badPeerAS(ip netip.Addr, configured, actual uint32) string {
	return fmt.Sprintf("bad peer AS: %s speaks AS %d, the BGPPeer says %d", ip, actual, configured)
}

// fieldPath joins a resource's document path and a field inside it.
func fieldPath(pos topology.Pos, field string) string {
	if pos.Path == "" {
		return field
	}
	return pos.Path + "." + field
}
