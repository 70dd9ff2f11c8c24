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
