package ipam

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// pool makes a defaulted IPPool.
func pool(name, cidr string, blockSize int, opts ...func(*topology.IPPool)) topology.IPPool {
	return applyPool(topology.IPPool{
		Name: name, CIDR: netip.MustParsePrefix(cidr), BlockSize: blockSize,
		IPIPMode: topology.EncapNever, VXLANMode: topology.EncapNever, NodeSelector: "all()",
		Pos: topology.Pos{File: "pools.yaml", Line: 3, Col: 1},
	}, opts)
}

func applyPool(p topology.IPPool, opts []func(*topology.IPPool)) topology.IPPool {
	for _, o := range opts {
		o(&p)
	}
	return p
}

func ipip(m topology.EncapMode) func(*topology.IPPool) {
	return func(p *topology.IPPool) { p.IPIPMode = m }
}
func vxlan(m topology.EncapMode) func(*topology.IPPool) {
	return func(p *topology.IPPool) { p.VXLANMode = m }
}
func disabled(p *topology.IPPool)             { p.Disabled = true }
func nodeSel(s string) func(*topology.IPPool) { return func(p *topology.IPPool) { p.NodeSelector = s } }

// nodes makes n nodes named n1..nN at 192.168.0.1.. with hostname labels.
func nodes(n int) []topology.Node {
	out := make([]topology.Node, n)
	for i := range out {
		name := fmt.Sprintf("n%d", i+1)
		out[i] = topology.Node{
			Name: name, Subnet: "s1",
			Addr:   netip.AddrFrom4([4]byte{192, 168, byte((i + 1) >> 8), byte(i + 1)}),
			Labels: map[string]string{"kubernetes.io/hostname": name},
		}
	}
	return out
}

// pods makes one pod per node name given, in order.
func pods(on ...string) []topology.Pod {
	out := make([]topology.Pod, len(on))
	for i, n := range on {
		out[i] = topology.Pod{Name: fmt.Sprintf("p%d", i), Namespace: "default", Node: n}
	}
	return out
}

func repeat(node string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = node
	}
	return out
}

// describeNodes prints each node as "n1 10.0.0.0/26,10.0.0.64/26 tunl0=10.0.0.0".
func describeNodes(sc *topology.Scenario, a *Allocation) []string {
	out := make([]string, len(a.Nodes))
	for i, na := range a.Nodes {
		var blocks []string
		for _, b := range a.NodeBlocks(i) {
			blocks = append(blocks, b.String())
		}
		s := sc.Nodes[i].Name + " " + strings.Join(blocks, ",")
		if na.Pool < 0 {
			s += "-"
		}
		if na.TunnelDev != "" {
			s += " " + na.TunnelDev + "=" + na.Tunnel.String()
		}
		out[i] = s
	}
	return out
}

// describePods prints each pod's address, or "-".
func describePods(a *Allocation) []string {
	out := make([]string, len(a.Pods))
	for i, p := range a.Pods {
		out[i] = "-"
		if p.Addr.IsValid() {
			out[i] = p.Addr.String()
		}
	}
	return out
}

func describeExhausted(a *Allocation) []string {
	var out []string
	for _, e := range a.Exhausted {
		out = append(out, fmt.Sprintf("%d: %s", e.Pod, e.Message))
	}
	return out
}

