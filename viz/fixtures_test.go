package viz

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
)

// twoAZ is a small AWS-like scenario: two subnets behind a BGP-speaking VPC
// router, a reflector pair, an external, and a node failure at 10s.
func twoAZ() *topology.Scenario {
	ip := netip.MustParseAddr
	pfx := netip.MustParsePrefix
	node := func(name, subnet, addr string, rr string) topology.Node {
		return topology.Node{Name: name, Subnet: subnet, Addr: ip(addr), RouteReflectorClusterID: rr,
			Labels: map[string]string{"kubernetes.io/hostname": name}}
	}
	return &topology.Scenario{
		Name:  "aws-two-az",
		Cloud: topology.CloudAWS,
		Underlay: topology.Underlay{
			MTU: 9001,
			Subnets: []topology.Subnet{
				{Name: "az-a", CIDR: pfx("10.0.1.0/24"), SrcDstCheck: true},
				{Name: "az-b", CIDR: pfx("10.0.2.0/24"), MTU: 1500, BlockProtocols: []topology.FabricProto{topology.BlockIPIP}},
				{Name: "spare", CIDR: pfx("10.0.9.0/24"), BlockBGP: true},
			},
			Routers: []topology.Router{{
				Name: "vpc", ASNumber: 64600, Default: true,
				Interfaces: []topology.Interface{
					{Subnet: "az-a", Addr: ip("10.0.1.1")},
					{Subnet: "az-b", Addr: ip("10.0.2.1")},
					{Subnet: "spare", Addr: ip("10.0.9.1")},
				},
			}},
		},
		Nodes: []topology.Node{
			node("master", "az-a", "10.0.1.10", ""),
			node("worker-a-1", "az-a", "10.0.1.11", ""),
			node("rr-1", "az-a", "10.0.1.12", "224.0.0.1"),
			node("worker-b-1", "az-b", "10.0.2.10", ""),
			node("rr-2", "az-b", "10.0.2.11", "224.0.0.1"),
		},
		Externals: []topology.External{{Name: "internet", Addr: ip("8.8.8.8")}},
		Failures: []topology.Failure{
			{At: 10 * time.Second, Action: topology.FailDown, Target: topology.FailureTarget{Kind: "node", Name: "rr-1"}},
		},
		Resources: topology.Resources{BGP: topology.BGPConfig{ASNumber: 64512}},
	}
}

func twoAZResult() *sim.Result {
	nr := func(name, ip, subnet, block string, mtu, peers int, rr bool) sim.NodeResult {
		return sim.NodeResult{Name: name, IP: ip, Subnet: subnet, Blocks: []string{block}, PodMTU: mtu, HostMTU: mtu + 20, Peers: peers, Reflector: rr, Tunnel: "tunl0"}
	}
	res := &sim.Result{
		Scenario: sim.ScenarioInfo{Name: "aws-two-az", Cloud: "aws", Engine: "model"},
		Nodes: []sim.NodeResult{
			nr("master", "10.0.1.10", "az-a", "10.244.0.0/26", 8981, 1, false),
			nr("worker-a-1", "10.0.1.11", "az-a", "10.244.0.64/26", 8981, 1, false),
			nr("rr-1", "10.0.1.12", "az-a", "10.244.0.128/26", 8981, 0, true),
			nr("worker-b-1", "10.0.2.10", "az-b", "10.244.0.192/26", 1480, 1, false),
			nr("rr-2", "10.0.2.11", "az-b", "10.244.1.0/26", 1480, 4, true),
		},
		BGP: sim.BGPResult{Topology: "route-reflector", Sessions: 4, Configured: 8, MaxPeersPerNode: 4, Converged: true, ConvergenceMillis: 1250},
	}
	peer := func(a, b, kind string, up bool, reason string) sim.Peering {
		st := "Established"
		if !up {
			st = "Idle"
		}
		return sim.Peering{A: a, B: b, Kind: kind, Established: up, State: st, Reason: reason}
	}
	res.BGP.Peerings = []sim.Peering{
		peer("node/master", "node/rr-1", "rr-client", false, "peer node/rr-1 is down"),
		peer("node/master", "node/rr-2", "rr-client", true, ""),
		peer("node/worker-a-1", "node/rr-1", "rr-client", false, "peer node/rr-1 is down"),
		peer("node/worker-a-1", "node/rr-2", "rr-client", true, ""),
		peer("node/worker-b-1", "node/rr-1", "rr-client", false, "peer node/rr-1 is down"),
		peer("node/worker-b-1", "node/rr-2", "rr-client", true, ""),
		peer("node/rr-1", "node/rr-2", "peer", false, "peer node/rr-1 is down"),
		{A: "node/rr-2", B: "router/vpc", Kind: "router", EBGP: true, Established: true, State: "Established"},
		{A: "node/rr-2", B: "peer/10.0.9.9", Kind: "router", EBGP: true, State: "Idle", Reason: "no BGP speaker at 10.0.9.9"},
	}
	res.Paths = []sim.Path{twoAZDropped(), twoAZDelivered()}
	return res
}

