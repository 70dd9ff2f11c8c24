package packet

import (
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// With IPIP Always, Calico's BIRD tunnels every route of the pool, one whose
// BGP next hop is an eBGP ToR included (bird_ipam.cfg.template's
// calico_kernel_programming); the ToR receives IP-in-IP addressed to itself
// and does not decapsulate it. The walk used to report such a packet as
// delivered at the router. With CrossSubnet the ToR on the node's subnet is
// a native next hop and the pod is reached through it.
func TestIPIPToRouterNextHopIsNotDecapsulated(t *testing.T) {
	tcp := topology.Port{Proto: topology.ProtoTCP, Num: 80}
	tor := func(f *fixture) { f.routerLearn, f.nodesViaTor = true, true }

	n := with(twoSubnets(ippool(always, never, true)), tor).network(t)
	tr := Walk(n, n.mustFlow(t, "default/web-0", "default/web-2", tcp, 64))
	if tr.Delivered || tr.Drop == nil || tr.Drop.Reason != NoRoute || tr.Drop.At != "router/vpc" {
		t.Fatalf("IPIP Always via the ToR: delivered %v, drop %+v; want no-route at router/vpc", tr.Delivered, tr.Drop)
	}
	if tr.Encap != topology.EncapIPIP {
		t.Errorf("encapsulation %v, want ipip", tr.Encap)
	}

	n = with(twoSubnets(ippool(cross, never, true)), tor).network(t)
	tr = Walk(n, n.mustFlow(t, "default/web-0", "default/web-2", tcp, 64))
	if !tr.Delivered || tr.Encap != topology.EncapNone {
		t.Fatalf("IPIP CrossSubnet via the ToR: delivered %v (%v), drop %+v; want delivered natively", tr.Delivered, tr.Encap, tr.Drop)
	}
}
