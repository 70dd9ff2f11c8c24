package topology

import (
	"net/netip"
	"time"
)

// Scenario is a loaded, validated and defaulted scenario: what every later
// stage reads. Slices keep the order of the input; later stages must not
// mutate it.
type Scenario struct {
	Name        string
	Description string
	File        string // the file the Scenario document came from ("" when made up)
	Files       []string
	Cloud       Cloud

	Underlay   Underlay
	Nodes      []Node // after range expansion, in scenario order
	Calico     Calico
	Namespaces []Namespace
	Workloads  []Workload
	Pods       []Pod // every pod, in workload order, placed on nodes
	Externals  []External
	Flows      []Flow // as written; nil means "sample" (the sim decides)
	Failures   []Failure
	Expect     Expect

	Resources Resources

	Warnings    []Warning
	NotModelled []Warning // fields accepted from the real APIs but not modelled, listed once
	// DefaultUnderlay is set when no Scenario document was given and calisim made one up.
	DefaultUnderlay bool
}

// Underlay is the network the nodes stand on.
type Underlay struct {
	MTU     int // default link MTU (1500 when absent)
	Subnets []Subnet
	Routers []Router
}

// Subnet is one L2 segment with its fabric rules (after cloud presets).
type Subnet struct {
	Name           string
	CIDR           netip.Prefix
	MTU            int
	SrcDstCheck    bool
	BlockProtocols []FabricProto
	BlockBGP       bool
	Pos            Pos
}

// Blocks reports whether the subnet's fabric drops p.
func (s *Subnet) Blocks(p FabricProto) bool {
	for _, b := range s.BlockProtocols {
		if b == p {
			return true
		}
	}
	return false
}

// Router forwards between its subnets; with ASNumber set it speaks BGP.
type Router struct {
	Name           string
	Interfaces     []Interface
	ASNumber       uint32 // 0: no BGP
	BlockProtocols []FabricProto
	BlockBGP       bool
	Default        bool          // the route to everything outside the cluster
	StaticRoutes   []StaticRoute // pod blocks the router knows without BGP
	Pos            Pos
}

// Blocks reports whether the router drops p.
func (r *Router) Blocks(p FabricProto) bool {
	for _, b := range r.BlockProtocols {
		if b == p {
			return true
		}
	}
	return false
}

// StaticRoute is a route configured on a router by hand: Dst via Via.
type StaticRoute struct {
	Dst netip.Prefix
	Via netip.Addr
	Pos Pos
}

// Interface is one attachment of a router to a subnet.
type Interface struct {
	Subnet string
	Addr   netip.Addr // zero: not assigned yet
	MTU    int
	Pos    Pos
}

// Node is one Kubernetes node running calico-node.
type Node struct {
	Name   string
	Subnet string
	Addr   netip.Addr
	// Prefix is the node's address with the prefix length Calico sees
	// (spec.bgp.ipv4Address): the subnet's length, or /32 on GCP. CrossSubnet
	// compares destinations against it.
	Prefix netip.Prefix
	// Labels include kubernetes.io/hostname and kubernetes.io/os.
	Labels map[string]string
	// ASNumber is the node's own AS (0: the global BGPConfiguration's).
	ASNumber uint32
	// RouteReflectorClusterID set makes the node a route reflector.
	RouteReflectorClusterID string
	Pos                     Pos
}

// IsReflector reports whether the node is a route reflector.
func (n *Node) IsReflector() bool { return n.RouteReflectorClusterID != "" }

// Calico is the cluster-wide Calico install.
type Calico struct {
	Backend   Backend
	Typha     *Typha // nil: no Typha
	Datastore Datastore
	// BGPEnabled is false when the Installation says calicoNetwork.bgp: Disabled.
	BGPEnabled bool
	Pos        Pos
}

// Typha is the fan-out cache between the API server and calico-node.
type Typha struct {
	Replicas int
	Pos      Pos
}

// Namespace is a Kubernetes namespace.
type Namespace struct {
	Name   string
	Labels map[string]string // includes kubernetes.io/metadata.name
	Pos    Pos
}

// WorkloadKind is how pods came to be.
type WorkloadKind string

const (
	KindScenario    WorkloadKind = "Workload" // spec.workloads
	KindPod         WorkloadKind = "Pod"
	KindDeployment  WorkloadKind = "Deployment"
	KindReplicaSet  WorkloadKind = "ReplicaSet"
	KindStatefulSet WorkloadKind = "StatefulSet"
	KindDaemonSet   WorkloadKind = "DaemonSet"
)

// Workload is a group of pods made from one template.
type Workload struct {
	Name           string
	Namespace      string
	Kind           WorkloadKind
	Labels         map[string]string // the pods' labels
	Replicas       int
	NodeSelector   string // Calico selector over node labels ("" = all())
	NodeName       string // a bare Pod's spec.nodeName
	ServiceAccount string
	Ports          []ContainerPort
	HostNetwork    bool
	Pos            Pos
}

// ContainerPort is a named port of a pod's container (for named-port rules).
type ContainerPort struct {
	Name  string
	Port  int
	Proto Proto
}

// Pod is one pod, placed on a node. Its address comes from ipam.
type Pod struct {
	Name           string
	Namespace      string
	Workload       string // the owning workload's name
	Kind           WorkloadKind
	Labels         map[string]string
	Node           string
	ServiceAccount string
	Ports          []ContainerPort
	HostNetwork    bool
	Pos            Pos
}

// External is an address outside the cluster (behind the default router).
type External struct {
	Name string
	Addr netip.Addr
	Pos  Pos
}

// Port is a flow's protocol and destination port. Num is 0 for ICMP.
type Port struct {
	Proto Proto
	Num   uint16
}

// Flow is traffic to simulate between two endpoint references.
type Flow struct {
	From, To Ref
	Port     Port
	Size     int // payload bytes (default 64)
	Pos      Pos
}

// RefKind says what an endpoint reference names.
type RefKind uint8

const (
	RefWorkload RefKind = iota // ns/name: a workload (every pod) or one pod
	RefNode
	RefRouter
	RefExternal
	RefIP
)

// Ref is an endpoint reference: ns/workload, ns/pod, node/NAME, router/NAME,
// external/NAME or a literal IP address.
type Ref struct {
	Kind      RefKind
	Namespace string // RefWorkload
	Name      string
	Addr      netip.Addr // RefIP
	Raw       string     // as written
}

// FailureAction is what a failure does.
type FailureAction string

const (
	FailDown     FailureAction = "down"
	FailUp       FailureAction = "up"
	FailBlockBGP FailureAction = "blockBGP"
)

// FailureTarget names what fails.
type FailureTarget struct {
	Kind string // node, router, subnet, session
	Name string // for a session: "a~b"
}

// Failure is a BGP what-if at a moment in virtual time.
type Failure struct {
	At     time.Duration
	Action FailureAction
	Target FailureTarget
	Pos    Pos
}
