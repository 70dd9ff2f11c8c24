package packet

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

var update = flag.Bool("update", false, "rewrite golden files")

type walkCase struct {
	name     string
	f        fixture
	from, to string
	port     topology.Port
	size     int

	delivered bool
	encap     topology.Encap
	reason    Reason
	at        string
	pathMTU   int
	snat      string
}

func aws(f fixture) fixture {
	for i := range f.subnets {
		f.subnets[i].SrcDstCheck = true
	}
	return f
}

func azure(f fixture) fixture {
	for i := range f.subnets {
		f.subnets[i].BlockProtocols = []topology.FabricProto{topology.BlockIPIP}
	}
	return f
}

func with(f fixture, mod func(*fixture)) fixture { mod(&f); return f }

// walkCases: web-0 is on the first node, web-1 on the second, web-2 on the
// third (b-1 in twoSubnets).
func walkCases() []walkCase {
	ipipAlways, ipipCross := ippool(always, never, true), ippool(cross, never, true)
	native, vxlanCross, vxlanAlways := ippool(never, never, true), ippool(never, cross, true), ippool(never, always, true)
	return []walkCase{
		{name: "single-native", f: oneSubnet(native), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapNone, pathMTU: 1500},
		{name: "single-ipip", f: oneSubnet(ipipAlways), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapIPIP, pathMTU: 1480},
		{name: "same-node", f: twoSubnets(ipipAlways), from: "default/web-0", to: "default/web-0", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapNone, pathMTU: 1480},
		{name: "crosssubnet-same-subnet-native", f: twoSubnets(ipipCross), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapNone, pathMTU: 1480},
		{name: "crosssubnet-other-subnet-ipip", f: twoSubnets(ipipCross), from: "default/web-0", to: "default/web-2", port: tcp443, size: 1000,
			delivered: true, encap: topology.EncapIPIP, pathMTU: 1480},
		{name: "always-same-subnet-ipip", f: twoSubnets(ipipAlways), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapIPIP, pathMTU: 1480},
		{name: "never-other-subnet-router-drops", f: twoSubnets(native), from: "default/web-0", to: "default/web-2", port: tcp80, size: 64,
			reason: NoRoute, at: "router/vpc", pathMTU: 1500},
		{name: "never-tor-peering", f: with(twoSubnets(native), func(f *fixture) { f.routerLearn, f.nodesViaTor = true, true }),
			from: "default/web-0", to: "default/web-2", port: tcp80, size: 64, delivered: true, encap: topology.EncapNone, pathMTU: 1500},
		{name: "never-static-route", f: with(twoSubnets(native), func(f *fixture) {
			f.router.StaticRoutes = []topology.StaticRoute{{Dst: netip.MustParsePrefix("10.244.0.128/26"), Via: netip.MustParseAddr("10.0.2.20")}}
		}), from: "default/web-0", to: "default/web-2", port: tcp80, size: 64, delivered: true, pathMTU: 1500},
		{name: "vxlan-crosssubnet-other-subnet", f: twoSubnets(vxlanCross), from: "default/web-0", to: "default/web-2", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapVXLAN, pathMTU: 1450},
		{name: "vxlan-crosssubnet-same-subnet", f: twoSubnets(vxlanCross), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapNone, pathMTU: 1450},
		{name: "vxlan-without-bgp", f: with(twoSubnets(vxlanAlways), func(f *fixture) { f.noMesh = true }),
			from: "default/web-0", to: "default/web-1", port: tcp80, size: 64, delivered: true, encap: topology.EncapVXLAN, pathMTU: 1450},
		{name: "aws-native-same-subnet", f: aws(twoSubnets(native)), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			reason: SrcDstCheck, at: "subnet/az-a", pathMTU: 1500},
		{name: "aws-ipip-same-subnet", f: aws(twoSubnets(ipipAlways)), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapIPIP, pathMTU: 1480},
		{name: "aws-crosssubnet-other-subnet", f: aws(twoSubnets(ipipCross)), from: "default/web-0", to: "default/web-2", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapIPIP, pathMTU: 1480},
		{name: "aws-vxlan-crosssubnet-same-subnet", f: aws(twoSubnets(vxlanCross)), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			reason: SrcDstCheck, at: "subnet/az-a", pathMTU: 1450},
		{name: "azure-ipip-blocked", f: azure(oneSubnet(ipipAlways)), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			encap: topology.EncapIPIP, reason: ProtocolBlocked, at: "subnet/lan", pathMTU: 1480},
		{name: "azure-vxlan-passes", f: azure(oneSubnet(vxlanAlways)), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapVXLAN, pathMTU: 1450},
		{name: "router-blocks-ipip", f: with(twoSubnets(ipipAlways), func(f *fixture) { f.router.BlockProtocols = []topology.FabricProto{topology.BlockIPIP} }),
			from: "default/web-0", to: "default/web-2", port: tcp80, size: 64, encap: topology.EncapIPIP, reason: ProtocolBlocked, at: "router/vpc", pathMTU: 1480},
		{name: "mtu-ipip-1480", f: oneSubnet(ipipAlways), from: "default/web-0", to: "default/web-1", port: tcp80, size: 1440,
			delivered: true, encap: topology.EncapIPIP, pathMTU: 1480},
		{name: "mtu-ipip-1481", f: oneSubnet(ipipAlways), from: "default/web-0", to: "default/web-1", port: tcp80, size: 1441,
			encap: topology.EncapIPIP, reason: MTUExceeded, at: "pod/default/web-0", pathMTU: 1480},
		{name: "mtu-vxlan-1450", f: oneSubnet(vxlanAlways), from: "default/web-0", to: "default/web-1", port: topology.Port{Proto: topology.ProtoUDP, Num: 5000}, size: 1422,
			delivered: true, encap: topology.EncapVXLAN, pathMTU: 1450},
		{name: "mtu-vxlan-1451", f: oneSubnet(vxlanAlways), from: "default/web-0", to: "default/web-1", port: topology.Port{Proto: topology.ProtoUDP, Num: 5000}, size: 1423,
			encap: topology.EncapVXLAN, reason: MTUExceeded, at: "pod/default/web-0", pathMTU: 1450},
		{name: "mtu-veth-too-big-tunl0-drops", f: with(oneSubnet(ipipAlways), func(f *fixture) { f.felix.VethMTU = 1500 }),
			from: "default/web-0", to: "default/web-1", port: tcp80, size: 1441, encap: topology.EncapIPIP, reason: MTUExceeded, at: "node/n-1", pathMTU: 1480},
		{name: "mtu-jumbo", f: with(twoSubnets(ipipAlways), func(f *fixture) { f.subnets[0].MTU, f.subnets[1].MTU = 9001, 9001 }),
			from: "default/web-0", to: "default/web-2", port: tcp80, size: 8941, delivered: true, encap: topology.EncapIPIP, pathMTU: 8981},
		{name: "mtu-router-link", f: with(twoSubnets(ipipAlways), func(f *fixture) {
			f.subnets[0].MTU, f.subnets[1].MTU = 9001, 9001
			f.ifaceMTU = map[string]int{"az-b": 1500}
		}), from: "default/web-0", to: "default/web-2", port: tcp80, size: 1441, encap: topology.EncapIPIP, reason: MTUExceeded, at: "router/vpc", pathMTU: 1480},
		{name: "nat-outgoing-on", f: twoSubnets(ipipCross), from: "default/web-0", to: "external/internet", port: tcp443, size: 64,
			delivered: true, at: "external/internet", pathMTU: 1480, snat: "10.0.1.10"},
		{name: "nat-outgoing-off", f: twoSubnets(ippool(cross, never, false)), from: "default/web-0", to: "external/internet", port: tcp443, size: 64,
			delivered: true, at: "external/internet", pathMTU: 1480},
		{name: "aws-nat-outgoing-off", f: aws(twoSubnets(ippool(cross, never, false))), from: "default/web-0", to: "external/internet", port: tcp443, size: 64,
			reason: SrcDstCheck, at: "subnet/az-a", pathMTU: 1480},
		{name: "aws-nat-outgoing-on", f: aws(twoSubnets(ipipCross)), from: "default/web-0", to: "external/internet", port: tcp443, size: 64,
			delivered: true, at: "external/internet", pathMTU: 1480, snat: "10.0.1.10"},
		{name: "nat-to-node-address", f: twoSubnets(ipipCross), from: "default/web-0", to: "node/b-1", port: tcp80, size: 64,
			delivered: true, at: "node/b-1", pathMTU: 1480, snat: "10.0.1.10"},
		{name: "bgp-session-down", f: with(twoSubnets(ipipAlways), func(f *fixture) { f.downPair = [][2]string{{"a-1", "b-1"}} }),
			from: "default/web-0", to: "default/web-2", port: tcp80, size: 64, reason: BGPDown, at: "router/vpc", pathMTU: 1480},
		{name: "no-bgp-no-route", f: with(twoSubnets(ipipAlways), func(f *fixture) { f.noMesh = true }),
			from: "default/web-0", to: "default/web-2", port: tcp80, size: 64, reason: NoRoute, at: "router/vpc", pathMTU: 1480},
		{name: "bgp-down-no-gateway", f: with(twoSubnets(ipipAlways), func(f *fixture) {
			f.downPair = [][2]string{{"a-1", "a-2"}}
			f.noRouter = true
		}), from: "default/web-0", to: "default/web-1", port: tcp80, size: 64, reason: BGPDown, at: "node/a-1", pathMTU: 1480},
		{name: "blackhole", f: twoSubnets(ipipAlways), from: "default/web-0", to: "10.244.0.50", port: tcp80, size: 64,
			reason: NoRoute, at: "node/a-1", pathMTU: 1480},
		{name: "host-to-host", f: twoSubnets(ipipAlways), from: "node/a-1", to: "node/b-1", port: topology.Port{Proto: topology.ProtoICMP}, size: 56,
			delivered: true, at: "node/b-1", pathMTU: 1500},
		{name: "host-to-remote-pod", f: twoSubnets(ipipAlways), from: "node/a-1", to: "default/web-2", port: tcp80, size: 64,
			delivered: true, encap: topology.EncapIPIP, at: "pod/default/web-2", pathMTU: 1480},
		{name: "host-to-router", f: twoSubnets(ipipAlways), from: "node/b-1", to: "router/vpc", port: topology.Port{Proto: topology.ProtoICMP}, size: 56,
			delivered: true, at: "router/vpc", pathMTU: 1500},
		{name: "external-to-pod-tor", f: with(twoSubnets(native), func(f *fixture) { f.routerLearn = true }),
			from: "external/internet", to: "default/web-2", port: tcp443, size: 64, delivered: true, at: "pod/default/web-2", pathMTU: 1500},
		{name: "external-to-pod-no-route", f: twoSubnets(ipipAlways), from: "external/internet", to: "default/web-2", port: tcp443, size: 64,
			reason: NoRoute, at: "router/vpc", pathMTU: 0},
		{name: "unknown-address-in-subnet", f: twoSubnets(ipipAlways), from: "node/a-1", to: "10.0.2.99", port: tcp80, size: 64,
			reason: NoRoute, at: "router/vpc", pathMTU: 1500},
	}
}

