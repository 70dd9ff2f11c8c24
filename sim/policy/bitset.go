package policy

import "math/bits"

// bitset is a fixed-size set of small integers (pod indexes).
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

// ones returns a bitset of n elements, all set.
func ones(n int) bitset {
	b := newBitset(n)
	for i := range b {
		b[i] = ^uint64(0)
	}
	if r := n % 64; r != 0 {
		b[len(b)-1] = (uint64(1) << r) - 1
	}
	return b
}

func (b bitset) has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) clear(i int)    { b[i>>6] &^= 1 << (uint(i) & 63) }

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

func (b bitset) empty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

func (b bitset) copyFrom(o bitset) { copy(b, o) }

func (b bitset) zero() {
	for i := range b {
		b[i] = 0
	}
}

// and sets b to b ∧ o.
func (b bitset) and(o bitset) {
	for i := range b {
		b[i] &= o[i]
	}
}

// or sets b to b ∨ o.
func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

// andNot sets b to b ∧ ¬o.
func (b bitset) andNot(o bitset) {
	for i := range b {
		b[i] &^= o[i]
	}
}

// orAnd sets b to b ∨ (x ∧ y).
func (b bitset) orAnd(x, y bitset) {
	for i := range b {
		b[i] |= x[i] & y[i]
	}
}

// trailing is the index of the lowest set bit of a one-bit word.
func trailing(b uint64) int { return bits.TrailingZeros64(b) }
