package verify

import (
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// Input is what verify builds and what it compares against: the scenario,
// its IPAM allocation (pod, tunnel and block addresses) and the twin's
// prediction. FromTwin makes one from a built twin; tests make them by hand.
type Input struct {
	Scenario *topology.Scenario
	Alloc    *ipam.Allocation
	Nodes    []NodePrediction // index-aligned with Scenario.Nodes
	Flows    []FlowPrediction
}

// NodePrediction is what the twin says about one node.
type NodePrediction struct {
	// Routes is the node's main table, one `ip route` line each.
	Routes []string
	PodMTU int
	// VTEPMAC is vxlan.calico's MAC ("" when the node has no VTEP).
	VTEPMAC string
	// Peers are the node's configured BGP sessions and whether each is
	// established.
	Peers []PeerPrediction
}

// PeerPrediction is one BGP session of a node.
type PeerPrediction struct {
	Addr        netip.Addr
	Established bool
}

// EndpointKind says what an endpoint of a flow is.
type EndpointKind uint8

const (
	EndpointPod EndpointKind = iota
	EndpointNode
	EndpointRouter
	EndpointExternal
	EndpointAddr // a literal address that nothing in the scenario owns
)

// Endpoint is one concrete end of a flow.
type Endpoint struct {
	Kind  EndpointKind
	Index int        // into Scenario.Pods, Nodes, Underlay.Routers or Externals (-1 for EndpointAddr)
	Addr  netip.Addr // the address packets are sent to (or from)
	Name  string     // as printed: org-1/web-0, node/w-1, router/vpc, external/internet
}

func (e Endpoint) String() string { return e.Name }

// FlowPrediction is the twin's verdict on one flow between two concrete
// endpoints.
type FlowPrediction struct {
	From, To   Endpoint
	Port       topology.Port
	Size       int // payload bytes
	Delivered  bool
	Encap      topology.Encap // of the inter-node leg
	DropReason string         // "" when delivered
	DropAt     string
	// PathMTU is the largest pod IP packet that crosses unfragmented (0:
	// not predicted).
	PathMTU int
}

// IPLen is the length of the flow's IP packet: the payload plus the IPv4
// header and the transport header (TCP 20; UDP and ICMP 8), as the twin
// counts it.
func (f *FlowPrediction) IPLen() int {
	switch f.Port.Proto {
	case topology.ProtoTCP:
		return f.Size + 40
	default:
		return f.Size + 28
	}
}

func (f *FlowPrediction) String() string {
	port := f.Port.Proto.String()
	if f.Port.Num != 0 {
		port = fmt.Sprintf("%s/%d", port, f.Port.Num)
	}
	return fmt.Sprintf("%s -> %s %s size %d", f.From, f.To, port, f.Size)
}

// validate checks that the input hangs together: slices aligned, indexes in
// range. A mismatch is a programming error upstream, not bad user input.
func (in *Input) validate() error {
	switch {
	case in.Scenario == nil:
		return fmt.Errorf("verify: no scenario")
	case in.Alloc == nil:
		return fmt.Errorf("verify: no IPAM allocation")
	case len(in.Alloc.Nodes) != len(in.Scenario.Nodes):
		return fmt.Errorf("verify: allocation has %d nodes, the scenario %d", len(in.Alloc.Nodes), len(in.Scenario.Nodes))
	case len(in.Alloc.Pods) != len(in.Scenario.Pods):
		return fmt.Errorf("verify: allocation has %d pods, the scenario %d", len(in.Alloc.Pods), len(in.Scenario.Pods))
	case in.Nodes != nil && len(in.Nodes) != len(in.Scenario.Nodes):
		return fmt.Errorf("verify: prediction has %d nodes, the scenario %d", len(in.Nodes), len(in.Scenario.Nodes))
	}
	sc := in.Scenario
	for i, f := range in.Flows {
		for _, e := range []Endpoint{f.From, f.To} {
			n := 0
			switch e.Kind {
			case EndpointPod:
				n = len(sc.Pods)
			case EndpointNode:
				n = len(sc.Nodes)
			case EndpointRouter:
				n = len(sc.Underlay.Routers)
			case EndpointExternal:
				n = len(sc.Externals)
			case EndpointAddr:
				continue
			}
			if e.Index < 0 || e.Index >= n {
				return fmt.Errorf("verify: flow %d: endpoint %s index %d out of range", i, e.Name, e.Index)
			}
		}
	}
	return nil
}