func TestAllocate(t *testing.T) {
	hostNet := pods("n2")
	hostNet[0].HostNetwork = true
	labelled := nodes(3)
	labelled[1].Labels["zone"] = "b"
	tests := []struct {
		name      string
		pools     []topology.IPPool
		nodes     []topology.Node
		pods      []topology.Pod
		wantNodes []string
		wantPods  []string
		wantExh   []string
		wantBPN   int
	}{
		{
			name:      "nodes in scenario order, pods in pod order, native",
			pools:     []topology.IPPool{pool("default", "10.244.0.0/16", 26)},
			nodes:     nodes(3),
			pods:      pods("n3", "n1", "n3"),
			wantNodes: []string{"n1 10.244.0.0/26", "n2 10.244.0.64/26", "n3 10.244.0.128/26"},
			wantPods:  []string{"10.244.0.128", "10.244.0.0", "10.244.0.129"},
			wantBPN:   1,
		},
		{
			name:      "ipip always: tunl0 takes the first address",
			pools:     []topology.IPPool{pool("default", "192.168.0.0/16", 26, ipip(topology.EncapAlways))},
			nodes:     nodes(2),
			pods:      pods("n1", "n2", "n1"),
			wantNodes: []string{"n1 192.168.0.0/26 tunl0=192.168.0.0", "n2 192.168.0.64/26 tunl0=192.168.0.64"},
			wantPods:  []string{"192.168.0.1", "192.168.0.65", "192.168.0.2"},
			wantBPN:   1,
		},
		{
			name:      "vxlan crosssubnet: vxlan.calico takes the first address",
			pools:     []topology.IPPool{pool("default", "10.0.0.0/24", 28, vxlan(topology.EncapCrossSubnet))},
			nodes:     nodes(2),
			pods:      pods("n2"),
			wantNodes: []string{"n1 10.0.0.0/28 vxlan.calico=10.0.0.0", "n2 10.0.0.16/28 vxlan.calico=10.0.0.16"},
			wantPods:  []string{"10.0.0.17"},
			wantBPN:   1,
		},
		{
			name: "two pools: the first by name wins, a full one gives way to the next",
			pools: []topology.IPPool{
				pool("a-pool", "10.1.0.0/26", 26),
				pool("b-pool", "10.2.0.0/16", 26, ipip(topology.EncapAlways)),
			},
			nodes:     nodes(3),
			pods:      pods("n1", "n2"),
			wantNodes: []string{"n1 10.1.0.0/26", "n2 10.2.0.0/26 tunl0=10.2.0.0", "n3 10.2.0.64/26 tunl0=10.2.0.64"},
			wantPods:  []string{"10.1.0.0", "10.2.0.1"},
			wantBPN:   1,
		},
		{
			name: "pools not in name order are still tried by name",
			pools: []topology.IPPool{
				pool("z-pool", "10.9.0.0/16", 26),
				pool("a-pool", "10.1.0.0/26", 26),
			},
			nodes:     nodes(2),
			pods:      pods("n2"),
			wantNodes: []string{"n1 10.1.0.0/26", "n2 10.9.0.0/26"},
			wantPods:  []string{"10.9.0.0"},
			wantBPN:   1,
		},
		{
			name: "disabled pool is skipped",
			pools: []topology.IPPool{
				pool("a-pool", "10.1.0.0/16", 26, disabled),
				pool("b-pool", "10.2.0.0/16", 26),
			},
			nodes:     nodes(1),
			pods:      pods("n1"),
			wantNodes: []string{"n1 10.2.0.0/26"},
			wantPods:  []string{"10.2.0.0"},
			wantBPN:   1,
		},
		{
			name:      "blockSize 32 with ipip: the tunnel fills the first block, pods take more",
			pools:     []topology.IPPool{pool("p", "10.0.0.0/8", 32, ipip(topology.EncapAlways))},
			nodes:     nodes(2),
			pods:      pods("n1", "n1", "n2"),
			wantNodes: []string{"n1 10.0.0.0/32,10.0.0.2/32,10.0.0.3/32 tunl0=10.0.0.0", "n2 10.0.0.1/32,10.0.0.4/32 tunl0=10.0.0.1"},
			wantPods:  []string{"10.0.0.2", "10.0.0.3", "10.0.0.4"},
			wantBPN:   3,
		},
		{
			name:      "blockSize 20",
			pools:     []topology.IPPool{pool("p", "10.0.0.0/12", 20)},
			nodes:     nodes(3),
			pods:      pods("n3", "n3"),
			wantNodes: []string{"n1 10.0.0.0/20", "n2 10.0.16.0/20", "n3 10.0.32.0/20"},
			wantPods:  []string{"10.0.32.0", "10.0.32.1"},
			wantBPN:   1,
		},
		{
			name:      "a full block spills into the node's next block",
			pools:     []topology.IPPool{pool("p", "10.0.0.0/24", 26, ipip(topology.EncapAlways))},
			nodes:     nodes(2),
			pods:      pods(append(repeat("n1", 63), "n1", "n2")...),
			wantNodes: []string{"n1 10.0.0.0/26,10.0.0.128/26 tunl0=10.0.0.0", "n2 10.0.0.64/26 tunl0=10.0.0.64"},
			wantPods: append(func() []string {
				var s []string
				for i := 1; i <= 63; i++ {
					s = append(s, fmt.Sprintf("10.0.0.%d", i))
				}
				return s
			}(), "10.0.0.128", "10.0.0.65"),
			wantBPN: 2,
		},
		{
			name:      "exhaustion: Calico's message names the pools",
			pools:     []topology.IPPool{pool("small", "10.0.0.0/30", 31), pool("tiny", "10.0.1.0/32", 32)},
			nodes:     nodes(1),
			pods:      pods("n1", "n1", "n1", "n1", "n1", "n1"),
			wantNodes: []string{"n1 10.0.0.0/31,10.0.0.2/31,10.0.1.0/32"},
			wantPods:  []string{"10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.1.0", "-"},
			wantExh:   []string{"5: No IPs available in pools: [small tiny]"},
			wantBPN:   3,
		},
		{
			name:      "exhaustion at node time: later nodes get no block",
			pools:     []topology.IPPool{pool("p", "10.0.0.0/26", 26)},
			nodes:     nodes(2),
			pods:      pods("n2", "n1"),
			wantNodes: []string{"n1 10.0.0.0/26", "n2 -"},
			wantPods:  []string{"-", "10.0.0.0"},
			wantExh:   []string{"0: No IPs available in pools: [p]"},
			wantBPN:   1,
		},
		{
			name:      "no pool selects the node",
			pools:     []topology.IPPool{pool("p", "10.0.0.0/16", 26, disabled)},
			nodes:     nodes(1),
			pods:      pods("n1"),
			wantNodes: []string{"n1 -"},
			wantPods:  []string{"-"},
			wantExh:   []string{"0: no configured Calico pools for node n1"},
			wantBPN:   0,
		},
		{
			name:      "host-networked pod takes the node's address",
			pools:     []topology.IPPool{pool("p", "10.0.0.0/16", 26)},
			nodes:     nodes(2),
			pods:      hostNet,
			wantNodes: []string{"n1 10.0.0.0/26", "n2 10.0.0.64/26"},
			wantPods:  []string{"192.168.0.2"},
			wantBPN:   1,
		},
		{
			name:      "pod on an unknown node",
			pools:     []topology.IPPool{pool("p", "10.0.0.0/16", 26)},
			nodes:     nodes(1),
			pods:      pods("ghost", ""),
			wantNodes: []string{"n1 10.0.0.0/26"},
			wantPods:  []string{"-", "-"},
			wantExh: []string{
				`0: pod is placed on node "ghost", which the scenario does not have`,
				"1: pod is not placed on a node",
			},
			wantBPN: 1,
		},
		{
			name: "overlapping pools never hand out overlapping blocks",
			pools: []topology.IPPool{
				pool("a", "10.0.0.0/25", 26),
				pool("b", "10.0.0.0/16", 24),
				pool("c", "10.0.0.0/23", 27),
			},
			nodes:     nodes(4),
			wantNodes: []string{"n1 10.0.0.0/26", "n2 10.0.0.64/26", "n3 10.0.1.0/24", "n4 10.0.2.0/24"},
			wantPods:  []string{},
			wantBPN:   1,
		},
		{
			name:      "ipv6 pool, vxlan",
			pools:     []topology.IPPool{pool("v6", "fd00:10:244::/48", 122, vxlan(topology.EncapAlways))},
			nodes:     nodes(2),
			pods:      pods("n2"),
			wantNodes: []string{"n1 fd00:10:244::/122 vxlan-v6.calico=fd00:10:244::", "n2 fd00:10:244::40/122 vxlan-v6.calico=fd00:10:244::40"},
			wantPods:  []string{"fd00:10:244::41"},
			wantBPN:   1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := &topology.Scenario{Nodes: tc.nodes, Pods: tc.pods}
			sc.Resources.IPPools = tc.pools
			a, err := Allocate(sc)
			if err != nil {
				t.Fatalf("Allocate: %v", err)
			}
			if got := describeNodes(sc, a); !slices.Equal(got, tc.wantNodes) {
				t.Errorf("nodes:\n got %q\nwant %q", got, tc.wantNodes)
			}
			if got := describePods(a); !slices.Equal(got, tc.wantPods) {
				t.Errorf("pods:\n got %q\nwant %q", got, tc.wantPods)
			}
			if got := describeExhausted(a); !slices.Equal(got, tc.wantExh) {
				t.Errorf("exhausted:\n got %q\nwant %q", got, tc.wantExh)
			}
			if a.BlocksPerNode != tc.wantBPN {
				t.Errorf("BlocksPerNode = %d, want %d", a.BlocksPerNode, tc.wantBPN)
			}
			checkInvariants(t, sc, a)
		})
	}
}

