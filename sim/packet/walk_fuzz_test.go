package packet

import (
	"net/netip"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// FuzzWalk walks arbitrary flows over the fixtures: no panic, and every
// trace is well formed (delivered xor dropped, the last hop says which,
// path MTU within bounds, frames decode as Ethernet).
func FuzzWalk(f *testing.F) {
	f.Add(uint8(0), uint16(0), uint16(1), uint8(0), uint16(80), 64)
	f.Add(uint8(1), uint16(2), uint16(7), uint8(1), uint16(53), 1441)
	f.Add(uint8(5), uint16(3), uint16(900), uint8(2), uint16(0), 0)
	f.Add(uint8(9), uint16(12), uint16(4), uint8(3), uint16(9), 9000)
	fixtures := []fixture{
		oneSubnet(ippool(always, never, true)),
		twoSubnets(ippool(cross, never, true)),
		twoSubnets(ippool(never, never, false)),
		twoSubnets(ippool(never, cross, true)),
		aws(twoSubnets(ippool(cross, never, true))),
		azure(oneSubnet(ippool(always, never, true))),
		with(twoSubnets(ippool(never, never, true)), func(f *fixture) { f.routerLearn, f.nodesViaTor = true, true }),
		with(twoSubnets(ippool(always, never, true)), func(f *fixture) { f.downPair = [][2]string{{"a-1", "b-1"}} }),
		with(twoSubnets(ippool(always, never, true)), func(f *fixture) { f.noRouter = true }),
		with(twoSubnets(ippool(always, never, true)), func(f *fixture) { f.felix.VethMTU = 9000 }),
	}
	nets := make([]*Network, len(fixtures))
	for i, fx := range fixtures {
		nets[i] = fx.network(f)
	}
	f.Fuzz(func(t *testing.T, fix uint8, src, dst uint16, proto uint8, port uint16, size int) {
		n := nets[int(fix)%len(nets)]
		eps := endpointsOf(n)
		fl := Flow{Src: eps[int(src)%len(eps)], Dst: eps[int(dst)%len(eps)],
			Port: topology.Port{Proto: topology.Proto(proto % 4), Num: port}, Size: size % 70000}
		tr := Walk(n, fl)
		if len(tr.Hops) == 0 {
			t.Fatal("a trace without hops")
		}
		last := tr.Hops[len(tr.Hops)-1]
		switch {
		case tr.Delivered && (tr.Drop != nil || last.Action != ActionDeliver):
			t.Fatalf("delivered, but drop %+v and last hop %+v", tr.Drop, last)
		case !tr.Delivered && (tr.Drop == nil || last.Action != ActionDrop || last.At != tr.Drop.At):
			t.Fatalf("not delivered, but drop %+v and last hop %+v", tr.Drop, last)
		case tr.Drop != nil && tr.Drop.Reason == ReasonNone:
			t.Fatal("a drop without a reason")
		case tr.PathMTU < 0 || tr.PathMTU > 65535:
			t.Fatalf("path MTU %d", tr.PathMTU)
		}
		for _, h := range tr.Hops {
			if len(h.Frame) > 0 && len(h.Frame) < 60 {
				t.Fatalf("a %d-byte frame at %s", len(h.Frame), h.At)
			}
		}
	})
}

// endpointsOf lists every endpoint of a network: pods, hosts, routers,
// externals and two bare addresses.
func endpointsOf(n *Network) []Endpoint {
	var out []Endpoint
	for p := range n.sc.Pods {
		out = append(out, n.podEndpoint(p))
	}
	for i := range n.sc.Nodes {
		out = append(out, n.hostEndpoint(i))
	}
	for r := range n.sc.Underlay.Routers {
		out = append(out, n.routerEndpoint(r))
	}
	for e := range n.sc.Externals {
		out = append(out, n.externalEndpoint(e))
	}
	return append(out, n.addrEndpoint(netip.MustParseAddr("10.244.0.50")), n.addrEndpoint(netip.MustParseAddr("1.1.1.1")))
}
