package packet

import "fmt"

// Reason says why a packet was dropped. The zero value means no drop. The
// names are a released contract (expectations name them as dropReason):
// never change one's meaning.
type Reason uint8

const (
	ReasonNone Reason = iota
	// NoRoute: the node or router had no route for the destination, or the
	// route it matched was a blackhole (a local block's address with no pod).
	NoRoute
	// SrcDstCheck: a source/destination-checked subnet saw a frame whose IP
	// source is not the sending host's underlay address or whose IP
	// destination is not the receiving host's (AWS).
	SrcDstCheck
	// ProtocolBlocked: the subnet or router drops this protocol (ipip: IP
	// protocol 4; vxlan: UDP 4789), as Azure does with IPIP.
	ProtocolBlocked
	// MTUExceeded: the IP packet is larger than the link or device it must
	// leave on, and DF is set.
	MTUExceeded
	// PolicyDenied: network policy denied the flow (joined by package sim).
	PolicyDenied
	// BGPDown: the route that was needed is missing because a BGP session
	// that should carry it is configured but not established.
	BGPDown
	// TTLExceeded: the TTL reached zero at a router.
	TTLExceeded
)

var reasonNames = [...]string{"", "no-route", "src-dst-check", "protocol-blocked", "mtu-exceeded", "policy-denied", "bgp-down", "ttl-exceeded"}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", r)
}

// MarshalText makes Reason print as its name in JSON and YAML.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses a reason name.
func (r *Reason) UnmarshalText(b []byte) error {
	for i, n := range reasonNames {
		if i > 0 && n == string(b) {
			*r = Reason(i)
			return nil
		}
	}
	return fmt.Errorf("%q is not a drop reason (no-route, src-dst-check, protocol-blocked, mtu-exceeded, policy-denied, bgp-down, ttl-exceeded)", b)
}