// checkInvariants holds for every allocation: blocks are disjoint, each inside
// its pool, each listed by its node; pod and tunnel addresses are unique and
// inside a block the node holds; usage counts add up.
func checkInvariants(t *testing.T, sc *topology.Scenario, a *Allocation) {
	t.Helper()
	sorted := slices.Clone(a.Blocks)
	slices.SortFunc(sorted, func(x, y Block) int { return x.CIDR.Addr().Compare(y.CIDR.Addr()) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i-1].CIDR.Overlaps(sorted[i].CIDR) {
			t.Errorf("blocks %s and %s overlap", sorted[i-1].CIDR, sorted[i].CIDR)
		}
	}
	used := make([]int64, len(a.Pools))
	addrs := make([]int64, len(a.Pools))
	for bi, b := range a.Blocks {
		used[b.Pool]++
		if !sc.Resources.IPPools[b.Pool].CIDR.Contains(b.CIDR.Addr()) {
			t.Errorf("block %s outside its pool", b.CIDR)
		}
		if !slices.Contains(a.Nodes[b.Node].Blocks, bi) {
			t.Errorf("block %s not listed by node %d", b.CIDR, b.Node)
		}
		if got, ok := a.BlockOf(b.CIDR.Addr()); !ok || got != b {
			t.Errorf("BlockOf(%s) = %v, %v; want %v", b.CIDR.Addr(), got, ok, b)
		}
	}
	seen := map[netip.Addr]bool{}
	for i, na := range a.Nodes {
		if na.Tunnel.IsValid() {
			seen[na.Tunnel] = true
			addrs[na.Pool]++
		}
		_ = i
	}
	for i, p := range a.Pods {
		if p.Block < 0 {
			continue
		}
		if seen[p.Addr] {
			t.Errorf("pod %d: address %s handed out twice", i, p.Addr)
		}
		seen[p.Addr] = true
		b := a.Blocks[p.Block]
		addrs[b.Pool]++
		if !b.CIDR.Contains(p.Addr) || sc.Nodes[b.Node].Name != sc.Pods[i].Node {
			t.Errorf("pod %d: %s not in a block of its node", i, p.Addr)
		}
	}
	for p, u := range a.Pools {
		if u.BlocksUsed != used[p] || u.AddressesUsed != addrs[p] {
			t.Errorf("pool %d usage %+v, counted %d blocks %d addresses", p, u, used[p], addrs[p])
		}
	}
}

