package ipam

import (
	"net/netip"
	"testing"
)

func TestU128RoundTrip(t *testing.T) {
	for _, s := range []string{"0.0.0.0", "10.1.2.3", "255.255.255.255", "::", "fd00:1:2:3:4:5:6:7", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:10.0.0.1"} {
		a := netip.MustParseAddr(s)
		if got := fromAddr(a).addr(a.Is4()); got != a {
			t.Errorf("%s round-trips to %s", a, got)
		}
	}
}

func TestU128Arithmetic(t *testing.T) {
	one := u128{lo: 1}
	tests := []struct {
		name string
		got  u128
		want u128
	}{
		{"shl across words", one.shl(64), u128{hi: 1}},
		{"shl 127", one.shl(127), u128{hi: 1 << 63}},
		{"shl 128", one.shl(128), u128{}},
		{"shr across words", u128{hi: 1}.shr(1), u128{lo: 1 << 63}},
		{"shr 64", u128{hi: 5}.shr(64), u128{lo: 5}},
		{"add carries", u128{lo: ^uint64(0)}.add1(one), u128{hi: 1}},
		{"sub borrows", u128{hi: 1}.sub(one), u128{lo: ^uint64(0)}},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, tc.got, tc.want)
		}
	}
	if _, over := (u128{hi: ^uint64(0), lo: ^uint64(0)}).add(one); !over {
		t.Error("max+1 does not overflow")
	}
}

func TestBlockIndexAfter(t *testing.T) {
	p := pool("p", "10.0.0.0/24", 26)
	g, err := poolGeometry(&p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		end    string
		want   uint64
		wantOK bool
	}{
		{"10.0.0.63", 1, true},  // the end of block 0
		{"10.0.0.64", 2, true},  // inside block 1: the next whole block is 2
		{"10.0.0.127", 2, true}, // the end of block 1
		{"10.0.0.191", 3, true},
		{"10.0.0.200", 0, false}, // inside the last block
		{"10.0.0.255", 0, false}, // the end of the pool
		{"10.0.1.7", 0, false},   // beyond it
	}
	for _, tc := range tests {
		got, ok := g.blockIndexAfter(fromAddr(netip.MustParseAddr(tc.end)))
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("blockIndexAfter(%s) = %d, %v; want %d, %v", tc.end, got, ok, tc.want, tc.wantOK)
		}
	}
	if b := g.block(3); b.String() != "10.0.0.192/26" {
		t.Errorf("block(3) = %s", b)
	}
}
