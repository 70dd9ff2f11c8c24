package packet

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/topology"
)

// scaleNetwork is nodes nodes over subnets of 1,000 behind one router, an
// IPIP CrossSubnet pool and podsPerNode pods per node, with a converged
// full mesh.
func scaleNetwork(tb testing.TB, nodes, podsPerNode int) *Network {
	tb.Helper()
	f := fixture{pool: topology.IPPool{Name: "default-ipv4-ippool", CIDR: netip.MustParsePrefix("100.64.0.0/10"), BlockSize: 26,
		IPIPMode: cross, VXLANMode: never, NATOutgoing: true, NodeSelector: "all()"},
		externals: []topology.External{{Name: "internet", Addr: netip.MustParseAddr("8.8.8.8")}}}
	for s := range (nodes + 999) / 1000 {
		f.subnets = append(f.subnets, topology.Subnet{Name: fmt.Sprintf("s-%d", s),
			CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(s), 0, 0}), 16), MTU: 1500})
	}
	for i := range nodes {
		s := i / 1000
		a := netip.AddrFrom4([4]byte{10, byte(s), byte((i%1000 + 10) >> 8), byte(i%1000 + 10)})
		f.nodes = append(f.nodes, [2]string{fmt.Sprintf("n-%d", i), a.String()})
	}
	f.pods = nodes * podsPerNode
	return f.network(tb)
}

// sampleFlows is a deterministic sample of pod-to-pod, pod-to-external and
// host-to-pod flows.
func sampleFlows(n *Network, count int) []Flow {
	pods := len(n.sc.Pods)
	ext := n.externalEndpoint(0)
	out := make([]Flow, 0, count)
	for k := range count {
		src := n.podEndpoint((k * 7919) % pods)
		var dst Endpoint
		switch k % 10 {
		case 0:
			dst = ext
		case 1:
			src, dst = n.hostEndpoint((k*104729)%len(n.sc.Nodes)), n.podEndpoint((k*31)%pods)
		default:
			dst = n.podEndpoint((k*104729 + 17) % pods)
		}
		out = append(out, Flow{Src: src, Dst: dst, Port: tcp443, Size: 1400})
	}
	return out
}

func BenchmarkWalk(b *testing.B) {
	n := scaleNetwork(b, 1000, 10)
	flows := sampleFlows(n, 1024)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tr := Walk(n, flows[i%len(flows)])
		if len(tr.Hops) == 0 {
			b.Fatal("no hops")
		}
		i++
	}
}

// TestWalkScale walks a sample on 1,000 nodes and 10,000 pods: every
// pod-to-pod flow is delivered, and the whole sample stays well inside the
// budget (one trace <= 50 ms; the sample is 2,000 flows).
func TestWalkScale(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	n := scaleNetwork(t, 1000, 10)
	flows := sampleFlows(n, 2000)
	start := time.Now()
	for k, f := range flows {
		tr := Walk(n, f)
		if !tr.Delivered {
			t.Fatalf("flow %d %s -> %s: %+v\n%s", k, f.Src.Name, f.Dst.Name, tr.Drop, summary(tr))
		}
	}
	if el := time.Since(start); el > 3*time.Second && !raceEnabled {
		t.Errorf("2,000 walks took %v (budget 3 s)", el)
	}
}
