package gobgp

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// planOf builds the plan of a scenario given as YAML.
func planOf(t testing.TB, name, yaml string) *bgp.Plan {
	t.Helper()
	sc, err := topology.LoadBytes(name, []byte(yaml))
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return planFromScenario(t, sc)
}

// planFile builds the plan of a scenario file.
func planFile(t testing.TB, path string) (*topology.Scenario, *bgp.Plan) {
	t.Helper()
	sc, err := topology.Load(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return sc, planFromScenario(t, sc)
}

func planFromScenario(t testing.TB, sc *topology.Scenario) *bgp.Plan {
	t.Helper()
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		t.Fatalf("ipam: %v", err)
	}
	p, err := bgp.NewPlan(sc, topology.NewGraph(sc), alloc)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

// meshYAML is a single-subnet cluster of n nodes in a full mesh.
func meshYAML(n int) string {
	return fmt.Sprintf(`apiVersion: calisim/v1alpha1
kind: Scenario
metadata: {name: mesh-%d}
spec:
  underlay:
    subnets: [{name: lan, cidr: 10.0.0.0/16}]
  nodes:
    - {name: "n-{1..%d}", subnet: lan}
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: default-ipv4-ippool}
spec: {cidr: 10.244.0.0/16, blockSize: 26, ipipMode: Never, vxlanMode: Never}
`, n, n)
}

func run(t testing.TB, e bgp.Engine, p *bgp.Plan, opts bgp.Options) *bgp.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r, err := e.Run(ctx, p, opts)
	if err != nil {
		t.Fatalf("%s engine: %v", e.Name(), err)
	}
	return r
}

// compare lists every difference between two results of the same plan:
// which sessions are Established, and each speaker's best routes by prefix
// and next hop.
func compare(p *bgp.Plan, a, b *bgp.Result, an, bn string) []string {
	var diffs []string
	for i := range p.Sessions {
		ea := a.Sessions[i].State == bgp.StateEstablished
		eb := b.Sessions[i].State == bgp.StateEstablished
		if ea != eb {
			diffs = append(diffs, fmt.Sprintf("session %s: %s %s (%s), %s %s (%s)", p.SessionName(i),
				an, a.Sessions[i].State, a.Sessions[i].Reason, bn, b.Sessions[i].State, b.Sessions[i].Reason))
		}
	}
	for sp := range p.Speakers {
		ra, rb := routeMap(a.Routes(sp)), routeMap(b.Routes(sp))
		var keys []netip.Prefix
		for k := range ra {
			keys = append(keys, k)
		}
		for k := range rb {
			if _, ok := ra[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(x, y netip.Prefix) int {
			if c := x.Addr().Compare(y.Addr()); c != 0 {
				return c
			}
			return x.Bits() - y.Bits()
		})
		for _, k := range keys {
			x, okx := ra[k]
			y, oky := rb[k]
			switch {
			case !okx:
				diffs = append(diffs, fmt.Sprintf("%s %s: %s has no route, %s has via %s", p.Speakers[sp].Ref(), k, an, bn, describe(p, y)))
			case !oky:
				diffs = append(diffs, fmt.Sprintf("%s %s: %s has via %s, %s has no route", p.Speakers[sp].Ref(), k, an, describe(p, x), bn))
			case x.NextHop != y.NextHop:
				diffs = append(diffs, fmt.Sprintf("%s %s: %s via %s, %s via %s", p.Speakers[sp].Ref(), k, an, describe(p, x), bn, describe(p, y)))
			}
		}
	}
	return diffs
}

func routeMap(rs []bgp.Route) map[netip.Prefix]bgp.Route {
	m := make(map[netip.Prefix]bgp.Route, len(rs))
	for _, r := range rs {
		m[r.Prefix] = r
	}
	return m
}

func describe(p *bgp.Plan, r bgp.Route) string {
	from := "local"
	if r.From >= 0 {
		from = "from " + p.Speakers[r.From].Name
	}
	return fmt.Sprintf("%s (%s, AS path %v)", r.NextHop, from, r.ASPath)
}

// socketFDs counts this process's open sockets.
func socketFDs(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n
}

// settleGoroutines waits until the goroutine count is at most want, and
// returns the count it ended at.
func settleGoroutines(want int, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}
