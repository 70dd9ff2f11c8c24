package ipam

import (
	"net/netip"
	"slices"
)

// Allocation is the result of IPAM over one scenario. Slices are index-aligned
// with the scenario's slices where they say so; nothing in it refers back into
// the Scenario, which is never mutated.
type Allocation struct {
	Blocks        []Block      `json:"blocks"`    // every allocated block, in allocation order
	Nodes         []NodeAlloc  `json:"nodes"`     // index-aligned with sc.Nodes
	Pods          []PodAlloc   `json:"pods"`      // index-aligned with sc.Pods
	Pools         []PoolUsage  `json:"pools"`     // index-aligned with sc.Resources.IPPools
	Exhausted     []Exhaustion `json:"exhausted"` // pods that got no address, in pod order
	Overlaps      []Overlap    `json:"overlaps"`  // per pool in name order: the later pools it overlaps, then the subnets
	PodCapacity   int64        `json:"podCapacity"`
	BlocksPerNode int          `json:"blocksPerNode"`

	// pools are the pool CIDRs (index-aligned with Pools) for PoolOf.
	pools []netip.Prefix
	// poolBlocks lists, per pool, the indexes into Blocks of the pool's
	// blocks, sorted by address (a pool's cursor only moves up).
	poolBlocks [][]int
}

// Block is one IPAM block with its affinity to a node.
type Block struct {
	CIDR netip.Prefix `json:"cidr"`
	Pool int          `json:"pool"` // index in sc.Resources.IPPools
	Node int          `json:"node"` // index in sc.Nodes
}

// NodeAlloc is what one node holds.
type NodeAlloc struct {
	Blocks    []int      `json:"blocks"`              // indexes into Allocation.Blocks, in allocation order
	Pool      int        `json:"pool"`                // pool of the node's first block; -1: none
	Tunnel    netip.Addr `json:"tunnel,omitzero"`     // zero if none
	TunnelDev string     `json:"tunnelDev,omitempty"` // "tunl0", "vxlan.calico", "vxlan-v6.calico" or ""
}

// PodAlloc is one pod's address.
type PodAlloc struct {
	Addr  netip.Addr `json:"addr,omitzero"` // zero: none; the node's address for host-networked pods
	Block int        `json:"block"`         // index into Allocation.Blocks; -1 for none or host network
}

// PoolUsage counts what one pool handed out. BlocksTotal saturates at
// math.MaxUint64 (an IPv6 pool may hold more blocks than that).
type PoolUsage struct {
	BlocksUsed    int64  `json:"blocksUsed"`
	BlocksTotal   uint64 `json:"blocksTotal"`
	AddressesUsed int64  `json:"addressesUsed"` // tunnel and pod addresses
}

// Exhaustion is a pod that got no address, with Calico's message.
type Exhaustion struct {
	Pod     int    `json:"pod"` // index in sc.Pods
	Message string `json:"message"`
}

// Overlap is a pool overlapping another pool or an underlay subnet.
type Overlap struct {
	Pool      int    `json:"pool"`             // index in sc.Resources.IPPools
	OtherPool int    `json:"otherPool"`        // -1 when it is a subnet
	Subnet    string `json:"subnet,omitempty"` // the subnet's name when OtherPool is -1
	Message   string `json:"message"`
}

// BlockOf reports which allocated block holds addr.
func (a *Allocation) BlockOf(addr netip.Addr) (Block, bool) {
	if a == nil {
		return Block{}, false
	}
	for p, pfx := range a.pools {
		if !pfx.Contains(addr) {
			continue
		}
		list := a.poolBlocks[p]
		// The last block starting at or before addr.
		i, found := slices.BinarySearchFunc(list, addr, func(bi int, x netip.Addr) int {
			return a.Blocks[bi].CIDR.Addr().Compare(x)
		})
		if !found {
			i--
		}
		if i >= 0 && a.Blocks[list[i]].CIDR.Contains(addr) {
			return a.Blocks[list[i]], true
		}
	}
	return Block{}, false
}

// PoolOf reports which pool contains addr, allocated or not; with
// overlapping pools, the first by name.
func (a *Allocation) PoolOf(addr netip.Addr) (int, bool) {
	if a == nil {
		return -1, false
	}
	for p, pfx := range a.pools {
		if pfx.Contains(addr) {
			return p, true
		}
	}
	return -1, false
}

// NodeBlocks returns the CIDRs of the blocks node holds, in allocation order
// (nil for an index out of range or a node with no block).
func (a *Allocation) NodeBlocks(node int) []netip.Prefix {
	if a == nil || node < 0 || node >= len(a.Nodes) || len(a.Nodes[node].Blocks) == 0 {
		return nil
	}
	out := make([]netip.Prefix, len(a.Nodes[node].Blocks))
	for i, b := range a.Nodes[node].Blocks {
		out[i] = a.Blocks[b].CIDR
	}
	return out
}
