package topology

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseRef parses an endpoint reference: ns/workload or ns/pod, node/NAME,
// router/NAME, external/NAME, or a literal IP address. The prefixes node/,
// router/ and external/ are reserved: a namespace of those names cannot be
// referenced.
func ParseRef(s string) (Ref, error) {
	if s == "" {
		return Ref{}, fmt.Errorf("empty endpoint reference")
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Zone() != "" {
			return Ref{}, fmt.Errorf("%q: an address with a zone is not an endpoint", s)
		}
		return Ref{Kind: RefIP, Addr: a, Raw: s}, nil
	}
	prefix, name, ok := strings.Cut(s, "/")
	if !ok {
		return Ref{}, fmt.Errorf("%q is not an endpoint reference (ns/workload, ns/pod, node/NAME, router/NAME, external/NAME or an IP address)", s)
	}
	if prefix == "" || name == "" || strings.Contains(name, "/") {
		return Ref{}, fmt.Errorf("%q is not an endpoint reference (ns/workload, ns/pod, node/NAME, router/NAME, external/NAME or an IP address)", s)
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return Ref{}, fmt.Errorf("%q: an endpoint reference holds no blanks", s)
	}
	r := Ref{Name: name, Raw: s}
	switch prefix {
	case "node":
		r.Kind = RefNode
	case "router":
		r.Kind = RefRouter
	case "external":
		r.Kind = RefExternal
	default:
		r.Kind, r.Namespace = RefWorkload, prefix
	}
	return r, nil
}

// String prints the reference in the form ParseRef reads.
func (r Ref) String() string {
	switch r.Kind {
	case RefNode:
		return "node/" + r.Name
	case RefRouter:
		return "router/" + r.Name
	case RefExternal:
		return "external/" + r.Name
	case RefIP:
		return r.Addr.String()
	}
	return r.Namespace + "/" + r.Name
}

// MarshalText prints the reference as String does.
func (r Ref) MarshalText() ([]byte, error) { return []byte(r.String()), nil }