func twoAZDelivered() sim.Path {
	return sim.Path{
		From: "org-1/web-0", To: "org-1/db-0", Port: "tcp/5432", Size: 1400, Delivered: true,
		Encapsulation: "ipip", OverheadBytes: 20, PathMTU: 1480,
		Policy: &sim.PathPolicy{Verdict: "allow", DecidedBy: "allow-db"},
		Hops: []sim.Hop{
			{At: "pod/org-1/web-0", Dev: "eth0", Action: "send", Detail: "10.244.0.66 > 10.244.0.194 tcp/5432", Bytes: 1440},
			{At: "node/worker-a-1", Dev: "cali1234", Action: "route", Detail: "10.244.0.192/26 via 10.0.2.10 dev tunl0 proto bird onlink"},
			{At: "node/worker-a-1", Dev: "tunl0", Action: "encapsulate", Detail: "IPIP outer 10.0.1.11 > 10.0.2.10", Bytes: 1460},
			{At: "router/vpc", Dev: "eth1", Action: "forward", Detail: "10.0.2.10 is on az-b", Bytes: 1460},
			{At: "node/worker-b-1", Dev: "tunl0", Action: "decapsulate", Bytes: 1440},
			{At: "pod/org-1/db-0", Dev: "eth0", Action: "deliver", Detail: "policy allow (allow-db)", Bytes: 1440},
		},
	}
}

func twoAZDropped() sim.Path {
	return sim.Path{
		From: "org-1/web-0", To: "org-1/db-0", Port: "tcp/5432", Size: 64, Delivered: false,
		Encapsulation: "none", PathMTU: 1500,
		Drop: &sim.Drop{At: "subnet/az-a", Reason: "src-dst-check", Detail: "az-a checks source and destination: 10.244.0.194 is not a host address"},
		Hops: []sim.Hop{
			{At: "pod/org-1/web-0", Dev: "eth0", Action: "send", Detail: "10.244.0.66 > 10.244.0.194 tcp/5432", Bytes: 104},
			{At: "node/worker-a-1", Dev: "eth0", Action: "route", Detail: "10.244.0.192/26 via 10.0.2.10 dev eth0 proto bird", Bytes: 104},
			{At: "subnet/az-a", Action: "drop", Detail: "src-dst-check"},
		},
	}
}

// mesh is a full-mesh scenario of n nodes over two subnets, with its result
// (every peering, all established).
func mesh(n int) (*topology.Scenario, *sim.Result) {
	sc := &topology.Scenario{
		Name: fmt.Sprintf("mesh-%d", n),
		Underlay: topology.Underlay{
			Subnets: []topology.Subnet{
				{Name: "rack-a", CIDR: netip.MustParsePrefix("10.1.0.0/16")},
				{Name: "rack-b", CIDR: netip.MustParsePrefix("10.2.0.0/16")},
			},
			Routers: []topology.Router{{Name: "core", Interfaces: []topology.Interface{
				{Subnet: "rack-a", Addr: netip.MustParseAddr("10.1.0.1")},
				{Subnet: "rack-b", Addr: netip.MustParseAddr("10.2.0.1")},
			}}},
		},
		Resources: topology.Resources{BGP: topology.BGPConfig{NodeToNodeMeshEnabled: true, ASNumber: 64512}},
	}
	res := &sim.Result{BGP: sim.BGPResult{Topology: "full-mesh", Converged: true, ConvergenceMillis: 4200}}
	for i := range n {
		subnet, base := "rack-a", netip.MustParseAddr("10.1.1.0")
		if i%2 == 1 {
			subnet, base = "rack-b", netip.MustParseAddr("10.2.1.0")
		}
		a := base
		for range i/2 + 1 {
			a = a.Next()
		}
		name := fmt.Sprintf("node-%04d", i)
		sc.Nodes = append(sc.Nodes, topology.Node{Name: name, Subnet: subnet, Addr: a})
		res.Nodes = append(res.Nodes, sim.NodeResult{Name: name, IP: a.String(), Subnet: subnet, PodMTU: 1480, Peers: n - 1,
			Blocks: []string{fmt.Sprintf("10.244.%d.%d/26", i/4, (i%4)*64)}})
	}
	res.BGP.Peerings = make([]sim.Peering, 0, n*(n-1)/2)
	for i := range n {
		for j := i + 1; j < n; j++ {
			res.BGP.Peerings = append(res.BGP.Peerings, sim.Peering{
				A: "node/" + sc.Nodes[i].Name, B: "node/" + sc.Nodes[j].Name, Kind: "mesh", Established: true, State: "Established"})
		}
	}
	res.BGP.Sessions = len(res.BGP.Peerings)
	res.BGP.Configured = len(res.BGP.Peerings)
	res.BGP.MaxPeersPerNode = n - 1
	return sc, res
}
