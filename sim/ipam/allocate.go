package ipam

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/calisim/calisim/sim/topology"
)

// Allocate runs Calico IPAM over sc, deterministically:
//
//   - every node, in scenario order, takes the lowest free block of the first
//     enabled pool (by name) whose nodeSelector selects it (the next matching
//     pool when that one is full); a node no pool selects gets no block;
//   - when that pool encapsulates (IPIP or VXLAN, Always or CrossSubnet), the
//     first address of the node's first block is its tunnel address (tunl0,
//     vxlan.calico) and its pods start at the next one;
//   - pods, in sc.Pods order, take the next free address of their node's
//     blocks; a full node takes another block (its pool, then the next
//     matching pool by name); when none is left the pod gets no address and
//     an Exhaustion with Calico's message. Host-networked pods take the node's
//     address.
//
// Blocks are never released, so each pool hands out blocks from a cursor:
// memory grows with the blocks used, never with the size of a pool. Pools
// that overlap never hand out overlapping blocks.
//
// The error is only for input that makes allocation impossible (a pool's
// cidr, blockSize or nodeSelector); it joins a *topology.FieldError per
// problem, at the pool's position.
func Allocate(sc *topology.Scenario) (*Allocation, error) {
	if sc == nil {
		return nil, errors.New("ipam: no scenario to allocate")
	}
	al, err := newAllocator(sc)
	if err != nil {
		return nil, err
	}
	al.placeNodes()
	al.placePods()
	al.finish()
	return al.a, nil
}

// allocator is the working state of one Allocate call.
type allocator struct {
	sc    *topology.Scenario
	a     *Allocation
	geo   []geometry
	valid []bool    // the pool's geometry is sound
	match []matcher // nil: the pool hands out nothing (disabled or unusable)
	// byName is the pool indexes in name order, the order IPAM tries pools
	// in (the loader already sorts them; this keeps IPAM right if not).
	byName []int
	// cursor is, per pool, the index of the lowest block never looked at.
	cursor []uint64
	// conflicts lists, per pool, the other usable pools it overlaps: their
	// blocks are not free for it.
	conflicts [][]int
	// cur and next are, per node, the block addresses are taken from and
	// the offset of the next free address in it.
	cur  []int
	next []uint64
}

