package verify

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
)

// realRoutes reads a namespace's main table as `ip route` prints it.
func realRoutes(ctx context.Context, ns string) ([]string, error) {
	out, err := run(ctx, []string{"ip", "-n", ns, "route", "show"}, "")
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

// Session is one BGP protocol as `birdc show protocols` prints it.
type Session struct {
	Name  string     `json:"name"`
	Peer  netip.Addr `json:"peer,omitzero"`
	State string     `json:"state"` // up, start, down
	Info  string     `json:"info"`  // Established, Active, Connect, Passive...
}

// Established reports whether the session is up.
func (s Session) Established() bool { return strings.HasPrefix(s.Info, "Established") }

// realSessions asks a BIRD over its control socket for its BGP sessions.
func realSessions(ctx context.Context, sock string) ([]Session, error) {
	out, err := run(ctx, []string{"birdc", "-s", sock, "show", "protocols"}, "")
	if err != nil {
		return nil, err
	}
	return parseProtocols(out), nil
}

// parseProtocols reads the BGP lines of `birdc show protocols`:
//
//	name     proto    table    state  since       info
//	Mesh_10_0_1_11 BGP      master   up     23:59:12    Established
func parseProtocols(out string) []Session {
	var ss []Session
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || f[1] != "BGP" {
			continue
		}
		s := Session{Name: f[0], State: f[3]}
		if len(f) > 5 {
			s.Info = strings.Join(f[5:], " ")
		}
		s.Peer, _ = peerAddr(s.Name)
		ss = append(ss, s)
	}
	return ss
}

// linkMTUOf reads a device's MTU inside a namespace.
func linkMTUOf(ctx context.Context, ns, dev string) (int, error) {
	out, err := run(ctx, []string{"ip", "-n", ns, "-o", "link", "show", "dev", dev}, "")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(out)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "mtu" {
			return strconv.Atoi(f[i+1])
		}
	}
	return 0, nil
}

// routeLine is one `ip route` line taken apart: its type, destination, and
// its `key value` pairs and flags.
type routeLine struct {
	typ   string // "" for unicast
	dst   string // normalised: "default" or a masked prefix
	attrs map[string]string
	flags map[string]bool
}

var routeKeys = map[string]bool{
	"via": true, "dev": true, "proto": true, "scope": true, "src": true, "metric": true,
	"table": true, "mtu": true, "advmss": true, "realm": true, "weight": true, "expires": true,
	"pref": true, "nhid": true, "initcwnd": true, "initrwnd": true, "encap": true,
}

var routeTypes = map[string]bool{
	"blackhole": true, "unreachable": true, "prohibit": true, "throw": true,
	"local": true, "broadcast": true, "multicast": true, "unicast": true,
}

// protoNames are the route protocols iproute2 prints by name; verify
// compares numbers, so "bird" and "12" are the same.
var protoNames = map[string]string{"boot": "3", "kernel": "2", "static": "4", "bird": "12", "redirect": "1"}

func parseRoute(s string) (routeLine, bool) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return routeLine{}, false
	}
	r := routeLine{attrs: map[string]string{}, flags: map[string]bool{}}
	i := 0
	if routeTypes[f[0]] && len(f) > 1 {
		if f[0] != "unicast" {
			r.typ = f[0]
		}
		i = 1
	}
	r.dst = normDst(f[i])
	for i++; i < len(f); i++ {
		if routeKeys[f[i]] && i+1 < len(f) {
			v := f[i+1]
			if f[i] == "proto" {
				if n, ok := protoNames[v]; ok {
					v = n
				}
			}
			r.attrs[f[i]] = v
			i++
			continue
		}
		r.flags[f[i]] = true
	}
	return r, true
}

func normDst(s string) string {
	if s == "default" || s == "0.0.0.0/0" {
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

// matches is DESIGN's rule: same type and destination, and every `key
// value` and flag of want is in have with the same value.
func (want routeLine) matches(have routeLine) bool {
	if want.typ != have.typ || want.dst != have.dst {
		return false
	}
	for k, v := range want.attrs {
		if have.attrs[k] != v {
			return false
		}
	}
	for k := range want.flags {
		if !have.flags[k] {
			return false
		}
	}
	return true
}

// findRoute looks for want in table: the matching line, or else the lines
// with the same destination (what is there instead).
func findRoute(table []string, want string) (match string, sameDst []string, ok bool) {
	w, okw := parseRoute(want)
	if !okw {
		return "", nil, false
	}
	for _, line := range table {
		h, okh := parseRoute(line)
		if !okh {
			continue
		}
		if w.matches(h) {
			return line, nil, true
		}
		if h.dst == w.dst {
			sameDst = append(sameDst, line)
		}
	}
	return "", sameDst, false
}
