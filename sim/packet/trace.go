package packet

import (
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/topology"
)

// Action is what happened to the packet at a hop.
type Action uint8

const (
	ActionForward     Action = iota // sent on (a pod's eth0, a segment, a router)
	ActionRoute                     // a node's route lookup sent it out of a device
	ActionEncapsulate               // a node wrapped it (IPIP, VXLAN)
	ActionDecapsulate               // a node unwrapped it
	ActionDeliver                   // it reached its destination
	ActionDrop                      // it died here
)

var actionNames = [...]string{"forward", "route", "encapsulate", "decapsulate", "deliver", "drop"}

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("action(%d)", a)
}

// MarshalText makes Action print as its name in JSON and YAML.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Hop is one step of a walk. At names the place: node/NAME, router/NAME,
// subnet/NAME, pod/NAMESPACE/NAME or external/NAME.
type Hop struct {
	At     string `json:"at"`
	Device string `json:"dev,omitempty"`
	Action Action `json:"action"`
	Detail string `json:"detail,omitempty"`
	// Frame is the Ethernet frame as it was on the wire this hop sent it to
	// (for a drop: the frame that was dropped; for a delivery: as received).
	Frame []byte `json:"-"`
	// IPLen is the length of the frame's (outer) IP packet.
	IPLen int `json:"bytes"`
}

// Drop says where and why a packet died.
type Drop struct {
	At     string `json:"at"`
	Reason Reason `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// Trace is the walk of one flow's first packet.
type Trace struct {
	Flow      Flow  `json:"-"`
	Delivered bool  `json:"delivered"`
	Drop      *Drop `json:"drop,omitempty"`
	// Encap is the encapsulation of the inter-node leg (EncapNone when the
	// packet went native or never left a node).
	Encap topology.Encap `json:"encapsulation"`
	// OverheadBytes is what Encap adds to every packet.
	OverheadBytes int `json:"overheadBytes"`
	// PathMTU is the largest pod IP packet that crosses unfragmented: the
	// smallest link MTU on the path less OverheadBytes, a tunnel device's
	// MTU, and the pod veths' MTU (a pod cannot send more). A dropped
	// packet's PathMTU covers the path up to the drop, and past an MTU drop
	// to where the packet would have ended.
	PathMTU int `json:"pathMTU"`
	// SNAT is the address natOutgoing rewrote the source to (zero: none).
	SNAT netip.Addr `json:"snat,omitzero"`
	Hops []Hop      `json:"hops"`
}