func newAllocator(sc *topology.Scenario) (*allocator, error) {
	pools := sc.Resources.IPPools
	al := &allocator{
		sc:        sc,
		geo:       make([]geometry, len(pools)),
		valid:     make([]bool, len(pools)),
		match:     make([]matcher, len(pools)),
		cursor:    make([]uint64, len(pools)),
		conflicts: make([][]int, len(pools)),
		a: &Allocation{
			Pools:      make([]PoolUsage, len(pools)),
			pools:      make([]netip.Prefix, len(pools)),
			poolBlocks: make([][]int, len(pools)),
		},
	}
	al.byName = make([]int, len(pools))
	for i := range al.byName {
		al.byName[i] = i
	}
	slices.SortStableFunc(al.byName, func(x, y int) int { return strings.Compare(pools[x].Name, pools[y].Name) })
	var errs []error
	for i := range pools {
		p := &pools[i]
		if p.CIDR.IsValid() {
			al.a.pools[i] = p.CIDR.Masked()
		}
		g, err := poolGeometry(p)
		if err != nil {
			if !p.Disabled {
				errs = append(errs, err)
			}
			continue
		}
		al.geo[i], al.valid[i] = g, true
		al.a.Pools[i].BlocksTotal = g.nBlocks
		if p.Disabled {
			continue
		}
		m, err := compileNodeSelector(p.NodeSelector)
		if err != nil {
			errs = append(errs, topology.Errorf(p.Pos, fieldPath(p.Pos, "spec.nodeSelector"), "IPPool %q: %v", p.Name, err))
			continue
		}
		al.match[i] = m
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for i := range pools {
		for j := range pools {
			if i != j && al.match[i] != nil && al.match[j] != nil && al.geo[i].prefix.Overlaps(al.geo[j].prefix) {
				al.conflicts[i] = append(al.conflicts[i], j)
			}
		}
	}
	return al, nil
}

// takeBlock gives node the lowest free block of pool p: its index in
// a.Blocks, or false when the pool has none left.
func (al *allocator) takeBlock(p, node int) (int, bool) {
	g := &al.geo[p]
	for {
		k := al.cursor[p]
		if k >= g.nBlocks {
			return -1, false
		}
		cand := g.block(k)
		if end, taken := al.takenBy(p, cand); taken {
			nk, ok := g.blockIndexAfter(end)
			if !ok {
				al.cursor[p] = g.nBlocks
				return -1, false
			}
			al.cursor[p] = nk
			continue
		}
		al.cursor[p] = k + 1
		b := len(al.a.Blocks)
		al.a.Blocks = append(al.a.Blocks, Block{CIDR: cand, Pool: p, Node: node})
		al.a.poolBlocks[p] = append(al.a.poolBlocks[p], b)
		al.a.Pools[p].BlocksUsed++
		return b, true
	}
}

// takenBy reports whether a block of a pool overlapping p already covers
// part of cand, and the last address of the highest such block.
func (al *allocator) takenBy(p int, cand netip.Prefix) (u128, bool) {
	if len(al.conflicts[p]) == 0 {
		return u128{}, false
	}
	s, e := prefixRange(cand)
	var end u128
	found := false
	for _, q := range al.conflicts[p] {
		list := al.a.poolBlocks[q]
		// The first block of q starting after e; the one before it is the
		// only one that can reach back to s (q's blocks are disjoint, sorted).
		i, _ := slices.BinarySearchFunc(list, e, func(bi int, x u128) int {
			if fromAddr(al.a.Blocks[bi].CIDR.Addr()).cmp(x) <= 0 {
				return -1
			}
			return 1
		})
		if i == 0 {
			continue
		}
		_, be := prefixRange(al.a.Blocks[list[i-1]].CIDR)
		if be.cmp(s) >= 0 && (!found || be.cmp(end) > 0) {
			end, found = be, true
		}
	}
	return end, found
}

// placeNodes gives every node, in scenario order, its first block and its
// tunnel address.
func (al *allocator) placeNodes() {
	nodes := al.sc.Nodes
	pools := al.sc.Resources.IPPools
	a := al.a
	a.Nodes = make([]NodeAlloc, len(nodes))
	a.Blocks = make([]Block, 0, len(nodes))
	al.cur = make([]int, len(nodes))
	al.next = make([]uint64, len(nodes))
	// One backing array for every node's first block; a capacity of one
	// makes a second block copy out instead of overwriting a neighbour.
	first := make([]int, len(nodes))
	for i := range nodes {
		na := &a.Nodes[i]
		na.Pool, al.cur[i] = -1, -1
		for _, p := range al.byName {
			if al.match[p] == nil || !al.match[p](nodes[i].Labels) {
				continue
			}
			b, ok := al.takeBlock(p, i)
			if !ok {
				continue
			}
			first[i] = b
			na.Blocks = first[i : i+1 : i+1]
			na.Pool, al.cur[i] = p, b
			na.TunnelDev = tunnelDev(&pools[p], al.geo[p].is4)
			if na.TunnelDev != "" {
				na.Tunnel = a.Blocks[b].CIDR.Addr()
				al.next[i] = 1
				a.Pools[p].AddressesUsed++
			}
			break
		}
	}
}

// tunnelDev is the device a node's tunnel address sits on when its pool
// encapsulates ("" when it does not). Calico has no IPIP for IPv6.
func tunnelDev(p *topology.IPPool, is4 bool) string {
	switch p.Encap() {
	case topology.EncapIPIP:
		if is4 {
			return "tunl0"
		}
	case topology.EncapVXLAN:
		if is4 {
			return "vxlan.calico"
		}
		return "vxlan-v6.calico"
	}
	return ""
}

// placePods gives every pod, in sc.Pods order, its address.
func (al *allocator) placePods() {
	a := al.a
	nodes := al.sc.Nodes
	a.Pods = make([]PodAlloc, len(al.sc.Pods))
	if len(al.sc.Pods) == 0 {
		return
	}
	nodeByName := make(map[string]int, len(nodes))
	for i := range nodes {
		if _, dup := nodeByName[nodes[i].Name]; !dup {
			nodeByName[nodes[i].Name] = i
		}
	}
	for j := range al.sc.Pods {
		pod := &al.sc.Pods[j]
		pa := &a.Pods[j]
		pa.Block = -1
		n, ok := nodeByName[pod.Node]
		if !ok {
			msg := fmt.Sprintf("pod is placed on node %q, which the scenario does not have", pod.Node)
			if pod.Node == "" {
				msg = "pod is not placed on a node"
			}
			a.Exhausted = append(a.Exhausted, Exhaustion{Pod: j, Message: msg})
			continue
		}
		if pod.HostNetwork {
			pa.Addr = nodes[n].Addr
			continue
		}
		if !al.podAddr(n, pa) {
			a.Exhausted = append(a.Exhausted, Exhaustion{Pod: j, Message: al.exhaustedMessage(n)})
		}
	}
}

// podAddr gives a pod on node n the node's next free address, taking a new
// block when the node's blocks are full.
func (al *allocator) podAddr(n int, pa *PodAlloc) bool {
	a := al.a
	if b := al.cur[n]; b >= 0 && al.next[n] < al.geo[a.Blocks[b].Pool].blockSize {
		al.assign(n, b, pa)
		return true
	}
	for _, p := range al.byName {
		if al.match[p] == nil || !al.match[p](al.sc.Nodes[n].Labels) {
			continue
		}
		b, ok := al.takeBlock(p, n)
		if !ok {
			continue
		}
		na := &a.Nodes[n]
		na.Blocks = append(na.Blocks, b)
		if na.Pool < 0 {
			na.Pool = p
		}
		al.cur[n], al.next[n] = b, 0
		al.assign(n, b, pa)
		return true
	}
	return false
}

// assign hands the next address of block b (held by node n) to pa.
func (al *allocator) assign(n, b int, pa *PodAlloc) {
	blk := &al.a.Blocks[b]
	g := &al.geo[blk.Pool]
	pa.Addr = fromAddr(blk.CIDR.Addr()).add1(u128{lo: al.next[n]}).addr(g.is4)
	pa.Block = b
	al.next[n]++
	al.a.Pools[blk.Pool].AddressesUsed++
}

// exhaustedMessage is Calico's reason a pod on node n got no address.
func (al *allocator) exhaustedMessage(n int) string {
	pools := al.sc.Resources.IPPools
	var names []string
	for _, p := range al.byName {
		if al.match[p] != nil && al.match[p](al.sc.Nodes[n].Labels) {
			names = append(names, pools[p].Name)
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf("no configured Calico pools for node %s", al.sc.Nodes[n].Name)
	}
	return fmt.Sprintf("No IPs available in pools: [%s]", strings.Join(names, " "))
}

// finish computes the overlaps and the capacity figures.
func (al *allocator) finish() {
	a := al.a
	for i := range a.Nodes {
		a.BlocksPerNode = max(a.BlocksPerNode, len(a.Nodes[i].Blocks))
	}
	a.Overlaps = overlaps(al.sc)
	a.PodCapacity = podCapacity(al.sc.Resources.IPPools)
}
