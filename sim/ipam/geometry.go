package ipam

import (
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/topology"
)

// geometry is a pool's shape: where it starts and how its blocks are cut.
type geometry struct {
	prefix    netip.Prefix // masked
	is4       bool
	start     u128
	last      u128   // the pool's last address
	hostBits  uint   // address bits inside one block
	blockLen  int    // the blocks' prefix length (the pool's blockSize)
	nBlocks   uint64 // blocks in the pool, saturated at MaxUint64
	blockSize uint64 // addresses in one block, saturated at MaxUint64
}

// poolGeometry checks a pool's CIDR and blockSize and derives its geometry.
func poolGeometry(p *topology.IPPool) (geometry, error) {
	if !p.CIDR.IsValid() {
		return geometry{}, topology.Errorf(p.Pos, fieldPath(p.Pos, "spec.cidr"), "IPPool %q has no valid cidr", p.Name)
	}
	pfx := p.CIDR.Masked()
	addrBits := pfx.Addr().BitLen()
	if p.BlockSize < pfx.Bits() || p.BlockSize > addrBits {
		return geometry{}, topology.Errorf(p.Pos, fieldPath(p.Pos, "spec.blockSize"),
			"IPPool %q: blockSize %d must be between the cidr's prefix length %d and %d", p.Name, p.BlockSize, pfx.Bits(), addrBits)
	}
	g := geometry{
		prefix:    pfx,
		is4:       pfx.Addr().Is4(),
		start:     fromAddr(pfx.Addr()),
		hostBits:  uint(addrBits - p.BlockSize),
		blockLen:  p.BlockSize,
		nBlocks:   pow2u64(p.BlockSize - pfx.Bits()),
		blockSize: pow2u64(addrBits - p.BlockSize),
	}
	span := u128{lo: 1}.shl(uint(addrBits - pfx.Bits()))
	if addrBits-pfx.Bits() == 128 {
		g.last = u128{hi: ^uint64(0), lo: ^uint64(0)}
	} else {
		g.last = g.start.add1(span).sub(u128{lo: 1})
	}
	return g, nil
}

// block returns block k of the pool (k < nBlocks).
func (g *geometry) block(k uint64) netip.Prefix {
	a := g.start.add1(u128{lo: k}.shl(g.hostBits))
	return netip.PrefixFrom(a.addr(g.is4), g.blockLen)
}

// blockIndexAfter is the index of the first block of the pool that starts
// after address end (which is at or after the pool's start); ok is false when
// no such block exists.
func (g *geometry) blockIndexAfter(end u128) (uint64, bool) {
	if end.cmp(g.last) >= 0 {
		return 0, false
	}
	off := end.sub(g.start).add1(u128{lo: 1}) // addresses up to and including end
	k := off.shr(g.hostBits)
	if k.shl(g.hostBits).cmp(off) != 0 {
		k = k.add1(u128{lo: 1})
	}
	if k.hi != 0 || k.lo >= g.nBlocks {
		return 0, false
	}
	return k.lo, true
}

// prefixRange is the first and last address of p (masked).
func prefixRange(p netip.Prefix) (first, last u128) {
	p = p.Masked()
	first = fromAddr(p.Addr())
	host := uint(p.Addr().BitLen() - p.Bits())
	if host == 128 {
		return first, u128{hi: ^uint64(0), lo: ^uint64(0)}
	}
	return first, first.add1(u128{lo: 1}.shl(host)).sub(u128{lo: 1})
}

// fieldPath joins the path a position recorded with a field below it.
func fieldPath(pos topology.Pos, field string) string {
	if pos.Path == "" {
		return field
	}
	return fmt.Sprintf("%s.%s", pos.Path, field)
}
