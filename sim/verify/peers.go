package verify

import (
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
	"github.com/calisim/calisim/sim/verify/internal/birdcfg"
)

// nodeAS is the node's AS: its own, else the global BGPConfiguration's.
func nodeAS(sc *topology.Scenario, i int) uint32 {
	if as := sc.Nodes[i].ASNumber; as != 0 {
		return as
	}
	if as := sc.Resources.BGP.ASNumber; as != 0 {
		return as
	}
	return 64512
}

// bgpPeers works out each node's BGP sessions the way confd does from the
// datastore, independently of the twin's BGP plan (which verify checks):
//
//   - the node-to-node mesh (when enabled) between every two nodes that are
//     not route reflectors (a reflector ignores the mesh setting, and the
//     mesh skips reflectors), as Mesh_<ip>;
//   - each BGPPeer on the nodes it applies to (node, nodeSelector, or every
//     node): with peerIP, that address and asNumber; with peerSelector, every
//     other matching node at its own address and AS, and on each node the
//     peerSelector matches the other end of that session (confd configures
//     both). A BGPPeer naming no node
//     and no nodeSelector with a peerIP is a global peer (Global_<ip>); every
//     other becomes a node-specific peer (Node_<ip>).
//
// The first session to an address wins, as confd keys peers by address. A
// bad selector is a FieldError at the BGPPeer.
func bgpPeers(sc *topology.Scenario) ([][]birdcfg.Peer, error) {
	n := len(sc.Nodes)
	out := make([][]birdcfg.Peer, n)
	seen := make([]map[netip.Addr]bool, n)
	for i := range seen {
		seen[i] = map[netip.Addr]bool{}
	}
	add := func(i int, p birdcfg.Peer) {
		if !p.Addr.IsValid() || p.Addr == sc.Nodes[i].Addr || seen[i][p.Addr] {
			return
		}
		seen[i][p.Addr] = true
		out[i] = append(out[i], p)
	}
	labels := func(i int) selector.Labels { return selector.Map(sc.Nodes[i].Labels) }

	if sc.Resources.BGP.NodeToNodeMeshEnabled {
		for i := range sc.Nodes {
			if sc.Nodes[i].IsReflector() {
				continue
			}
			for j := range sc.Nodes {
				if i == j || sc.Nodes[j].IsReflector() {
					continue
				}
				add(i, birdcfg.Peer{Kind: birdcfg.PeerMesh, Addr: sc.Nodes[j].Addr, AS: nodeAS(sc, j),
					Description: "node/" + sc.Nodes[j].Name})
			}
		}
	}

	routerAt := map[netip.Addr]string{}
	for _, r := range sc.Underlay.Routers {
		for _, in := range r.Interfaces {
			routerAt[in.Addr] = r.Name
		}
	}
	for k := range sc.Resources.BGPPeers {
		bp := &sc.Resources.BGPPeers[k]
		applies := func(int) bool { return true }
		switch {
		case bp.Node != "":
			applies = func(i int) bool { return sc.Nodes[i].Name == bp.Node }
		case bp.NodeSelector != "":
			sel, err := selector.Parse(bp.NodeSelector)
			if err != nil {
				return nil, topology.Errorf(bp.Pos, bp.Pos.Path+".spec.nodeSelector", "%v", err)
			}
			applies = func(i int) bool { return sel.Matches(labels(i)) }
		}
		kind := birdcfg.PeerNode
		if bp.Node == "" && bp.NodeSelector == "" && bp.PeerSelector == "" {
			kind = birdcfg.PeerGlobal
		}
		var peerSel *selector.Selector
		if bp.PeerSelector != "" {
			s, err := selector.Parse(bp.PeerSelector)
			if err != nil {
				return nil, topology.Errorf(bp.Pos, bp.Pos.Path+".spec.peerSelector", "%v", err)
			}
			peerSel = s
		}
		for i := range sc.Nodes {
			if !applies(i) {
				continue
			}
			if peerSel == nil {
				desc := "bgppeer/" + bp.Name
				if r, ok := routerAt[bp.PeerIP]; ok {
					desc = "router/" + r
				}
				add(i, birdcfg.Peer{Kind: kind, Addr: bp.PeerIP, Port: bp.PeerPort, AS: bp.ASNumber,
					KeepNextHop: bp.KeepOriginalNextHop, Description: desc})
				continue
			}
			for j := range sc.Nodes {
				if j == i || !peerSel.Matches(labels(j)) {
					continue
				}
				add(i, birdcfg.Peer{Kind: kind, Addr: sc.Nodes[j].Addr, AS: nodeAS(sc, j),
					ClusterID: sc.Nodes[j].RouteReflectorClusterID, Description: "node/" + sc.Nodes[j].Name})
				// confd configures the other end too: on a node the
				// peerSelector matches, a session to every node the BGPPeer
				// applies to.
				add(j, birdcfg.Peer{Kind: kind, Addr: sc.Nodes[i].Addr, AS: nodeAS(sc, i),
					ClusterID: sc.Nodes[i].RouteReflectorClusterID, Description: "node/" + sc.Nodes[i].Name})
			}
		}
	}
	return out, nil
}

// routerPeers lists, for every router with an AS number, the nodes whose
// sessions name one of its addresses.
func routerPeers(sc *topology.Scenario, g *topology.Graph, peers [][]birdcfg.Peer) [][]birdcfg.RouterPeer {
	out := make([][]birdcfg.RouterPeer, len(sc.Underlay.Routers))
	for r := range sc.Underlay.Routers {
		rt := &sc.Underlay.Routers[r]
		if rt.ASNumber == 0 {
			continue
		}
		mine := map[netip.Addr]bool{}
		attached := map[string]bool{}
		for _, in := range rt.Interfaces {
			mine[in.Addr] = true
			attached[in.Subnet] = true
		}
		for i := range sc.Nodes {
			for _, p := range peers[i] {
				if !mine[p.Addr] {
					continue
				}
				out[r] = append(out[r], birdcfg.RouterPeer{
					Node: sc.Nodes[i].Name, Addr: sc.Nodes[i].Addr, AS: nodeAS(sc, i),
					Direct: attached[sc.Nodes[i].Subnet],
				})
				break
			}
		}
	}
	return out
}

// peerAddr takes the neighbour address back out of a Calico protocol name
// (Mesh_10_0_1_11, Node_10_0_2_20_port_1179).
func peerAddr(protocol string) (netip.Addr, bool) {
	for _, pre := range []string{"Mesh_", "Global_", "Node_"} {
		if len(protocol) <= len(pre) || protocol[:len(pre)] != pre {
			continue
		}
		rest := protocol[len(pre):]
		var a, b, c, d int
		if _, err := fmt.Sscanf(rest, "%d_%d_%d_%d", &a, &b, &c, &d); err != nil {
			return netip.Addr{}, false
		}
		for _, x := range []int{a, b, c, d} {
			if x < 0 || x > 255 {
				return netip.Addr{}, false
			}
		}
		return netip.AddrFrom4([4]byte{byte(a), byte(b), byte(c), byte(d)}), true
	}
	return netip.Addr{}, false
}
