package topology

import (
	"net/netip"
)

// Resources are the Calico and Kubernetes resources of the scenario after
// loading and defaulting, in input order (IPPools sorted by name, as IPAM
// picks the first matching pool by name).
type Resources struct {
	IPPools               []IPPool
	BGP                   BGPConfig // the effective global BGPConfiguration ("default")
	BGPPeers              []BGPPeer
	Felix                 FelixConfig // the effective FelixConfiguration ("default")
	Tiers                 []Tier
	GlobalNetworkPolicies []Policy
	NetworkPolicies       []Policy // Calico projectcalico.org/v3 NetworkPolicy
	KubeNetworkPolicies   []KubeNetworkPolicy
	GlobalNetworkSets     []NetworkSet
	NetworkSets           []NetworkSet
	Profiles              []Profile
}

// IPPool is a Calico IPPool, defaulted (blockSize 26, Never modes, all()).
type IPPool struct {
	Name             string
	CIDR             netip.Prefix
	BlockSize        int
	IPIPMode         EncapMode
	VXLANMode        EncapMode
	NATOutgoing      bool
	Disabled         bool
	DisableBGPExport bool
	NodeSelector     string // Calico selector; "all()" when absent
	Pos              Pos
	Default          bool // made by calisim: no pool was given
}

// Encap is the encapsulation the pool's traffic uses when it encapsulates.
func (p *IPPool) Encap() Encap {
	switch {
	case p.IPIPMode.Enabled():
		return EncapIPIP
	case p.VXLANMode.Enabled():
		return EncapVXLAN
	}
	return EncapNone
}

// EncapMode is the mode of the pool's encapsulation (Never when native).
func (p *IPPool) EncapMode() EncapMode {
	switch {
	case p.IPIPMode.Enabled():
		return p.IPIPMode
	case p.VXLANMode.Enabled():
		return p.VXLANMode
	}
	return EncapNever
}

// BGPConfig is the effective global BGPConfiguration.
type BGPConfig struct {
	NodeToNodeMeshEnabled bool   // default true
	ASNumber              uint32 // default 64512
	ListenPort            int    // default 179
	// ServiceClusterIPs etc. are accepted but not modelled.
	Pos Pos
}

// BGPPeer is a Calico BGPPeer. With PeerSelector it peers Calico nodes; with
// PeerIP and ASNumber an outside router. Node names one node; NodeSelector
// selects nodes; neither is a global peer (every node).
type BGPPeer struct {
	Name                string
	Node                string
	NodeSelector        string
	PeerSelector        string
	PeerIP              netip.Addr
	PeerPort            int // 0: 179
	ASNumber            uint32
	KeepOriginalNextHop bool
	Pos                 Pos
}

// FelixConfig is the effective MTU configuration: FelixConfiguration's
// ipipMTU/vxlanMTU/wireguardMTU, and VethMTU from calico-config's veth_mtu or
// the operator Installation's calicoNetwork.mtu (0 everywhere: computed).
type FelixConfig struct {
	VethMTU      int
	VethMTUPos   Pos
	IPIPMTU      int
	VXLANMTU     int
	WireguardMTU int
	IPIPEnabled  *bool
	VXLANEnabled *bool
	Pos          Pos
}
