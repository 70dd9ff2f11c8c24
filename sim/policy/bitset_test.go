package policy

import (
	"math/rand/v2"
	"testing"
)

func TestTranspose64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		var a, orig [64]uint64
		for i := range a {
			a[i] = rng.Uint64()
		}
		orig = a
		transpose64(&a)
		for r := 0; r < 64; r++ {
			for c := 0; c < 64; c++ {
				if (orig[r]>>uint(c))&1 != (a[c]>>uint(r))&1 {
					t.Fatalf("bit (%d,%d) not transposed", r, c)
				}
			}
		}
	}
}

func TestOnes(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 130} {
		if got := ones(n).count(); got != n {
			t.Errorf("ones(%d).count() = %d", n, got)
		}
	}
}