func TestOverlapsAndCapacity(t *testing.T) {
	sc := &topology.Scenario{Nodes: nodes(1)}
	sc.Underlay.Subnets = []topology.Subnet{
		{Name: "nodes", CIDR: netip.MustParsePrefix("10.0.0.0/24")},
		{Name: "other", CIDR: netip.MustParsePrefix("172.16.0.0/24")},
	}
	sc.Resources.IPPools = []topology.IPPool{
		pool("a", "10.0.0.0/16", 26),
		pool("b", "10.0.128.0/17", 26),
		pool("c", "10.1.0.0/16", 26),
		pool("d", "10.2.0.0/16", 26, disabled),
	}
	a, err := Allocate(sc)
	if err != nil {
		t.Fatal(err)
	}
	want := []Overlap{
		{Pool: 0, OtherPool: 1, Message: "IPPool a (10.0.0.0/16) overlaps IPPool b (10.0.128.0/17)"},
		{Pool: 0, OtherPool: -1, Subnet: "nodes", Message: "IPPool a (10.0.0.0/16) overlaps underlay subnet nodes (10.0.0.0/24)"},
	}
	if !slices.Equal(a.Overlaps, want) {
		t.Errorf("overlaps:\n got %+v\nwant %+v", a.Overlaps, want)
	}
	// a and b overlap (counted once), c counts, d is disabled.
	if a.PodCapacity != 2*65536 {
		t.Errorf("PodCapacity = %d, want %d", a.PodCapacity, 2*65536)
	}
	if got := a.Pools[0].BlocksTotal; got != 1024 {
		t.Errorf("BlocksTotal = %d, want 1024", got)
	}
}

