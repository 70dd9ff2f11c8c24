package dataplane

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update after review):\n--- got\n%s--- want\n%s", file, got, want)
	}
}

// allTables prints every node's table under a "# node/NAME" header.
func allTables(d *Dataplane) string {
	var b strings.Builder
	for i := range d.Nodes() {
		fmt.Fprintf(&b, "# node/%s\n", d.Node(i).Name)
		b.WriteString(d.Table(i).String())
	}
	return b.String()
}

const (
	never  = topology.EncapNever
	always = topology.EncapAlways
	cross  = topology.EncapCrossSubnet
)

func TestTablesGolden(t *testing.T) {
	single := fixture{
		subnets: []topology.Subnet{subnet("lan", "172.139.20.0/24", 1500)},
		nodes:   [][2]string{{"n-1", "172.139.20.74"}, {"n-2", "172.139.20.75"}, {"n-3", "172.139.20.76"}},
		pool:    ippool("10.244.0.0/16", always, never),
		pods:    4,
	}
	for _, tc := range []struct {
		name string
		f    fixture
		tune func(m *meshBGP)
	}{
		{"single-ipip-always", single, nil},
		{"two-az-ipip-crosssubnet", twoAZ(ippool("10.244.0.0/16", cross, never)), nil},
		{"two-az-ipip-always", twoAZ(ippool("10.244.0.0/16", always, never)), nil},
		{"two-az-native", twoAZ(ippool("10.244.0.0/16", never, never)), nil},
		{"two-az-vxlan-always", twoAZ(ippool("10.244.0.0/16", never, always)), nil},
		{"two-az-vxlan-crosssubnet", twoAZ(ippool("10.244.0.0/16", never, cross)), nil},
		{"two-az-tor-native", twoAZ(ippool("10.244.0.0/16", never, never)), func(m *meshBGP) { m.tor = true }},
		{"two-az-ipip-session-down", twoAZ(ippool("10.244.0.0/16", always, never)), func(m *meshBGP) { m.down = map[[2]int]bool{{0, 2}: true} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, m := tc.f.built(t)
			if tc.tune != nil {
				tc.tune(m)
			}
			golden(t, tc.name+".routes.golden", allTables(d))
		})
	}
}

// TestLookupMatchesTable checks the fast per-destination Lookup against
// the longest-prefix match over the whole table, for every address near
// every route.
func TestLookupMatchesTable(t *testing.T) {
	for _, f := range []fixture{
		twoAZ(ippool("10.244.0.0/16", cross, never)),
		twoAZ(ippool("10.244.0.0/16", never, cross)),
		twoAZ(ippool("10.244.0.0/16", never, never)),
	} {
		d, _ := f.built(t)
		for i := range d.Nodes() {
			tab := d.Table(i)
			var probes []netip.Addr
			for _, r := range tab.Routes {
				a := r.Dst.Addr()
				probes = append(probes, a, a.Next(), a.Next().Next(), a.Prev())
			}
			probes = append(probes, netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("10.244.255.1"))
			for _, p := range probes {
				want, wok := tab.Lookup(p)
				got, gok := d.Lookup(i, p)
				if wok != gok || want != got {
					t.Errorf("node %d, %v: Lookup = %q %v, table says %q %v", i, p, got, gok, want, wok)
				}
			}
		}
	}
}

func TestBuildRefuses(t *testing.T) {
	f := twoAZ(ippool("10.244.0.0/16", cross, never))
	sc := f.scenario(t)
	g := topology.NewGraph(sc)
	if _, err := BuildFrom(nil, g, nil, nil); err == nil {
		t.Error("nil scenario accepted")
	}
	if _, err := BuildFrom(sc, nil, nil, nil); err == nil {
		t.Error("nil graph accepted")
	}
	if _, err := BuildFrom(sc, g, nil, nil); err == nil {
		t.Error("nil allocation accepted")
	}
}

func TestRouteCount(t *testing.T) {
	for _, f := range []fixture{
		twoAZ(ippool("10.244.0.0/16", cross, never)),
		twoAZ(ippool("10.244.0.0/16", never, never)),
	} {
		d, m := f.built(t)
		m.down = map[[2]int]bool{{0, 2}: true}
		for i := range d.Nodes() {
			if got, want := d.RouteCount(i), len(d.Table(i).Routes); got != want {
				t.Errorf("node %d: RouteCount %d, table has %d", i, got, want)
			}
		}
	}
}
