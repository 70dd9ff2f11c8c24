package dataplane

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// rrScenario is nodes workers and two route reflectors on one /16, mesh
// off, an IPIP CrossSubnet pool: every worker learns every block.
func rrScenario(tb testing.TB, nodes int) (*topology.Scenario, *topology.Graph, *ipam.Allocation, *bgp.Plan, *bgp.Result) {
	tb.Helper()
	y := fmt.Sprintf(`apiVersion: calisim/v1alpha1
kind: Scenario
metadata: {name: rr-scale}
spec:
  underlay:
    subnets:
      - {name: dc, cidr: 10.20.0.0/16}
    routers:
      - name: core
        interfaces: [{subnet: dc, ip: 10.20.0.1}]
        default: true
  nodes:
    - {name: "rr-{1..2}", subnet: dc, labels: {route-reflector: "true"}, routeReflectorClusterID: 224.0.0.1}
    - {name: "w-{1..%d}", subnet: dc}
---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: default}
spec: {nodeToNodeMeshEnabled: false, asNumber: 63400}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: node-peer-to-rr}
spec: {nodeSelector: "!has(route-reflector)", peerSelector: has(route-reflector)}
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: pods}
spec: {cidr: 100.64.0.0/10, blockSize: 26, ipipMode: CrossSubnet, vxlanMode: Never, natOutgoing: true}
`, nodes)
	sc, err := topology.LoadBytes("rr-scale.yaml", []byte(strings.TrimSpace(y)))
	if err != nil {
		tb.Fatal(err)
	}
	g := topology.NewGraph(sc)
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		tb.Fatal(err)
	}
	plan, err := bgp.NewPlan(sc, g, alloc)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := bgp.NewModel().Run(context.Background(), plan, bgp.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return sc, g, alloc, plan, res
}

// BenchmarkRouteCountAllRR2k is what `calisim run` pays for the route count
// of every node of a 2,000-node reflector cluster on the real BGP result.
func BenchmarkRouteCountAllRR2k(b *testing.B) {
	sc, g, alloc, plan, res := rrScenario(b, 2000)
	d, err := Build(sc, g, alloc, plan, res)
	if err != nil {
		b.Fatal(err)
	}
	if n := d.RouteCount(2); n < 2000 {
		b.Fatalf("a worker has %d routes", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range d.Nodes() {
			_ = d.RouteCount(i)
		}
	}
}