func TestCapacityBounds(t *testing.T) {
	tests := []struct {
		name        string
		pool        topology.IPPool
		capacity    int64
		blocksTotal uint64
	}{
		{"/16 blockSize 26", pool("p", "192.168.0.0/16", 26), 65536, 1024},
		{"/8 blockSize 32", pool("p", "10.0.0.0/8", 32), 1 << 24, 1 << 24},
		{"/0 blockSize 32", pool("p", "0.0.0.0/0", 32), 1 << 32, 1 << 32},
		{"ipv6 /64 blockSize 122", pool("p", "fd00::/64", 122), math.MaxInt64, 1 << 58},
		{"ipv6 /0 blockSize 128", pool("p", "::/0", 128), math.MaxInt64, math.MaxUint64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := &topology.Scenario{Nodes: nodes(2), Pods: pods("n1", "n2")}
			sc.Resources.IPPools = []topology.IPPool{tc.pool}
			a, err := Allocate(sc)
			if err != nil {
				t.Fatal(err)
			}
			if a.PodCapacity != tc.capacity || a.Pools[0].BlocksTotal != tc.blocksTotal {
				t.Errorf("capacity %d blocksTotal %d, want %d %d", a.PodCapacity, a.Pools[0].BlocksTotal, tc.capacity, tc.blocksTotal)
			}
			if a.Pools[0].BlocksUsed != 2 {
				t.Errorf("BlocksUsed = %d, want 2", a.Pools[0].BlocksUsed)
			}
			checkInvariants(t, sc, a)
		})
	}
}

