package dataplane

import (
	"net/netip"
	"slices"
	"strings"
)

// Table is one node's IPv4 main routing table, sorted as `ip route` prints it.
type Table struct {
	Node   int // index into Scenario.Nodes
	Routes []Route
}

// Lookup returns the route the kernel would pick for dst: the longest prefix
// that contains it. A blackhole route matches like any other; the caller
// drops what it matches.
func (t *Table) Lookup(dst netip.Addr) (Route, bool) {
	best := -1
	for i := range t.Routes {
		p := t.Routes[i].Dst
		if !p.Contains(dst) {
			continue
		}
		if best < 0 || p.Bits() > t.Routes[best].Dst.Bits() {
			best = i
		}
	}
	if best < 0 {
		return Route{}, false
	}
	return t.Routes[best], true
}

// String prints the table as `ip route` does: one route per line, each line
// ending in a newline.
func (t *Table) String() string {
	var b strings.Builder
	b.Grow(len(t.Routes) * 56)
	for _, r := range t.Routes {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Lines returns the table's lines as `ip route` prints them.
func (t *Table) Lines() []string {
	out := make([]string, len(t.Routes))
	for i, r := range t.Routes {
		out[i] = r.String()
	}
	return out
}

func (t *Table) sort() { slices.SortFunc(t.Routes, Compare) }
