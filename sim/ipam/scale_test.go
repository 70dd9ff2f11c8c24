package ipam

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// bigScenario is n nodes, one pod per node, and the given pool.
func bigScenario(n int, p topology.IPPool) *topology.Scenario {
	sc := &topology.Scenario{Nodes: nodes(n)}
	sc.Pods = make([]topology.Pod, n)
	for i := range sc.Pods {
		sc.Pods[i] = topology.Pod{Name: fmt.Sprintf("p%d", i), Namespace: "default", Node: sc.Nodes[i].Name}
	}
	sc.Resources.IPPools = []topology.IPPool{p}
	return sc
}

// TestLazyPool checks that a /8 with blockSize 32 (16M blocks) costs memory
// for the 200,000 blocks 100,000 nodes use, not for the pool.
func TestLazyPool(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 nodes")
	}
	sc := bigScenario(100_000, pool("big", "10.0.0.0/8", 32, ipip(topology.EncapAlways)))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a, err := Allocate(sc)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	// Each node: a /32 for its tunnel, then a /32 for its pod.
	if got := len(a.Blocks); got != 200_000 {
		t.Fatalf("%d blocks, want 200000", got)
	}
	if got, want := a.Nodes[99_999].Tunnel, netip.MustParseAddr("10.1.134.159"); got != want {
		t.Errorf("last node's tunnel %s, want %s", got, want)
	}
	if got, want := a.Pods[0].Addr, netip.MustParseAddr("10.1.134.160"); got != want {
		t.Errorf("first pod %s, want %s", got, want)
	}
	if a.BlocksPerNode != 2 || a.Pools[0].BlocksTotal != 1<<24 || a.Pools[0].BlocksUsed != 200_000 {
		t.Errorf("BlocksPerNode %d, usage %+v", a.BlocksPerNode, a.Pools[0])
	}
	// Enumerating the pool would cost 16M blocks of ~48 bytes: 800 MB.
	if bytes := after.TotalAlloc - before.TotalAlloc; bytes > 64<<20 {
		t.Errorf("allocated %d MB for 200,000 blocks", bytes>>20)
	}
	checkInvariants(t, sc, a)

	// Without pods, node blocks cost no allocation per node.
	sc.Pods = nil
	allocs := testing.AllocsPerRun(2, func() {
		if _, err := Allocate(sc); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 64 {
		t.Errorf("%v allocations for 100,000 nodes; want a bounded number, not one per node", allocs)
	}
}

func BenchmarkAllocate100kNodes(b *testing.B) {
	cases := []struct {
		name string
		pool topology.IPPool
		pods bool
	}{
		// Calico's default pool: 1,024 blocks, so 98,976 nodes get none.
		{"default-pool", pool("default-ipv4-ippool", "192.168.0.0/16", 26, ipip(topology.EncapAlways)), false},
		{"slash8-bs26", pool("big", "10.0.0.0/8", 26, ipip(topology.EncapAlways)), false},
		{"slash8-bs32", pool("big", "10.0.0.0/8", 32, ipip(topology.EncapAlways)), false},
		{"slash8-bs26-1pod-per-node", pool("big", "10.0.0.0/8", 26, ipip(topology.EncapAlways)), true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			sc := bigScenario(100_000, c.pool)
			if !c.pods {
				sc.Pods = nil
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Allocate(sc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
