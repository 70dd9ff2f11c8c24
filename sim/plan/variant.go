package plan

import (
	"maps"
	"slices"

	"github.com/calisim/calisim/sim/topology"
)

// Encapsulation is a routing choice applied to every IPPool.
type Encapsulation string

const (
	EncapNone             Encapsulation = "none"
	EncapIPIP             Encapsulation = "ipip"
	EncapIPIPCrossSubnet  Encapsulation = "ipip-crosssubnet"
	EncapVXLAN            Encapsulation = "vxlan"
	EncapVXLANCrossSubnet Encapsulation = "vxlan-crosssubnet"
)

// Encapsulations lists every choice, in the reference's order of
// preference when each reaches every pair: native first, then CrossSubnet
// (native inside a subnet), then full overlays; IPIP before VXLAN for its
// smaller overhead.
var Encapsulations = []Encapsulation{EncapNone, EncapIPIPCrossSubnet, EncapVXLANCrossSubnet, EncapIPIP, EncapVXLAN}

// modes are the pool modes of an encapsulation: ipipMode, vxlanMode.
func (e Encapsulation) modes() (ipip, vxlan topology.EncapMode) {
	switch e {
	case EncapIPIP:
		return topology.EncapAlways, topology.EncapNever
	case EncapIPIPCrossSubnet:
		return topology.EncapCrossSubnet, topology.EncapNever
	case EncapVXLAN:
		return topology.EncapNever, topology.EncapAlways
	case EncapVXLANCrossSubnet:
		return topology.EncapNever, topology.EncapCrossSubnet
	}
	return topology.EncapNever, topology.EncapNever
}

func (e Encapsulation) vxlan() bool { return e == EncapVXLAN || e == EncapVXLANCrossSubnet }

// Layout is a BGP layout.
type Layout string

const (
	LayoutMesh       Layout = "full-mesh"
	LayoutReflectors Layout = "route-reflectors"
	LayoutScenario   Layout = "scenario"
)

// Names of what the plan adds to the scenario for the reflector layout.
const (
	reflectorLabel      = "route-reflector"
	reflectorClusterID  = "224.0.0.1"
	peerNodesToRR       = "calisim-plan-node-to-rr"
	peerRRToRR          = "calisim-plan-rr-to-rr"
	reflectorsPerSubnet = 2
)

// withEncapsulation returns a copy of sc whose every IPPool uses e. A
// BGP-routed choice (native or IPIP) needs the BIRD backend; VXLAN keeps
// the scenario's backend.
func withEncapsulation(sc *topology.Scenario, e Encapsulation) *topology.Scenario {
	cp := *sc
	cp.Resources.IPPools = slices.Clone(sc.Resources.IPPools)
	ipip, vxlan := e.modes()
	for i := range cp.Resources.IPPools {
		cp.Resources.IPPools[i].IPIPMode = ipip
		cp.Resources.IPPools[i].VXLANMode = vxlan
	}
	if !e.vxlan() && cp.Calico.Backend != topology.BackendBird {
		cp.Calico.Backend = topology.BackendBird
	}
	return &cp
}

// withLayout returns a copy of sc with BGP laid out as l. Both generated
// layouts drop the scenario's node-to-node BGPPeers and reflector settings
// and keep its peerings with routers (peerIP).
func withLayout(sc *topology.Scenario, l Layout) *topology.Scenario {
	if l == LayoutScenario {
		return sc
	}
	cp := *sc
	cp.Resources.BGPPeers = nil
	for _, p := range sc.Resources.BGPPeers {
		if p.PeerIP.IsValid() {
			cp.Resources.BGPPeers = append(cp.Resources.BGPPeers, p)
		}
	}
	cp.Nodes = make([]topology.Node, len(sc.Nodes))
	for i, n := range sc.Nodes {
		n.Labels = maps.Clone(n.Labels)
		delete(n.Labels, reflectorLabel)
		n.RouteReflectorClusterID = ""
		cp.Nodes[i] = n
	}
	switch l {
	case LayoutMesh:
		cp.Resources.BGP.NodeToNodeMeshEnabled = true
	case LayoutReflectors:
		cp.Resources.BGP.NodeToNodeMeshEnabled = false
		perSubnet := map[string]int{}
		for i := range cp.Nodes {
			n := &cp.Nodes[i]
			if perSubnet[n.Subnet] >= reflectorsPerSubnet {
				continue
			}
			perSubnet[n.Subnet]++
			if n.Labels == nil {
				n.Labels = map[string]string{}
			}
			n.Labels[reflectorLabel] = "true"
			n.RouteReflectorClusterID = reflectorClusterID
		}
		// As the reference configures them: nodes peer with every
		// reflector, reflectors with each other.
		cp.Resources.BGPPeers = append(cp.Resources.BGPPeers,
			topology.BGPPeer{Name: peerNodesToRR, NodeSelector: "!has(" + reflectorLabel + ")", PeerSelector: "has(" + reflectorLabel + ")"},
			topology.BGPPeer{Name: peerRRToRR, NodeSelector: "has(" + reflectorLabel + ")", PeerSelector: "has(" + reflectorLabel + ")"},
		)
	}
	return &cp
}

// ownLayoutIsMesh reports whether the scenario's own BGP layout is the
// plain full mesh (mesh on, no node-to-node peers, no reflectors), so that
// the plan does not run it twice.
func ownLayoutIsMesh(sc *topology.Scenario) bool {
	if !sc.Resources.BGP.NodeToNodeMeshEnabled {
		return false
	}
	for _, p := range sc.Resources.BGPPeers {
		if !p.PeerIP.IsValid() {
			return false
		}
	}
	for i := range sc.Nodes {
		if sc.Nodes[i].IsReflector() {
			return false
		}
	}
	return true
}
