package packet

import (
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// A router interface with a smaller MTU than its subnet bounds the link in
// both directions: the packet that leaves the router through it and the one
// that enters the router through it (found by qa-router-link-mtu.yaml, where
// b-1 -> a-1 reported the sender's 1480 while a-1 -> b-1 reported 1380).
func TestRouterInterfaceMTUBothWays(t *testing.T) {
	tcp := topology.Port{Proto: topology.ProtoTCP, Num: 80}
	f := twoSubnets(ippool(cross, never, true))
	f.ifaceMTU = map[string]int{"az-b": 1400}
	n := f.network(t)
	cases := []struct {
		name, from, to string
		size           int
		delivered      bool
		dropAt         string
	}{
		{"out through the small interface, fits", "default/web-0", "default/web-2", 1340, true, ""},
		{"out through the small interface, one byte over", "default/web-0", "default/web-2", 1341, false, "router/vpc"},
		{"in through the small interface, fits", "default/web-2", "default/web-0", 1340, true, ""},
		{"in through the small interface, one byte over", "default/web-2", "default/web-0", 1341, false, "router/vpc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := Walk(n, n.mustFlow(t, c.from, c.to, tcp, c.size))
			if tr.PathMTU != 1380 {
				t.Errorf("PathMTU = %d, want 1380 (1400 - 20 IPIP)", tr.PathMTU)
			}
			if tr.Delivered != c.delivered {
				t.Fatalf("delivered = %v, want %v (drop %+v)", tr.Delivered, c.delivered, tr.Drop)
			}
			if !c.delivered && (tr.Drop == nil || tr.Drop.Reason != MTUExceeded || tr.Drop.At != c.dropAt) {
				t.Errorf("drop = %+v, want mtu-exceeded at %s", tr.Drop, c.dropAt)
			}
		})
	}
}
