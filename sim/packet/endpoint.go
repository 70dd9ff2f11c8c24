package packet

import (
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/topology"
)

// EndpointKind says what an endpoint is.
type EndpointKind uint8

const (
	EndpointPod      EndpointKind = iota // a pod with its own address
	EndpointHost                         // a node itself (or a host-networked pod)
	EndpointRouter                       // an underlay router
	EndpointExternal                     // a named external, beyond the default router
	EndpointIP                           // a literal address that is none of the above
)

var endpointKindNames = [...]string{"pod", "host", "router", "external", "ip"}

func (k EndpointKind) String() string {
	if int(k) < len(endpointKindNames) {
		return endpointKindNames[k]
	}
	return fmt.Sprintf("endpoint(%d)", k)
}

// MarshalText makes EndpointKind print as its name in JSON and YAML.
func (k EndpointKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Endpoint is one concrete end of a flow. Node, Pod and Router are indexes
// into the scenario's slices, -1 where they do not apply (a pod's Node is
// the node it runs on).
type Endpoint struct {
	Kind   EndpointKind
	Node   int
	Pod    int
	Router int
	Addr   netip.Addr
	// Name is where the endpoint is, as hops name places: pod/ns/name,
	// node/NAME, router/NAME, external/NAME (external/ADDR for a literal
	// address).
	Name string
}

// Flow is one packet's journey to simulate: between two endpoints, on a port,
// with Size payload bytes (DF set).
type Flow struct {
	Src, Dst Endpoint
	Port     topology.Port
	Size     int
}

// DefaultSize is the payload of a flow that names none.
const DefaultSize = 64
