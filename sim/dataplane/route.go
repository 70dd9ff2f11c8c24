package dataplane

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/calisim/calisim/sim/topology"
)

// Type is a route's type as iproute2 names it. The zero value is Unicast.
type Type uint8

const (
	Unicast Type = iota
	Blackhole
)

var typeNames = [...]string{"unicast", "blackhole"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", t)
}

// MarshalText makes Type print as its name in JSON and YAML.
func (t Type) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Proto is the routing protocol that installed a route (rtm_protocol). The
// zero value, ProtoBoot, is what `ip route add` uses and is not printed.
type Proto uint8

const (
	ProtoBoot Proto = iota
	ProtoKernel
	ProtoStatic
	ProtoBird
	// ProtoFelix is rtm_protocol 80, which Felix stamps on the routes it
	// programs itself (VXLAN); iproute2 has no name for it and prints 80.
	ProtoFelix
)

var protoNames = [...]string{"boot", "kernel", "static", "bird", "80"}

func (p Proto) String() string {
	if int(p) < len(protoNames) {
		return protoNames[p]
	}
	return fmt.Sprintf("proto(%d)", p)
}

// MarshalText makes Proto print as its name in JSON and YAML.
func (p Proto) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Scope is a route's scope. The zero value, ScopeUniverse, is not printed.
type Scope uint8

const (
	ScopeUniverse Scope = iota
	ScopeLink
	ScopeHost
)

var scopeNames = [...]string{"global", "link", "host"}

func (s Scope) String() string {
	if int(s) < len(scopeNames) {
		return scopeNames[s]
	}
	return fmt.Sprintf("scope(%d)", s)
}

// MarshalText makes Scope print as its name in JSON and YAML.
func (s Scope) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Well-known device names.
const (
	DevEth0  = "eth0"
	DevTunl0 = "tunl0"
	DevVXLAN = "vxlan.calico"
)

// Route is one line of a node's IPv4 main table. The zero Via means a
// directly connected destination.
type Route struct {
	Type   Type
	Dst    netip.Prefix
	Via    netip.Addr
	Dev    string
	Proto  Proto
	Scope  Scope
	Src    netip.Addr
	Onlink bool
}

// Encap is the encapsulation a packet routed by r gets: by the device.
func (r Route) Encap() topology.Encap {
	switch r.Dev {
	case DevTunl0:
		return topology.EncapIPIP
	case DevVXLAN:
		return topology.EncapVXLAN
	}
	return topology.EncapNone
}

// String prints the route exactly as iproute2's `ip route` does: type (when
// not unicast), destination ("default" for 0.0.0.0/0, no "/32" for a host),
// via, dev, proto (unless boot), scope (unless global), src, then flags.
func (r Route) String() string {
	var b strings.Builder
	b.Grow(64)
	if r.Type != Unicast {
		b.WriteString(r.Type.String())
		b.WriteByte(' ')
	}
	b.WriteString(formatDst(r.Dst))
	if r.Via.IsValid() {
		b.WriteString(" via ")
		b.WriteString(r.Via.String())
	}
	if r.Dev != "" {
		b.WriteString(" dev ")
		b.WriteString(r.Dev)
	}
	if r.Proto != ProtoBoot {
		b.WriteString(" proto ")
		b.WriteString(r.Proto.String())
	}
	if r.Scope != ScopeUniverse {
		b.WriteString(" scope ")
		b.WriteString(r.Scope.String())
	}
	if r.Src.IsValid() {
		b.WriteString(" src ")
		b.WriteString(r.Src.String())
	}
	if r.Onlink {
		b.WriteString(" onlink")
	}
	return b.String()
}

// MarshalText makes a Route print as its ip-route line.
func (r Route) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

func formatDst(p netip.Prefix) string {
	switch {
	case !p.IsValid():
		return "none"
	case p.Bits() == 0:
		return "default"
	case p.Bits() == p.Addr().BitLen():
		return p.Addr().String()
	}
	return p.String()
}

// Compare orders routes as the kernel dumps its FIB trie: by destination
// address, then longer prefixes first (fib_alias lists are sorted by suffix
// length), so "default" comes first. Ties fall back to the printed line, so
// the order is total.
func Compare(a, b Route) int {
	if c := a.Dst.Addr().Compare(b.Dst.Addr()); c != 0 {
		return c
	}
	if a.Dst.Bits() != b.Dst.Bits() {
		return b.Dst.Bits() - a.Dst.Bits()
	}
	return strings.Compare(a.String(), b.String())
}
