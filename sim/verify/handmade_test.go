package verify

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// handScenario is a scenario made by hand (no loader): subnets with their
// nodes, routers, a pool, pods per node. It is what the loader would make
// after defaulting.
type handScenario struct {
	subnets  []topology.Subnet
	routers  []topology.Router
	nodes    []topology.Node
	pool     topology.IPPool
	podsEach int
	mesh     bool
	peers    []topology.BGPPeer
	exts     []topology.External
	backend  topology.Backend
}

func (h handScenario) build(t testing.TB) *Input {
	t.Helper()
	sc := &topology.Scenario{Name: "hand", Cloud: topology.CloudNone}
	sc.Underlay = topology.Underlay{MTU: 1500, Subnets: h.subnets, Routers: h.routers}
	sc.Calico = topology.Calico{Backend: h.backend, BGPEnabled: true, Datastore: topology.DatastoreKubernetes}
	if sc.Calico.Backend == "" {
		sc.Calico.Backend = topology.BackendBird
	}
	for _, n := range h.nodes {
		if !n.Prefix.IsValid() {
			for _, s := range h.subnets {
				if s.Name == n.Subnet {
					n.Prefix = netip.PrefixFrom(n.Addr, s.CIDR.Bits())
				}
			}
		}
		if n.Labels == nil {
			n.Labels = map[string]string{"kubernetes.io/hostname": n.Name, "kubernetes.io/os": "linux"}
		}
		sc.Nodes = append(sc.Nodes, n)
	}
	p := h.pool
	if p.BlockSize == 0 {
		p.BlockSize = 26
	}
	if p.NodeSelector == "" {
		p.NodeSelector = "all()"
	}
	if p.Name == "" {
		p.Name = "default-ipv4-ippool"
	}
	sc.Resources.IPPools = []topology.IPPool{p}
	sc.Resources.BGP = topology.BGPConfig{NodeToNodeMeshEnabled: h.mesh, ASNumber: 64512, ListenPort: 179}
	sc.Resources.BGPPeers = h.peers
	sc.Externals = h.exts
	sc.Namespaces = []topology.Namespace{{Name: "default"}}
	for i, n := range sc.Nodes {
		for k := range h.podsEach {
			sc.Pods = append(sc.Pods, topology.Pod{Name: fmt.Sprintf("web-%d-%d", i, k), Namespace: "default",
				Workload: "web", Node: n.Name, Labels: map[string]string{"app": "web"}})
		}
	}
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		t.Fatal(err)
	}
	return &Input{Scenario: sc, Alloc: alloc}
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func mustAddr(s string) netip.Addr     { return netip.MustParseAddr(s) }

// twoNodesNative is one subnet, two nodes, a native pool, the mesh.
func twoNodesNative() handScenario {
	return handScenario{
		subnets: []topology.Subnet{{Name: "lan", CIDR: mustPrefix("10.0.1.0/24"), MTU: 1500}},
		nodes: []topology.Node{
			{Name: "a", Subnet: "lan", Addr: mustAddr("10.0.1.10")},
			{Name: "b", Subnet: "lan", Addr: mustAddr("10.0.1.11")},
		},
		pool:     topology.IPPool{CIDR: mustPrefix("10.244.0.0/16"), IPIPMode: topology.EncapNever, VXLANMode: topology.EncapNever, NATOutgoing: true},
		podsEach: 1,
		mesh:     true,
	}
}
