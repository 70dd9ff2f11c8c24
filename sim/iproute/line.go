package iproute

import (
	"net/netip"
	"strings"
)

// Line is one `ip route` line taken apart.
type Line struct {
	Type  string // "" for unicast; blackhole, unreachable, ...
	Dst   string // normalised: "default" or a masked prefix (an address is its /32)
	Attrs map[string]string
	Flags map[string]bool
}

// keys are the iproute2 words that take a value; every other word after the
// destination is a flag (onlink, linkdown, dead, pervasive).
var keys = map[string]bool{
	"via": true, "dev": true, "proto": true, "scope": true, "src": true, "metric": true,
	"table": true, "mtu": true, "advmss": true, "realm": true, "weight": true, "expires": true,
	"pref": true, "nhid": true, "initcwnd": true, "initrwnd": true, "encap": true,
}

// types are the route types iproute2 prints before the destination.
var types = map[string]bool{
	"blackhole": true, "unreachable": true, "prohibit": true, "throw": true,
	"local": true, "broadcast": true, "multicast": true, "unicast": true,
}

// protoNumbers are the route protocols iproute2 prints by name: "proto bird"
// and "proto 12" are the same protocol.
var protoNumbers = map[string]string{"redirect": "1", "kernel": "2", "boot": "3", "static": "4", "bird": "12"}

// Parse takes a line apart; false for an empty line.
func Parse(s string) (Line, bool) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return Line{}, false
	}
	r := Line{Attrs: map[string]string{}, Flags: map[string]bool{}}
	i := 0
	if types[f[0]] && len(f) > 1 {
		if f[0] != "unicast" {
			r.Type = f[0]
		}
		i = 1
	}
	r.Dst = NormDst(f[i])
	for i++; i < len(f); i++ {
		if keys[f[i]] && i+1 < len(f) {
			v := f[i+1]
			if f[i] == "proto" {
				if n, ok := protoNumbers[v]; ok {
					v = n
				}
			}
			r.Attrs[f[i]] = v
			i++
			continue
		}
		r.Flags[f[i]] = true
	}
	return r, true
}

// NormDst makes "10.244.1.5" and "10.244.1.5/32" the same destination,
// masks a prefix written with host bits, and spells a /0 "default".
func NormDst(s string) string {
	if s == "default" {
		return "default"
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		if p.Bits() == 0 {
			return "default"
		}
		return p.Masked().String()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()).String()
	}
	return s
}

// Matches reports whether the table line have satisfies the expected line
// want: same type and destination, and every key, value and flag of want in
// have (have may say more).
func (want Line) Matches(have Line) bool {
	if want.Type != have.Type || want.Dst != have.Dst {
		return false
	}
	for k, v := range want.Attrs {
		if have.Attrs[k] != v {
			return false
		}
	}
	for k := range want.Flags {
		if !have.Flags[k] {
			return false
		}
	}
	return true
}

// Find looks for want in table: the matching line, or else the lines with
// the same destination (what is there instead).
func Find(table []string, want string) (match string, sameDst []string, ok bool) {
	w, okw := Parse(want)
	if !okw {
		return "", nil, false
	}
	for _, line := range table {
		h, okh := Parse(line)
		if !okh {
			continue
		}
		if w.Matches(h) {
			return line, nil, true
		}
		if h.Dst == w.Dst {
			sameDst = append(sameDst, line)
		}
	}
	return "", sameDst, false
}

// FindDst returns the first line of table that routes dst (a destination,
// or a whole line whose destination counts), and whether there is one.
func FindDst(table []string, dst string) (string, bool) {
	d, ok := Parse(dst)
	if !ok {
		return "", false
	}
	for _, line := range table {
		if h, ok := Parse(line); ok && h.Dst == d.Dst {
			return line, true
		}
	}
	return "", false
}
