package topology

import (
	"net/netip"
)

// PolicyKind says where a Policy came from.
type PolicyKind string

const (
	KindGlobalNetworkPolicy PolicyKind = "GlobalNetworkPolicy"
	KindNetworkPolicy       PolicyKind = "NetworkPolicy" // Calico
)

// Policy is a Calico GlobalNetworkPolicy or NetworkPolicy, as written
// (selectors are strings, checked to parse at load). Kubernetes
// NetworkPolicies stay KubeNetworkPolicy; sim/policy converts them.
type Policy struct {
	Kind                   PolicyKind
	Name                   string // metadata.name
	Namespace              string // "" for GlobalNetworkPolicy
	Tier                   string // "default" when absent
	Order                  *float64
	Selector               string
	NamespaceSelector      string // GlobalNetworkPolicy only
	ServiceAccountSelector string
	Types                  []string // Ingress, Egress; defaulted as Calico does
	Ingress                []Rule
	Egress                 []Rule
	DoNotTrack             bool
	PreDNAT                bool
	ApplyOnForward         bool
	Pos                    Pos
}

// Rule is one Calico policy rule.
type Rule struct {
	Action      string // Allow, Deny, Pass, Log
	IPVersion   int
	Protocol    *ProtoMatch
	NotProtocol *ProtoMatch
	ICMP        *ICMPMatch
	NotICMP     *ICMPMatch
	Source      EntityRule
	Destination EntityRule
	HTTP        bool // an http match was given: not modelled
	Pos         Pos
}

// ProtoMatch is a Calico protocol: a name (TCP, UDP, ICMP, SCTP, UDPLite,
// ICMPv6) or a number 1-255. Num is always set.
type ProtoMatch struct {
	Name string
	Num  uint8
}

// ICMPMatch is an ICMP type and optional code.
type ICMPMatch struct {
	Type *int
	Code *int
}

// EntityRule is a rule's source or destination.
type EntityRule struct {
	Nets              []netip.Prefix
	NotNets           []netip.Prefix
	Selector          string
	NotSelector       string
	NamespaceSelector string
	Ports             []PortRange
	NotPorts          []PortRange
	ServiceAccounts   *ServiceAccountMatch
	Services          bool // a services match was given: not modelled
}

// PortRange is a Calico port: a number, "min:max", or a named port.
type PortRange struct {
	Min, Max uint16
	Name     string // a named port; Min and Max are 0
}

// ServiceAccountMatch matches endpoints by service account.
type ServiceAccountMatch struct {
	Names    []string
	Selector string
}

// Tier is a Calico Tier. The default tier has order 1,000,000 in Calico; we
// sort tiers by Order, then name.
type Tier struct {
	Name  string
	Order *float64
	// DefaultAction is what happens at the end of the tier when policies
	// applied and none decided: "Deny" (also when absent) or "Pass" (on to
	// the next tier), Calico's Tier spec.defaultAction.
	DefaultAction string
	Pos           Pos
}

// NetworkSet is a Calico GlobalNetworkSet (Namespace "") or NetworkSet.
type NetworkSet struct {
	Name      string
	Namespace string
	Labels    map[string]string
	Nets      []netip.Prefix
	Pos       Pos
}

// Profile is a Calico Profile given explicitly (kns./ksa. profiles are made
// by sim/policy from namespaces and service accounts).
type Profile struct {
	Name          string
	LabelsToApply map[string]string
	Ingress       []Rule
	Egress        []Rule
	Pos           Pos
}

// KubeNetworkPolicy is a networking.k8s.io/v1 NetworkPolicy as written.
type KubeNetworkPolicy struct {
	Name        string
	Namespace   string
	PodSelector LabelSelector
	PolicyTypes []string // as written; empty: defaulted by sim/policy
	Ingress     []KubeRule
	Egress      []KubeRule
	// HasIngress/HasEgress say whether the key was present (an empty list is
	// different from an absent one).
	HasIngress, HasEgress bool
	Pos                   Pos
}

// KubeRule is one ingress (From) or egress (To) rule.
type KubeRule struct {
	Peers []KubePeer // from/to; empty: every peer
	Ports []KubePort // empty: every port
	Pos   Pos
}

// KubePeer is one entry of from/to.
type KubePeer struct {
	PodSelector       *LabelSelector
	NamespaceSelector *LabelSelector
	IPBlock           *IPBlock
}

// IPBlock is a CIDR with exceptions.
type IPBlock struct {
	CIDR   netip.Prefix
	Except []netip.Prefix
}

// KubePort is a NetworkPolicyPort. Protocol defaults to TCP; Port is a number
// or a name (or absent: every port); EndPort makes a range.
type KubePort struct {
	Protocol Proto
	Port     *PortRange // Min=Max for a number; Name for a named port
	EndPort  int
}

// LabelSelector is a Kubernetes label selector.
type LabelSelector struct {
	MatchLabels      map[string]string
	MatchExpressions []LabelRequirement
}

// LabelRequirement is one matchExpressions entry.
type LabelRequirement struct {
	Key      string
	Operator string // In, NotIn, Exists, DoesNotExist
	Values   []string
}
