package topology

import "time"

// Expect holds the scenario's expectations. Every entry carries its Pos so a
// failed expectation can name the file and line it came from.
type Expect struct {
	Flows    []FlowExpect
	Nodes    []NodeExpect
	BGP      *BGPExpect
	IPAM     *IPAMExpect
	Findings *FindingsExpect
}

// FlowExpect asserts over every pair the two references name. Nil pointers are
// assertions not made.
type FlowExpect struct {
	From, To      Ref
	Port          Port
	Size          int
	Delivered     *bool
	Encapsulation *Encap
	DropReason    string
	DropAt        string
	Policy        string // allow|deny
	DecidedBy     string
	PathMTU       *int
	Pos           Pos
}

// NodeExpect asserts over one node, or every node a selector matches.
type NodeExpect struct {
	Name         string
	Selector     string
	PodMTU       *int
	BGPPeers     *int
	Routes       []string
	AbsentRoutes []string
	Pos          Pos
}

// BGPExpect asserts over the BGP layout and its convergence.
type BGPExpect struct {
	Topology        string // full-mesh|route-reflector|tor|mixed|none
	Sessions        *int
	MaxPeersPerNode *int
	Converged       *bool
	ConvergedWithin *time.Duration
	Pos             Pos
}

// IPAMExpect asserts over block allocation.
type IPAMExpect struct {
	BlocksPerNode *int
	PodCapacity   *int64
	Pos           Pos
}

// FindingsExpect lists finding codes that must and must not be reported.
type FindingsExpect struct {
	Present []string
	Absent  []string
	Pos     Pos
}
