package sim

import (
	"net/netip"
	"strings"
)

// routeKeys are the iproute2 words that take a value; every other word after
// the destination is a flag (onlink, linkdown, dead, pervasive).
var routeKeys = map[string]bool{
	"via": true, "dev": true, "proto": true, "scope": true, "src": true,
	"metric": true, "table": true, "mtu": true, "advmss": true, "realm": true,
	"weight": true, "expires": true, "pref": true, "nhid": true, "initcwnd": true,
	"initrwnd": true, "quickack": true, "rtt": true, "rttvar": true, "congctl": true,
	"encap": true,
}

// routeTypes are the route types iproute2 prints before the destination.
var routeTypes = map[string]bool{
	"blackhole": true, "unreachable": true, "prohibit": true, "throw": true,
	"local": true, "broadcast": true, "multicast": true, "unicast": true,
}

// routeLine is one `ip route` line taken apart.
type routeLine struct {
	typ   string // "" for unicast
	dst   string // normalised destination: "default" or a prefix
	attrs map[string]string
	flags map[string]bool
}

func parseRouteLine(s string) (routeLine, bool) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return routeLine{}, false
	}
	r := routeLine{attrs: map[string]string{}, flags: map[string]bool{}}
	i := 0
	if routeTypes[f[0]] && len(f) > 1 {
		r.typ = f[0]
		if r.typ == "unicast" {
			r.typ = ""
		}
		i = 1
	}
	r.dst = normDst(f[i])
	for i++; i < len(f); i++ {
		w := f[i]
		if routeKeys[w] && i+1 < len(f) {
			r.attrs[w] = f[i+1]
			i++
			continue
		}
		r.flags[w] = true
	}
	return r, true
}

// normDst makes "10.244.1.5" and "10.244.1.5/32" the same destination, and
// masks a prefix written with host bits.
func normDst(s string) string {
	if s == "default" || s == "0.0.0.0/0" {
		return "default"
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked().String()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()).String()
	}
	return s
}

// routeMatches reports whether the table line have satisfies the expected
// line want: same type and destination, and every key, value and flag of want
// present in have (have may say more).
func routeMatches(want, have routeLine) bool {
	if want.dst != have.dst || want.typ != have.typ {
		return false
	}
	for k, v := range want.attrs {
		if have.attrs[k] != v {
			return false
		}
	}
	for f := range want.flags {
		if !have.flags[f] {
			return false
		}
	}
	return true
}

// findRoute returns the table line that matches want, or the line with the
// same destination (for the failure message), and whether one matched.
func findRoute(table []string, want string) (match string, sameDst string, ok bool) {
	w, okw := parseRouteLine(want)
	if !okw {
		return "", "", false
	}
	for _, line := range table {
		h, okh := parseRouteLine(line)
		if !okh {
			continue
		}
		if routeMatches(w, h) {
			return line, "", true
		}
		if h.dst == w.dst && sameDst == "" {
			sameDst = line
		}
	}
	return "", sameDst, false
}

// hasDestination reports whether any line of the table routes dst.
func hasDestination(table []string, dst string) (string, bool) {
	d := normDst(strings.TrimSpace(dst))
	if f := strings.Fields(dst); len(f) > 1 {
		if r, ok := parseRouteLine(dst); ok {
			d = r.dst
		}
	}
	for _, line := range table {
		h, ok := parseRouteLine(line)
		if ok && h.dst == d {
			return line, true
		}
	}
	return "", false
}
