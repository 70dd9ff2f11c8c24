package dataplane

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

func TestRouteString(t *testing.T) {
	for _, tc := range []struct {
		name  string
		r     Route
		want  string
		encap topology.Encap
	}{
		{"default", Route{Dst: pfx("0.0.0.0/0"), Via: addr("10.0.1.1"), Dev: DevEth0}, "default via 10.0.1.1 dev eth0", topology.EncapNone},
		{"connected", Route{Dst: pfx("10.0.1.0/24"), Dev: DevEth0, Proto: ProtoKernel, Scope: ScopeLink, Src: addr("10.0.1.10")},
			"10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10", topology.EncapNone},
		{"blackhole", Route{Type: Blackhole, Dst: pfx("10.244.32.128/26"), Proto: ProtoBird}, "blackhole 10.244.32.128/26 proto bird", topology.EncapNone},
		{"ipip", Route{Dst: pfx("10.244.58.192/26"), Via: addr("172.139.20.75"), Dev: DevTunl0, Proto: ProtoBird, Onlink: true},
			"10.244.58.192/26 via 172.139.20.75 dev tunl0 proto bird onlink", topology.EncapIPIP},
		{"native", Route{Dst: pfx("10.244.58.192/26"), Via: addr("10.0.1.11"), Dev: DevEth0, Proto: ProtoBird},
			"10.244.58.192/26 via 10.0.1.11 dev eth0 proto bird", topology.EncapNone},
		{"vxlan", Route{Dst: pfx("10.244.58.192/26"), Via: addr("10.244.58.192"), Dev: DevVXLAN, Onlink: true},
			"10.244.58.192/26 via 10.244.58.192 dev vxlan.calico onlink", topology.EncapVXLAN},
		{"pod", Route{Dst: pfx("10.244.32.130/32"), Dev: "cali0d7763386da", Scope: ScopeLink}, "10.244.32.130 dev cali0d7763386da scope link", topology.EncapNone},
		{"static", Route{Dst: pfx("192.168.0.0/16"), Via: addr("10.0.1.1"), Dev: DevEth0, Proto: ProtoStatic}, "192.168.0.0/16 via 10.0.1.1 dev eth0 proto static", topology.EncapNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.String(); got != tc.want {
				t.Errorf("String() = %q\n             want %q", got, tc.want)
			}
			if b, _ := tc.r.MarshalText(); string(b) != tc.want {
				t.Errorf("MarshalText() = %q", b)
			}
			if got := tc.r.Encap(); got != tc.encap {
				t.Errorf("Encap() = %v, want %v", got, tc.encap)
			}
		})
	}
}

func TestCompareKernelOrder(t *testing.T) {
	routes := []Route{
		{Dst: pfx("10.244.32.130/32"), Dev: "caliA", Scope: ScopeLink},
		{Dst: pfx("10.0.1.0/24"), Dev: DevEth0, Proto: ProtoKernel, Scope: ScopeLink},
		{Type: Blackhole, Dst: pfx("10.244.32.128/26"), Proto: ProtoBird},
		{Dst: pfx("10.244.32.128/32"), Dev: "caliB", Scope: ScopeLink},
		{Dst: pfx("0.0.0.0/0"), Via: addr("10.0.1.1"), Dev: DevEth0},
		{Dst: pfx("10.244.0.0/26"), Via: addr("10.0.1.11"), Dev: DevEth0, Proto: ProtoBird},
	}
	slices.SortFunc(routes, Compare)
	var got []string
	for _, r := range routes {
		got = append(got, r.String())
	}
	want := []string{
		"default via 10.0.1.1 dev eth0",
		"10.0.1.0/24 dev eth0 proto kernel scope link",
		"10.244.0.0/26 via 10.0.1.11 dev eth0 proto bird",
		"10.244.32.128 dev caliB scope link", // same key: longer prefix first, as the FIB trie dumps
		"blackhole 10.244.32.128/26 proto bird",
		"10.244.32.130 dev caliA scope link",
	}
	if !slices.Equal(got, want) {
		t.Errorf("order:\n%q\nwant\n%q", got, want)
	}
}

func TestTableLookup(t *testing.T) {
	tab := &Table{Routes: []Route{
		{Dst: pfx("0.0.0.0/0"), Via: addr("10.0.1.1"), Dev: DevEth0},
		{Dst: pfx("10.0.1.0/24"), Dev: DevEth0, Proto: ProtoKernel, Scope: ScopeLink},
		{Type: Blackhole, Dst: pfx("10.244.32.128/26"), Proto: ProtoBird},
		{Dst: pfx("10.244.32.130/32"), Dev: "caliA", Scope: ScopeLink},
	}}
	for _, tc := range []struct {
		dst, want string
	}{
		{"10.244.32.130", "10.244.32.130 dev caliA scope link"},
		{"10.244.32.131", "blackhole 10.244.32.128/26 proto bird"},
		{"10.0.1.77", "10.0.1.0/24 dev eth0 proto kernel scope link"},
		{"8.8.8.8", "default via 10.0.1.1 dev eth0"},
	} {
		r, ok := tab.Lookup(addr(tc.dst))
		if !ok || r.String() != tc.want {
			t.Errorf("Lookup(%s) = %q, %v; want %q", tc.dst, r, ok, tc.want)
		}
	}
	empty := &Table{}
	if _, ok := empty.Lookup(addr("8.8.8.8")); ok {
		t.Error("an empty table found a route")
	}
}