func TestWalk(t *testing.T) {
	var golden strings.Builder
	for _, tc := range walkCases() {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.f.network(t)
			tr := Walk(n, n.mustFlow(t, tc.from, tc.to, tc.port, tc.size))
			fmt.Fprintf(&golden, "## %s: %s -> %s %v size %d\n%s", tc.name, tc.from, tc.to, tc.port.Proto, tc.size, summary(tr))
			if tr.Delivered != tc.delivered {
				t.Errorf("delivered = %v, want %v\n%s", tr.Delivered, tc.delivered, summary(tr))
			}
			if tr.Encap != tc.encap {
				t.Errorf("encap = %v, want %v", tr.Encap, tc.encap)
			}
			if tr.OverheadBytes != tc.encap.Overhead() {
				t.Errorf("overhead = %d, want %d", tr.OverheadBytes, tc.encap.Overhead())
			}
			if tc.delivered {
				if tr.Drop != nil {
					t.Errorf("delivered with a drop %+v", tr.Drop)
				}
				last := tr.Hops[len(tr.Hops)-1]
				if last.Action != ActionDeliver || (tc.at != "" && last.At != tc.at) {
					t.Errorf("last hop %+v, want deliver at %q", last, tc.at)
				}
			} else if tr.Drop == nil || tr.Drop.Reason != tc.reason || tr.Drop.At != tc.at {
				t.Errorf("drop = %+v, want %v at %s\n%s", tr.Drop, tc.reason, tc.at, summary(tr))
			}
			if tr.PathMTU != tc.pathMTU {
				t.Errorf("pathMTU = %d, want %d", tr.PathMTU, tc.pathMTU)
			}
			if got := addrString(tr.SNAT); got != tc.snat {
				t.Errorf("snat = %q, want %q", got, tc.snat)
			}
		})
	}
	if !t.Failed() || *update {
		goldenFile(t, "walks.golden", golden.String())
	}
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// summary prints a trace one hop a line: place, device, action, IP length
// and detail, then the verdict.
func summary(tr *Trace) string {
	var b strings.Builder
	for _, h := range tr.Hops {
		fmt.Fprintf(&b, "  %-20s %-16s %-11s %5d  %s\n", h.At, h.Device, h.Action, h.IPLen, h.Detail)
	}
	verdict := "delivered"
	if tr.Drop != nil {
		verdict = fmt.Sprintf("dropped %s at %s", tr.Drop.Reason, tr.Drop.At)
	}
	fmt.Fprintf(&b, "  => %s, encapsulation %v (+%d), path MTU %d\n", verdict, tr.Encap, tr.OverheadBytes, tr.PathMTU)
	return b.String()
}

func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (review, then run with -update):\n--- got\n%s", file, got)
	}
}

// TestWalkPcapTshark writes every walk's frames into one capture and has
// tshark decode it: no malformed packet, no checksum error.
func TestWalkPcapTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed")
	}
	all := &Trace{}
	frames := 0
	for _, tc := range walkCases() {
		n := tc.f.network(t)
		tr := Walk(n, n.mustFlow(t, tc.from, tc.to, tc.port, tc.size))
		for _, h := range tr.Hops {
			if len(h.Frame) > 0 {
				frames++
			}
		}
		all.Hops = append(all.Hops, tr.Hops...)
	}
	if bad := tsharkCheck(t, tshark, all, frames, []string{"ip.proto == 4", "vxlan.vni == 4096", "ip.ttl < 64"}); len(bad) > 0 {
		t.Fatalf("tshark found malformed packets or errors:\n%s", strings.Join(bad, "\n"))
	}
}
