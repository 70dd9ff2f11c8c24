package dataplane

import (
	"net/netip"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// Calico's calico_kernel_programming filter (bird_ipam.cfg.template) sets
// krt_tunnel from the pool's IPIP mode and the BGP next hop's subnet alone:
// with Always every route of the pool goes via tunl0, whoever the next hop
// is, a ToR included; with CrossSubnet a next hop inside the node's subnet
// is native. The twin used to send routes with a router next hop natively.
func TestIPIPRouteToRouterNextHop(t *testing.T) {
	block := netip.MustParsePrefix("10.244.0.128/26") // b-1's block
	cases := []struct {
		name string
		mode topology.EncapMode
		want string
	}{
		{"Always", topology.EncapAlways, "10.244.0.128/26 via 10.0.1.1 dev tunl0 proto bird onlink"},
		{"CrossSubnet", topology.EncapCrossSubnet, "10.244.0.128/26 via 10.0.1.1 dev eth0 proto bird"},
		{"Never", topology.EncapNever, "10.244.0.128/26 via 10.0.1.1 dev eth0 proto bird"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, m := twoAZ(ippool("10.244.0.0/16", c.mode, topology.EncapNever)).built(t)
			m.tor = true // the ToR (vpc, 10.0.1.1 on az-a) re-advertises with next-hop-self
			var got string
			for _, r := range d.Table(0).Routes {
				if r.Dst == block {
					got = r.String()
				}
			}
			if got != c.want {
				t.Errorf("a-1's route to %v = %q, want %q", block, got, c.want)
			}
		})
	}
}
