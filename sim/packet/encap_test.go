package packet

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/calisim/calisim/sim/topology"
)

func innerTCP(t testing.TB, size int) []byte {
	t.Helper()
	p := NewPacket(netip.MustParseAddr("10.244.32.130"), netip.MustParseAddr("10.244.58.195"), topology.Port{Proto: topology.ProtoTCP, Num: 443}, size)
	b, err := p.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIPIPRoundTrip(t *testing.T) {
	inner := innerTCP(t, 1400)
	src, dst := netip.MustParseAddr("172.139.20.10"), netip.MustParseAddr("172.139.20.75")
	ip, err := IPIP(src, dst, inner)
	if err != nil {
		t.Fatal(err)
	}
	if len(ip) != len(inner)+topology.EncapIPIP.Overhead() {
		t.Fatalf("IPIP packet %d bytes, want inner %d + 20", len(ip), len(inner))
	}
	if ip[9] != 4 {
		t.Fatalf("outer protocol %d, want 4 (IP-in-IP)", ip[9])
	}
	checkIPv4(t, ip)
	checkIPv4(t, ip[20:])
	f, err := Frame([6]byte{2, 1, 2, 3, 4, 5}, [6]byte{2, 5, 4, 3, 2, 1}, ip)
	if err != nil {
		t.Fatal(err)
	}
	pk := gopacket.NewPacket(f, layers.LayerTypeEthernet, gopacket.Default)
	if el := pk.ErrorLayer(); el != nil {
		t.Fatalf("decode: %v", el.Error())
	}
	var ips []*layers.IPv4
	for _, l := range pk.Layers() {
		if v, ok := l.(*layers.IPv4); ok {
			ips = append(ips, v)
		}
	}
	if len(ips) != 2 {
		t.Fatalf("%d IPv4 layers, want outer and inner: %v", len(ips), pk.Layers())
	}
	outer := ips[0]
	if outer.Protocol != layers.IPProtocolIPv4 || outer.Flags&layers.IPv4DontFragment == 0 {
		t.Errorf("outer protocol %v flags %v, want IPv4 (4) and DF", outer.Protocol, outer.Flags)
	}
	if !outer.SrcIP.Equal(src.AsSlice()) || !outer.DstIP.Equal(dst.AsSlice()) {
		t.Errorf("outer %v -> %v", outer.SrcIP, outer.DstIP)
	}
	if tcp, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP); tcp == nil || tcp.DstPort != 443 {
		t.Errorf("inner TCP %v", pk.Layer(layers.LayerTypeTCP))
	}
}

func TestVXLANRoundTrip(t *testing.T) {
	inner := innerTCP(t, 1400)
	src, dst := netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("10.0.2.20")
	smac, dmac := [6]byte{0x66, 1, 2, 3, 4, 5}, [6]byte{0x66, 5, 4, 3, 2, 1}
	ip, err := VXLAN(src, dst, smac, dmac, inner)
	if err != nil {
		t.Fatal(err)
	}
	if len(ip) != len(inner)+topology.EncapVXLAN.Overhead() {
		t.Fatalf("VXLAN packet %d bytes, want inner %d + 50", len(ip), len(inner))
	}
	checkIPv4(t, ip)
	checkIPv4(t, ip[VXLANOverhead:])
	f, err := Frame([6]byte{2, 1, 2, 3, 4, 5}, [6]byte{2, 5, 4, 3, 2, 1}, ip)
	if err != nil {
		t.Fatal(err)
	}
	pk := gopacket.NewPacket(f, layers.LayerTypeEthernet, gopacket.Default)
	if el := pk.ErrorLayer(); el != nil {
		t.Fatalf("decode: %v", el.Error())
	}
	udp, _ := pk.Layer(layers.LayerTypeUDP).(*layers.UDP)
	if udp == nil || udp.DstPort != 4789 {
		t.Fatalf("outer UDP %v, want dst port 4789", udp)
	}
	if udp.SrcPort < 32768 || udp.SrcPort > 60999 {
		t.Errorf("UDP source port %d outside 32768-60999", udp.SrcPort)
	}
	vx, _ := pk.Layer(layers.LayerTypeVXLAN).(*layers.VXLAN)
	if vx == nil || vx.VNI != 4096 || !vx.ValidIDFlag {
		t.Fatalf("VXLAN %+v, want VNI 4096 with the I flag", vx)
	}
	var eths []*layers.Ethernet
	for _, l := range pk.Layers() {
		if e, ok := l.(*layers.Ethernet); ok {
			eths = append(eths, e)
		}
	}
	if len(eths) != 2 || !bytes.Equal(eths[1].SrcMAC, smac[:]) || !bytes.Equal(eths[1].DstMAC, dmac[:]) {
		t.Fatalf("inner Ethernet %v", eths)
	}
	if tcp, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP); tcp == nil || tcp.DstPort != 443 || len(tcp.Payload) != 1400 {
		t.Errorf("inner TCP %v", pk.Layer(layers.LayerTypeTCP))
	}
}

func TestVXLANSourcePortPerFlow(t *testing.T) {
	a := VXLANSourcePort(innerTCP(t, 10))
	if b := VXLANSourcePort(innerTCP(t, 500)); a != b {
		t.Errorf("same flow, different sizes: ports %d and %d", a, b)
	}
	other, _ := (&Packet{Src: netip.MustParseAddr("10.244.32.131"), Dst: netip.MustParseAddr("10.244.58.195"), Proto: topology.ProtoTCP, SrcPort: 40000, DstPort: 443, TTL: 64}).Bytes()
	if VXLANSourcePort(other) == a {
		t.Errorf("two flows hashed to the same port %d (possible, but not for these)", a)
	}
}

func TestEncapRefusesNonIPv4(t *testing.T) {
	a := netip.MustParseAddr("10.0.0.1")
	if _, err := IPIP(a, a, []byte{0x60, 0, 0}); err == nil {
		t.Error("IPIP accepted a non-IPv4 inner packet")
	}
	if _, err := VXLAN(a, a, [6]byte{}, [6]byte{}, make([]byte, 20)); err == nil {
		t.Error("VXLAN accepted a non-IPv4 inner packet")
	}
}

func BenchmarkIPIP(b *testing.B) {
	inner := innerTCP(b, 1400)
	src, dst := netip.MustParseAddr("172.139.20.10"), netip.MustParseAddr("172.139.20.75")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := IPIP(src, dst, inner); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVXLAN(b *testing.B) {
	inner := innerTCP(b, 1400)
	src, dst := netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("10.0.2.20")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VXLAN(src, dst, [6]byte{2}, [6]byte{4}, inner); err != nil {
			b.Fatal(err)
		}
	}
}
