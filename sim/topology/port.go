package topology

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultPort returns tcp/80, the port of a flow or expectation that names
// none.
func DefaultPort() Port { return Port{Proto: ProtoTCP, Num: 80} }

// ParsePort parses tcp/N, udp/N, sctp/N (N in 1-65535) or icmp. Protocol
// names are case-insensitive.
func ParsePort(s string) (Port, error) {
	proto, num, hasNum := strings.Cut(s, "/")
	var p Port
	switch strings.ToLower(proto) {
	case "tcp":
		p.Proto = ProtoTCP
	case "udp":
		p.Proto = ProtoUDP
	case "sctp":
		p.Proto = ProtoSCTP
	case "icmp":
		if hasNum {
			return Port{}, fmt.Errorf("%q: icmp has no port", s)
		}
		return Port{Proto: ProtoICMP}, nil
	default:
		return Port{}, fmt.Errorf("%q is not a port (tcp/N, udp/N, sctp/N or icmp)", s)
	}
	if !hasNum {
		return Port{}, fmt.Errorf("%q needs a port number: %s/N", s, strings.ToLower(proto))
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 65535 || num[0] == '+' {
		return Port{}, fmt.Errorf("%q: port %q is outside 1-65535", s, num)
	}
	p.Num = uint16(n)
	return p, nil
}

// String prints the port as ParsePort reads it: tcp/443, icmp.
func (p Port) String() string {
	if p.Proto == ProtoICMP {
		return "icmp"
	}
	return p.Proto.String() + "/" + strconv.Itoa(int(p.Num))
}

// MarshalText prints the port as String does.
func (p Port) MarshalText() ([]byte, error) { return []byte(p.String()), nil }
