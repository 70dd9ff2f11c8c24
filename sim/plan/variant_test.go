package plan

import (
	"fmt"
	"net/netip"
	"reflect"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

func sample() *topology.Scenario {
	sc := &topology.Scenario{
		Name: "sample",
		Underlay: topology.Underlay{Subnets: []topology.Subnet{
			{Name: "a", CIDR: netip.MustParsePrefix("10.0.1.0/24")},
			{Name: "b", CIDR: netip.MustParsePrefix("10.0.2.0/24")},
		}},
		Calico: topology.Calico{Backend: topology.BackendVXLAN},
		Resources: topology.Resources{
			IPPools: []topology.IPPool{
				{Name: "p1", IPIPMode: topology.EncapAlways, VXLANMode: topology.EncapNever},
				{Name: "p2", IPIPMode: topology.EncapNever, VXLANMode: topology.EncapCrossSubnet},
			},
			BGP: topology.BGPConfig{NodeToNodeMeshEnabled: false, ASNumber: 64512},
			BGPPeers: []topology.BGPPeer{
				{Name: "tor", PeerIP: netip.MustParseAddr("10.0.1.1"), ASNumber: 64600},
				{Name: "old-rr", NodeSelector: "all()", PeerSelector: "rr == 'x'"},
			},
		},
	}
	for i := range 5 {
		subnet := "a"
		if i >= 3 {
			subnet = "b"
		}
		n := topology.Node{Name: fmt.Sprintf("n%d", i), Subnet: subnet, Labels: map[string]string{"kubernetes.io/hostname": fmt.Sprintf("n%d", i)}}
		if i == 4 {
			n.RouteReflectorClusterID = "1.2.3.4"
			n.Labels[reflectorLabel] = "true"
		}
		sc.Nodes = append(sc.Nodes, n)
	}
	return sc
}

// deepCopyNodes snapshots what the variants must not touch.
func snapshot(sc *topology.Scenario) topology.Scenario {
	cp := *sc
	cp.Nodes = nil
	for _, n := range sc.Nodes {
		labels := map[string]string{}
		for k, v := range n.Labels {
			labels[k] = v
		}
		n.Labels = labels
		cp.Nodes = append(cp.Nodes, n)
	}
	cp.Resources.IPPools = append([]topology.IPPool(nil), sc.Resources.IPPools...)
	cp.Resources.BGPPeers = append([]topology.BGPPeer(nil), sc.Resources.BGPPeers...)
	return cp
}

func TestWithEncapsulation(t *testing.T) {
	for _, tc := range []struct {
		e           Encapsulation
		ipip, vxlan topology.EncapMode
		backend     topology.Backend
	}{
		{EncapNone, topology.EncapNever, topology.EncapNever, topology.BackendBird},
		{EncapIPIP, topology.EncapAlways, topology.EncapNever, topology.BackendBird},
		{EncapIPIPCrossSubnet, topology.EncapCrossSubnet, topology.EncapNever, topology.BackendBird},
		{EncapVXLAN, topology.EncapNever, topology.EncapAlways, topology.BackendVXLAN},
		{EncapVXLANCrossSubnet, topology.EncapNever, topology.EncapCrossSubnet, topology.BackendVXLAN},
	} {
		t.Run(string(tc.e), func(t *testing.T) {
			sc := sample()
			before := snapshot(sc)
			v := withEncapsulation(sc, tc.e)
			for _, p := range v.Resources.IPPools {
				if p.IPIPMode != tc.ipip || p.VXLANMode != tc.vxlan {
					t.Errorf("pool %s: ipip %s vxlan %s, want %s %s", p.Name, p.IPIPMode, p.VXLANMode, tc.ipip, tc.vxlan)
				}
			}
			if v.Calico.Backend != tc.backend {
				t.Errorf("backend %s, want %s", v.Calico.Backend, tc.backend)
			}
			if !reflect.DeepEqual(snapshot(sc), before) {
				t.Error("the scenario was mutated")
			}
		})
	}
}

func TestWithLayout(t *testing.T) {
	sc := sample()
	before := snapshot(sc)

	mesh := withLayout(sc, LayoutMesh)
	if !mesh.Resources.BGP.NodeToNodeMeshEnabled {
		t.Error("mesh layout: mesh off")
	}
	if len(mesh.Resources.BGPPeers) != 1 || mesh.Resources.BGPPeers[0].Name != "tor" {
		t.Errorf("mesh layout peers = %+v, want the router peer only", mesh.Resources.BGPPeers)
	}
	for _, n := range mesh.Nodes {
		if n.IsReflector() || n.Labels[reflectorLabel] != "" {
			t.Errorf("mesh layout: %s still a reflector", n.Name)
		}
	}

	rr := withLayout(sc, LayoutReflectors)
	if rr.Resources.BGP.NodeToNodeMeshEnabled {
		t.Error("reflector layout: mesh on")
	}
	var reflectors []string
	for _, n := range rr.Nodes {
		if n.IsReflector() != (n.Labels[reflectorLabel] == "true") {
			t.Errorf("%s: cluster ID and label disagree", n.Name)
		}
		if n.IsReflector() {
			reflectors = append(reflectors, n.Name)
		}
	}
	if want := []string{"n0", "n1", "n3", "n4"}; !reflect.DeepEqual(reflectors, want) {
		t.Errorf("reflectors = %v, want the first two of each subnet %v", reflectors, want)
	}
	var names []string
	for _, p := range rr.Resources.BGPPeers {
		names = append(names, p.Name)
	}
	if want := []string{"tor", peerNodesToRR, peerRRToRR}; !reflect.DeepEqual(names, want) {
		t.Errorf("reflector peers = %v, want %v", names, want)
	}
	if withLayout(sc, LayoutScenario) != sc {
		t.Error("the scenario's own layout is not the scenario")
	}
	if !reflect.DeepEqual(snapshot(sc), before) {
		t.Error("the scenario was mutated")
	}
}

func TestOwnLayoutIsMesh(t *testing.T) {
	sc := sample()
	if ownLayoutIsMesh(sc) {
		t.Error("mesh off, reflectors: reported as the plain mesh")
	}
	m := withLayout(sc, LayoutMesh)
	if !ownLayoutIsMesh(m) {
		t.Error("mesh on with a router peer only: not the plain mesh")
	}
}
