package packet

import (
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// The outer header's TTL on the wire: Calico's tunl0 is the kernel's
// fallback IPIP device, shown by `ip -d link` as "ttl inherit", so the outer
// TTL is the inner one after the node forwarded it (63); vxlan.calico sets
// no TTL, so the kernel's default 64 applies.
func TestOuterTTL(t *testing.T) {
	tcp := topology.Port{Proto: topology.ProtoTCP, Num: 80}
	cases := []struct {
		name  string
		pool  topology.IPPool
		encap topology.Encap
		outer uint8
	}{
		{"ipip inherits", ippool(always, never, true), topology.EncapIPIP, 63},
		{"vxlan 64", ippool(never, always, true), topology.EncapVXLAN, 64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := oneSubnet(c.pool).network(t)
			tr := Walk(n, n.mustFlow(t, "default/web-0", "default/web-1", tcp, 64))
			if !tr.Delivered || tr.Encap != c.encap {
				t.Fatalf("delivered %v encap %v, drop %+v", tr.Delivered, tr.Encap, tr.Drop)
			}
			for _, h := range tr.Hops {
				if h.At != "subnet/lan" {
					continue
				}
				const eth = 14
				if len(h.Frame) < eth+20 {
					t.Fatalf("frame on the subnet is %d bytes", len(h.Frame))
				}
				if got := h.Frame[eth+8]; got != c.outer {
					t.Errorf("outer TTL on the wire = %d, want %d", got, c.outer)
				}
				return
			}
			t.Fatal("no hop on subnet/lan")
		})
	}
}
