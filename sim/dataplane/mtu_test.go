package dataplane

import (
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

func TestComputeMTU(t *testing.T) {
	for _, tc := range []struct {
		name        string
		host, path  int
		ipip, vxlan bool
		felix       topology.FelixConfig
		pod         int
		src         MTUSource
		tunl, vx    int
		mismatch    bool
	}{
		{"native", 1500, 1500, false, false, topology.FelixConfig{}, 1500, MTUAuto, 0, 0, false},
		{"ipip-azure", 1500, 1500, true, false, topology.FelixConfig{}, 1480, MTUAuto, 1480, 0, false},
		{"vxlan", 1500, 1500, false, true, topology.FelixConfig{}, 1450, MTUAuto, 0, 1450, false},
		{"both-largest-overhead", 9001, 9001, true, true, topology.FelixConfig{}, 8951, MTUAuto, 8981, 8951, false},
		{"veth-mtu", 1500, 1500, true, false, topology.FelixConfig{VethMTU: 1400}, 1400, MTUVeth, 1480, 0, false},
		{"veth-mtu-too-big", 1500, 1500, true, false, topology.FelixConfig{VethMTU: 1500}, 1500, MTUVeth, 1480, 0, true},
		{"felix-ipip", 9001, 9001, true, false, topology.FelixConfig{IPIPMTU: 8000}, 8000, MTUFelix, 8000, 0, false},
		{"felix-ipip-too-big", 1500, 1500, true, false, topology.FelixConfig{IPIPMTU: 1500}, 1500, MTUFelix, 1500, 0, true},
		{"jumbo-host-small-path", 9001, 1500, true, false, topology.FelixConfig{}, 8981, MTUAuto, 8981, 0, true},
		{"path-above-host-clamped", 1500, 9001, false, false, topology.FelixConfig{}, 1500, MTUAuto, 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := computeMTU(tc.host, tc.path, tc.ipip, tc.vxlan, tc.felix)
			if m.Pod != tc.pod || m.Source != tc.src || m.IPIP != tc.tunl || m.VXLAN != tc.vx || m.Mismatch != tc.mismatch {
				t.Errorf("got pod %d (%v) tunl0 %d vxlan %d mismatch %v (%s); want pod %d (%v) tunl0 %d vxlan %d mismatch %v",
					m.Pod, m.Source, m.IPIP, m.VXLAN, m.Mismatch, m.Exceeding, tc.pod, tc.src, tc.tunl, tc.vx, tc.mismatch)
			}
			if m.Mismatch && m.Exceeding == "" {
				t.Error("a mismatch without a reason")
			}
		})
	}
}

func TestNodeMTUAndDevices(t *testing.T) {
	f := twoAZ(ippool("10.244.0.0/16", cross, never))
	f.subnets[0].MTU = 9001
	f.subnets[1].MTU = 9001
	d, _ := f.built(t)
	n := d.Node(0)
	if n.HostMTU != 9001 || n.PodMTU != 8981 || n.IPIPMTU != 8981 || n.PathMTU != 9001 || n.MTUMismatch {
		t.Errorf("jumbo IPIP node: %+v", n)
	}
	var names []string
	for _, dev := range n.Devices {
		names = append(names, dev.Name)
	}
	if len(n.Devices) != 4 || n.Devices[0].Name != DevEth0 || n.Devices[1].Name != DevTunl0 ||
		n.Devices[1].Addr != d.alloc.Nodes[0].Tunnel || n.Devices[2].Kind != DeviceVeth || n.Devices[2].MAC != VethMAC() {
		t.Errorf("devices %v: %+v", names, n.Devices)
	}
	if _, ok := n.Device(DevVXLAN); ok {
		t.Error("vxlan.calico on a cluster without a VXLAN pool")
	}

	// A router interface of 1500 between two jumbo subnets: the cross-subnet
	// path carries 1500, so a pod MTU of 8981 + 20 is a mismatch.
	sc := f.scenario(t)
	sc.Underlay.Routers[0].Interfaces[1].MTU = 1500
	d2 := mustBuild(t, sc)
	if n := d2.Node(0); n.PathMTU != 1500 || !n.MTUMismatch {
		t.Errorf("jumbo subnets behind a 1500 router interface: %+v", n)
	}

	vx := twoAZ(ippool("10.244.0.0/16", never, always))
	d3, _ := vx.built(t)
	v, ok := d3.Node(2).Device(DevVXLAN)
	if !ok || v.MTU != 1450 || v.VNI != 4096 || v.Port != 4789 || v.MAC != DeriveMAC("b-1") || v.Addr != d3.alloc.Nodes[2].Tunnel {
		t.Errorf("vxlan.calico %+v", v)
	}
	if n := d3.Node(2); n.PodMTU != 1450 {
		t.Errorf("VXLAN pod MTU %d, want 1450", n.PodMTU)
	}
}
