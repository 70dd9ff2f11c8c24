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

// sort orders the routes as Compare does. IPv4 destinations sort by a
// packed key (address, then 32 minus the length), which is Compare's order,
// so that large tables move 16-byte keys rather than whole routes; ties and
// other families fall back to Compare.
func (t *Table) sort() {
	type key struct {
		k   uint64
		idx int32
	}
	keys := make([]key, len(t.Routes))
	for i, r := range t.Routes {
		if !r.Dst.Addr().Is4() {
			slices.SortFunc(t.Routes, Compare)
			return
		}
		a := r.Dst.Addr().As4()
		v := uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3])
		keys[i] = key{k: v<<6 | uint64(32-r.Dst.Bits()), idx: int32(i)}
	}
	slices.SortFunc(keys, func(a, b key) int {
		switch {
		case a.k < b.k:
			return -1
		case a.k > b.k:
			return 1
		}
		return Compare(t.Routes[a.idx], t.Routes[b.idx])
	})
	sorted := make([]Route, len(t.Routes))
	for i, k := range keys {
		sorted[i] = t.Routes[k.idx]
	}
	t.Routes = sorted
}
