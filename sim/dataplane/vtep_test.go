package dataplane

import (
	"net/netip"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// Two pools by node label: rack a (a-1, a-2) on an IPIP pool, rack b (b-1)
// on a VXLAN pool. calico-node gives a VXLAN tunnel address only to nodes a
// VXLAN pool selects, and Felix configures vxlan.calico and programs VXLAN
// routes only once it knows the node's own VTEP: a-1 has neither the device
// nor a route to b-1's block. b-1 reaches rack a over tunl0 (BIRD's route).
func TestNoVTEPNoVXLANRoutes(t *testing.T) {
	ipip := ippool("10.100.0.0/16", topology.EncapAlways, topology.EncapNever)
	ipip.Name, ipip.NodeSelector = "a-pool", "rack == 'a'"
	vx := ippool("10.200.0.0/16", topology.EncapNever, topology.EncapAlways)
	vx.Name, vx.NodeSelector = "b-pool", "rack == 'b'"
	f := twoAZ(ipip)
	f.extra = []topology.IPPool{vx}
	sc := f.scenario(t)
	for i := range sc.Nodes {
		sc.Nodes[i].Labels["rack"] = sc.Nodes[i].Name[:1]
	}
	d := mustBuild(t, sc)

	if _, ok := d.Node(0).Device(DevVXLAN); ok {
		t.Errorf("a-1 has %s without a VTEP", DevVXLAN)
	}
	if _, ok := d.Node(2).Device(DevVXLAN); !ok {
		t.Errorf("b-1 has no %s", DevVXLAN)
	}
	bBlock := netip.MustParsePrefix("10.200.0.0/26")
	for _, r := range d.Table(0).Routes {
		if r.Dst == bBlock {
			t.Errorf("a-1 routes b-1's VXLAN block without a VTEP: %s", r)
		}
	}
	if r, ok := d.Lookup(0, netip.MustParseAddr("10.200.0.1")); ok && r.Dev == DevVXLAN {
		t.Errorf("a-1 looks up b-1's pod via %s", r)
	}
	want := "10.100.0.0/26 via 10.0.1.10 dev tunl0 proto bird onlink"
	found := false
	for _, r := range d.Table(2).Routes {
		found = found || r.String() == want
	}
	if !found {
		t.Errorf("b-1 lacks %q: %v", want, d.Table(2).Routes)
	}
	if d.Node(0).PodMTU != 1450 {
		t.Errorf("a-1 pod MTU %d, want 1450 (VXLAN is enabled cluster-wide)", d.Node(0).PodMTU)
	}
}
