package sim

import (
	"fmt"
	"time"

	"github.com/calisim/calisim/sim/bgp"
)

// PeerStatus is one row of `calicoctl node status`.
type PeerStatus struct {
	PeerAddress string `json:"peerAddress"`
	PeerName    string `json:"peerName"`
	PeerType    string `json:"peerType"` // node-to-node mesh, global, node specific
	State       string `json:"state"`    // up, start
	Since       string `json:"since"`    // virtual time of the last change, hh:mm:ss
	Info        string `json:"info"`     // Established, Idle, Connect, OpenSent (+ why)
	RRClient    bool   `json:"rrClient,omitempty"`
}

// NodeStatus is a node's BGP status as calicoctl prints it.
type NodeStatus struct {
	Node  string       `json:"node"`
	Addr  string       `json:"address"`
	Peers []PeerStatus `json:"peers"`
}

// Status is node i's BGP peers, in the plan's session order.
func (tw *Twin) Status(i int) NodeStatus {
	sc, p := tw.Scenario, tw.Plan
	ns := NodeStatus{Node: sc.Nodes[i].Name, Addr: sc.Nodes[i].Addr.String(), Peers: []PeerStatus{}}
	sp, ok := p.NodeSpeaker(i)
	if !ok {
		return ns
	}
	for _, si := range p.PeersOf(sp) {
		s := &p.Sessions[si]
		st := bgp.SessionState{State: bgp.StateIdle}
		if si < len(tw.BGP.Sessions) {
			st = tw.BGP.Sessions[si]
		}
		other, addr := s.B, s.BAddr
		if s.B == sp {
			other, addr = s.A, s.AAddr
		}
		ps := PeerStatus{PeerAddress: addr.String(), PeerType: tw.peerType(s), Since: clock(st.Since)}
		if other >= 0 {
			ps.PeerName = p.Speakers[other].Ref()
		}
		ps.RRClient = (s.A == sp && s.RRClient[0]) || (s.B == sp && s.RRClient[1])
		if st.State == bgp.StateEstablished {
			ps.State, ps.Info = "up", "Established"
		} else {
			ps.State, ps.Info = "start", st.State.String()
			switch {
			case s.Refused != "":
				ps.Info += " " + s.Refused
			case !s.Reachable:
				ps.Info += " Socket: Connection timed out (TCP/179 blocked by " + s.Blocked + ")"
			case st.Reason != "":
				ps.Info += " " + st.Reason
			}
		}
		ns.Peers = append(ns.Peers, ps)
	}
	return ns
}

// peerType is calicoctl's PEER TYPE: mesh sessions, BGPPeers that name one
// node ("node specific") and BGPPeers for many nodes ("global").
func (tw *Twin) peerType(s *bgp.Session) string {
	if s.Kind == bgp.SessionMesh {
		return "node-to-node mesh"
	}
	for _, bp := range tw.Scenario.Resources.BGPPeers {
		if bp.Pos == s.Source && bp.Node != "" {
			return "node specific"
		}
	}
	return "global"
}

// clock prints a virtual time as BIRD prints a time of day.
func clock(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}