func TestAllocateErrors(t *testing.T) {
	tests := []struct {
		name     string
		pool     topology.IPPool
		wantPath string
	}{
		{"blockSize below the prefix length", pool("p", "10.0.0.0/16", 8), "spec.blockSize"},
		{"blockSize beyond the address", pool("p", "10.0.0.0/16", 33), "spec.blockSize"},
		{"no cidr", topology.IPPool{Name: "p", BlockSize: 26, Pos: topology.Pos{File: "f.yaml", Line: 7}}, "spec.cidr"},
		{"path below the pool's own", func() topology.IPPool {
			p := pool("p", "10.0.0.0/16", 40)
			p.Pos.Path = "items[2]"
			return p
		}(), "items[2].spec.blockSize"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := &topology.Scenario{Nodes: nodes(1)}
			sc.Resources.IPPools = []topology.IPPool{tc.pool}
			_, err := Allocate(sc)
			var fe *topology.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FieldError", err)
			}
			if fe.Path != tc.wantPath || fe.File != tc.pool.Pos.File || fe.Line != tc.pool.Pos.Line {
				t.Errorf("error at %s:%d %s, want %s:%d %s", fe.File, fe.Line, fe.Path, tc.pool.Pos.File, tc.pool.Pos.Line, tc.wantPath)
			}
		})
	}
	t.Run("a disabled pool's bad blockSize does not stop allocation", func(t *testing.T) {
		sc := &topology.Scenario{Nodes: nodes(1)}
		sc.Resources.IPPools = []topology.IPPool{pool("a", "10.0.0.0/16", 8, disabled), pool("b", "10.1.0.0/16", 26)}
		if _, err := Allocate(sc); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("nil scenario", func(t *testing.T) {
		if _, err := Allocate(nil); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestLookups(t *testing.T) {
	sc := &topology.Scenario{Nodes: nodes(3), Pods: pods("n1", "n1", "n3")}
	sc.Resources.IPPools = []topology.IPPool{
		pool("a", "10.0.0.0/24", 26, ipip(topology.EncapAlways)),
		pool("b", "10.9.0.0/16", 26, disabled),
	}
	a, err := Allocate(sc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		addr      string
		wantBlock string // "" none
		wantNode  int
		wantPool  int
	}{
		{"10.0.0.0", "10.0.0.0/26", 0, 0},
		{"10.0.0.63", "10.0.0.0/26", 0, 0},
		{"10.0.0.64", "10.0.0.64/26", 1, 0},
		{"10.0.0.130", "10.0.0.128/26", 2, 0},
		{"10.0.0.200", "", 0, 0},   // in the pool, not allocated
		{"10.9.1.1", "", 0, 1},     // a disabled pool still contains it
		{"192.168.0.1", "", 0, -1}, // no pool
		{"fd00::1", "", 0, -1},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			addr := netip.MustParseAddr(tc.addr)
			b, ok := a.BlockOf(addr)
			if ok != (tc.wantBlock != "") || (ok && (b.CIDR.String() != tc.wantBlock || b.Node != tc.wantNode)) {
				t.Errorf("BlockOf = %v, %v; want %s on node %d", b, ok, tc.wantBlock, tc.wantNode)
			}
			p, ok := a.PoolOf(addr)
			if p != tc.wantPool || ok != (tc.wantPool >= 0) {
				t.Errorf("PoolOf = %d, %v; want %d", p, ok, tc.wantPool)
			}
		})
	}
	if got := a.NodeBlocks(1); len(got) != 1 || got[0].String() != "10.0.0.64/26" {
		t.Errorf("NodeBlocks(1) = %v", got)
	}
	if a.NodeBlocks(-1) != nil || a.NodeBlocks(3) != nil {
		t.Error("NodeBlocks out of range is not nil")
	}
	var none *Allocation
	if _, ok := none.BlockOf(netip.MustParseAddr("10.0.0.1")); ok {
		t.Error("nil Allocation found a block")
	}
}

func TestNodeSelector(t *testing.T) {
	ns := nodes(4)
	ns[1].Labels["rack"] = "r2"
	ns[2].Labels["rack"] = "r3"
	ns[3].Labels["rack"] = "r2"
	sc := &topology.Scenario{Nodes: ns, Pods: pods("n4", "n3")}
	sc.Resources.IPPools = []topology.IPPool{
		pool("a-rack2", "10.2.0.0/16", 26, nodeSel(`rack == "r2"`), ipip(topology.EncapCrossSubnet)),
		pool("b-rack3", "10.3.0.0/16", 26, nodeSel(`rack in {"r3"}`)),
		pool("c-none", "10.9.0.0/16", 26, nodeSel(`!all()`)),
		pool("z-rest", "10.0.0.0/16", 26, nodeSel(`!has(rack)`)),
	}
	a, err := Allocate(sc)
	if err != nil {
		t.Fatal(err)
	}
	wantNodes := []string{"n1 10.0.0.0/26", "n2 10.2.0.0/26 tunl0=10.2.0.0", "n3 10.3.0.0/26", "n4 10.2.0.64/26 tunl0=10.2.0.64"}
	if got := describeNodes(sc, a); !slices.Equal(got, wantNodes) {
		t.Errorf("nodes:\n got %q\nwant %q", got, wantNodes)
	}
	wantPods := []string{"10.2.0.65", "10.3.0.0"}
	if got := describePods(a); !slices.Equal(got, wantPods) {
		t.Errorf("pods:\n got %q\nwant %q", got, wantPods)
	}
	if a.Nodes[0].Pool != 3 || a.Nodes[1].Pool != 0 || a.Nodes[2].Pool != 1 {
		t.Errorf("node pools %d %d %d", a.Nodes[0].Pool, a.Nodes[1].Pool, a.Nodes[2].Pool)
	}
	checkInvariants(t, sc, a)
}

func TestNodeSelectorErrors(t *testing.T) {
	p := pool("bad", "10.0.0.0/16", 26, nodeSel(`rack == `))
	p.Pos = topology.Pos{File: "pools.yaml", Line: 12, Col: 3, Path: "items[1]"}
	q := pool("worse", "10.1.0.0/16", 26, nodeSel(`has(`))
	q.Pos = topology.Pos{File: "pools.yaml", Line: 30, Col: 3}
	sc := &topology.Scenario{Nodes: nodes(1)}
	sc.Resources.IPPools = []topology.IPPool{p, q}
	_, err := Allocate(sc)
	if err == nil {
		t.Fatal("no error")
	}
	// Both problems are reported, in pool order, each at its pool.
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *topology.FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("%v is not a FieldError", e)
		}
		got = append(got, fmt.Sprintf("%s:%d %s", fe.File, fe.Line, fe.Path))
	}
	want := []string{"pools.yaml:12 items[1].spec.nodeSelector", "pools.yaml:30 spec.nodeSelector"}
	if !slices.Equal(got, want) {
		t.Errorf("errors at %q, want %q", got, want)
	}
}
