package bgp

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/topology"
)

// meshScen is n nodes on one flat subnet with the node-to-node mesh.
func meshScen(n int) *scen {
	return newScen().subnet("lan", "10.0.0.0/12").nodes("n", n, "lan", "10.0.0.10", nil)
}

// reflectorScen is n client nodes spread over racks of 50 behind one
// router, and rrs reflectors of one cluster: clients peer with every
// reflector, reflectors with each other (Calico's route reflector guide).
func reflectorScen(n, rrs int) *scen {
	s := newScen().noMesh().subnet("rr", "10.255.0.0/24")
	r := topology.Router{Name: "spine", Interfaces: []topology.Interface{{Subnet: "rr", Addr: netip.MustParseAddr("10.255.0.1")}}}
	racks := (n + 49) / 50
	for k := 0; k < racks; k++ {
		name := fmt.Sprintf("rack-%d", k)
		s.subnet(name, fmt.Sprintf("10.%d.%d.0/24", 1+k/256, k%256))
		r.Interfaces = append(r.Interfaces, topology.Interface{Subnet: name, Addr: netip.MustParseAddr(fmt.Sprintf("10.%d.%d.1", 1+k/256, k%256))})
	}
	s.sc.Underlay.Routers = append(s.sc.Underlay.Routers, r)
	s.nodes("rr", rrs, "rr", "10.255.0.10", nil)
	for i := 1; i <= rrs; i++ {
		s.reflectors("10.255.255.1", fmt.Sprintf("rr-%d", i))
	}
	for k := 0; k < racks; k++ {
		m := min(50, n-50*k)
		s.nodes(fmt.Sprintf("r%d-n", k), m, fmt.Sprintf("rack-%d", k), fmt.Sprintf("10.%d.%d.10", 1+k/256, k%256), map[string]string{"rack": fmt.Sprint(k)})
	}
	s.peer(topology.BGPPeer{Name: "peer-with-rr", NodeSelector: "!has(route-reflector)", PeerSelector: "has(route-reflector)"})
	s.peer(topology.BGPPeer{Name: "rr-mesh", NodeSelector: "has(route-reflector)", PeerSelector: "has(route-reflector)"})
	return s
}

func runScale(b *testing.B, s *scen) *Result {
	b.Helper()
	alloc := s.alloc()
	var r *Result
	var planCPU, runCPU time.Duration
	for b.Loop() {
		c0 := cpuTime()
		g := topology.NewGraph(s.sc)
		p, err := NewPlan(s.sc, g, alloc)
		if err != nil {
			b.Fatal(err)
		}
		c1 := cpuTime()
		r, err = NewModel().Run(context.Background(), p, Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		planCPU += c1 - c0
		runCPU += cpuTime() - c1
	}
	// CPU seconds (all threads, GC included) per op: on a shared machine
	// wall time says more about the neighbours than about the code.
	b.ReportMetric(planCPU.Seconds()/float64(b.N), "plan-cpu-s/op")
	b.ReportMetric(runCPU.Seconds()/float64(b.N), "run-cpu-s/op")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(r.Updates), "updates")
	b.ReportMetric(r.SettleTime.Seconds(), "virtual-s")
	return r
}

// BenchmarkMesh2000: 2,000 nodes in a full mesh, 1,999,000 sessions, about
// 4 million adverts, planned and run to quiet.
func BenchmarkMesh2000(b *testing.B) {
	r := runScale(b, meshScen(2000))
	if !r.Converged || r.EstablishedSessions() != 1999000 {
		b.Fatalf("converged %v, %d sessions", r.Converged, r.EstablishedSessions())
	}
}

// BenchmarkReflectors10k: 10,000 clients and 4 reflectors.
func BenchmarkReflectors10k(b *testing.B) {
	r := runScale(b, reflectorScen(10000, 4))
	if !r.Converged || r.EstablishedSessions() != 40006 {
		b.Fatalf("converged %v, %d sessions", r.Converged, r.EstablishedSessions())
	}
	if n := len(r.Routes(100)); n != 10004 {
		b.Fatalf("a client has %d routes, want 10004", n)
	}
}
