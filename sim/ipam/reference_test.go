package ipam

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// reference is a slow IPAM that enumerates every block of every pool and
// every address of every block: what Allocate must agree with on small pools.
type reference struct {
	nodeBlocks [][]netip.Prefix
	tunnels    []netip.Addr
	pods       []netip.Addr
	exhausted  []int
}

func referenceAllocate(sc *topology.Scenario) reference {
	pools := sc.Resources.IPPools
	var taken []netip.Prefix
	used := map[netip.Addr]bool{}
	matches := func(p int, n int) bool {
		if pools[p].Disabled {
			return false
		}
		sel, err := selector.Parse(pools[p].NodeSelector)
		return err == nil && sel.Matches(selector.Map(sc.Nodes[n].Labels))
	}
	// lowestFree enumerates pool p's blocks from the bottom.
	lowestFree := func(p int) (netip.Prefix, bool) {
		base := binary.BigEndian.Uint32(pools[p].CIDR.Masked().Addr().AsSlice())
		size := uint64(1) << (32 - pools[p].BlockSize)
		n := uint64(1) << (pools[p].BlockSize - pools[p].CIDR.Bits())
		for k := range n {
			var b [4]byte
			binary.BigEndian.PutUint32(b[:], base+uint32(k*size))
			blk := netip.PrefixFrom(netip.AddrFrom4(b), pools[p].BlockSize)
			if !slices.ContainsFunc(taken, blk.Overlaps) {
				return blk, true
			}
		}
		return netip.Prefix{}, false
	}
	newBlock := func(n int) (netip.Prefix, int, bool) {
		for p := range pools {
			if !matches(p, n) {
				continue
			}
			if blk, ok := lowestFree(p); ok {
				taken = append(taken, blk)
				return blk, p, true
			}
		}
		return netip.Prefix{}, -1, false
	}
	r := reference{
		nodeBlocks: make([][]netip.Prefix, len(sc.Nodes)),
		tunnels:    make([]netip.Addr, len(sc.Nodes)),
		pods:       make([]netip.Addr, len(sc.Pods)),
	}
	for n := range sc.Nodes {
		blk, p, ok := newBlock(n)
		if !ok {
			continue
		}
		r.nodeBlocks[n] = append(r.nodeBlocks[n], blk)
		if pools[p].Encap() != topology.EncapNone {
			r.tunnels[n] = blk.Addr()
			used[blk.Addr()] = true
		}
	}
	firstFree := func(n int) (netip.Addr, bool) {
		for _, blk := range r.nodeBlocks[n] {
			for a := blk.Addr(); blk.Contains(a); a = a.Next() {
				if !used[a] {
					return a, true
				}
			}
		}
		return netip.Addr{}, false
	}
	for i, pod := range sc.Pods {
		n := slices.IndexFunc(sc.Nodes, func(x topology.Node) bool { return x.Name == pod.Node })
		switch {
		case n < 0:
			r.exhausted = append(r.exhausted, i)
			continue
		case pod.HostNetwork:
			r.pods[i] = sc.Nodes[n].Addr
			continue
		}
		a, ok := firstFree(n)
		if !ok {
			blk, _, got := newBlock(n)
			if !got {
				r.exhausted = append(r.exhausted, i)
				continue
			}
			r.nodeBlocks[n] = append(r.nodeBlocks[n], blk)
			a = blk.Addr()
		}
		used[a] = true
		r.pods[i] = a
	}
	return r
}

// scenarioFromBytes builds a small IPv4 scenario from fuzz input: up to four
// pools inside 10.0.0.0/16 (so they overlap often), up to eight nodes on two
// racks, up to 64 pods.
func scenarioFromBytes(data []byte) *topology.Scenario {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	selectors := []string{"all()", `rack == "r1"`, `rack != "r1"`, "!all()", "has(rack)"}
	sc := &topology.Scenario{}
	nPools := 1 + next()%4
	for i := range nPools {
		bits := 20 + next()%11 // /20../30
		third := next() << 4 & 0xff
		pfx := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(third), byte(next())}), bits).Masked()
		bs := bits + next()%(33-bits)
		p := pool(fmt.Sprintf("pool-%d", i), pfx.String(), bs, nodeSel(selectors[next()%len(selectors)]))
		switch next() % 4 {
		case 1:
			p.IPIPMode = topology.EncapAlways
		case 2:
			p.VXLANMode = topology.EncapCrossSubnet
		}
		p.Disabled = next()%8 == 7
		sc.Resources.IPPools = append(sc.Resources.IPPools, p)
	}
	sc.Nodes = nodes(1 + next()%8)
	for i := range sc.Nodes {
		if next()%2 == 0 {
			sc.Nodes[i].Labels["rack"] = fmt.Sprintf("r%d", 1+next()%2)
		}
	}
	nPods := next() % 65
	for i := range nPods {
		v := next()
		node := fmt.Sprintf("n%d", 1+v%9) // n9 may not exist
		sc.Pods = append(sc.Pods, topology.Pod{Name: fmt.Sprintf("p%d", i), Node: node, HostNetwork: v >= 240})
	}
	return sc
}

func checkAgainstReference(t *testing.T, sc *topology.Scenario) {
	t.Helper()
	a, err := Allocate(sc)
	if err != nil {
		t.Fatalf("Allocate: %v", err)
	}
	want := referenceAllocate(sc)
	for n := range sc.Nodes {
		if got := a.NodeBlocks(n); !slices.Equal(got, want.nodeBlocks[n]) {
			t.Errorf("node %d blocks %v, reference %v", n, got, want.nodeBlocks[n])
		}
		if a.Nodes[n].Tunnel != want.tunnels[n] {
			t.Errorf("node %d tunnel %v, reference %v", n, a.Nodes[n].Tunnel, want.tunnels[n])
		}
	}
	for i := range sc.Pods {
		if a.Pods[i].Addr != want.pods[i] {
			t.Errorf("pod %d (on %s) at %v, reference %v", i, sc.Pods[i].Node, a.Pods[i].Addr, want.pods[i])
		}
	}
	var exh []int
	for _, e := range a.Exhausted {
		exh = append(exh, e.Pod)
	}
	if !slices.Equal(exh, want.exhausted) {
		t.Errorf("exhausted %v, reference %v", exh, want.exhausted)
	}
	checkInvariants(t, sc, a)
}

// referenceSeeds are hand-made inputs for scenarioFromBytes: (A) a pool
// nested in a selective one, ipip, pods spilling over /30 blocks, a pod on a
// missing node and a host-networked one; (B) a four-address pool running dry;
// (C) three nested pools whose blocks must skip each other.
var referenceSeeds = [][]byte{
	{1, 6, 0, 0, 4, 0, 1, 0, 0, 0, 0, 6, 1, 0, 0, 4, 0, 0, 1, 0, 1, 0, 0, 1, 20, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 1, 1, 2, 8, 250, 0, 0},
	{0, 10, 0, 0, 0, 0, 0, 0, 1, 1, 1, 6, 0, 0, 0, 0, 0, 1},
	{2, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, 0, 2, 0, 3, 0, 0, 4, 0, 0, 0, 5, 1, 1, 1, 1, 1, 1, 30, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5},
}

func TestAgainstReference(t *testing.T) {
	for i, s := range referenceSeeds {
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkAgainstReference(t, scenarioFromBytes(s)) })
	}
}

// FuzzAllocate checks Allocate against the enumerating reference on small
// random scenarios with overlapping pools, selectors and spills.
func FuzzAllocate(f *testing.F) {
	for _, s := range referenceSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgainstReference(t, scenarioFromBytes(data))
	})
}
