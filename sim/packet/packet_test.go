package packet

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/calisim/calisim/sim/topology"
)

// csum is the Internet checksum (RFC 1071) of b, folded; a packet whose
// checksum field is right sums to 0xffff.
func csum(b ...[]byte) uint16 {
	var s uint32
	for _, x := range b {
		for i := 0; i+1 < len(x); i += 2 {
			s += uint32(binary.BigEndian.Uint16(x[i:]))
		}
		if len(x)%2 == 1 {
			s += uint32(x[len(x)-1]) << 8
		}
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// checkIPv4 checks an IPv4 packet's header checksum and length field, and
// the transport checksum when there is one, by an independent computation.
func checkIPv4(t *testing.T, ip []byte) {
	t.Helper()
	if len(ip) < 20 {
		t.Fatalf("IPv4 packet of %d bytes", len(ip))
	}
	ihl := int(ip[0]&0xf) * 4
	if got := csum(ip[:ihl]); got != 0xffff {
		t.Errorf("IPv4 header checksum does not verify (sum %#04x)", got)
	}
	if tl := int(binary.BigEndian.Uint16(ip[2:4])); tl != len(ip) {
		t.Errorf("IPv4 total length %d, packet has %d bytes", tl, len(ip))
	}
	seg := ip[ihl:]
	pseudo := make([]byte, 12)
	copy(pseudo[0:8], ip[12:20])
	pseudo[9] = ip[9]
	binary.BigEndian.PutUint16(pseudo[10:12], uint16(len(seg)))
	switch ip[9] {
	case 6:
		if got := csum(pseudo, seg); got != 0xffff {
			t.Errorf("TCP checksum does not verify (sum %#04x)", got)
		}
	case 17:
		if binary.BigEndian.Uint16(seg[6:8]) != 0 {
			if got := csum(pseudo, seg); got != 0xffff {
				t.Errorf("UDP checksum does not verify (sum %#04x)", got)
			}
		}
		if ul := int(binary.BigEndian.Uint16(seg[4:6])); ul != len(seg) {
			t.Errorf("UDP length %d, segment has %d bytes", ul, len(seg))
		}
	case 1:
		if got := csum(seg); got != 0xffff {
			t.Errorf("ICMP checksum does not verify (sum %#04x)", got)
		}
	}
}

func TestPacketRoundTrip(t *testing.T) {
	src, dst := netip.MustParseAddr("10.244.32.130"), netip.MustParseAddr("10.244.58.195")
	for _, tc := range []struct {
		name    string
		port    topology.Port
		size    int
		wantLen int
		l4      gopacket.LayerType
	}{
		{"tcp", topology.Port{Proto: topology.ProtoTCP, Num: 443}, 1400, 1440, layers.LayerTypeTCP},
		{"tcp-empty", topology.Port{Proto: topology.ProtoTCP, Num: 80}, 0, 40, layers.LayerTypeTCP},
		{"udp", topology.Port{Proto: topology.ProtoUDP, Num: 53}, 64, 92, layers.LayerTypeUDP},
		{"icmp", topology.Port{Proto: topology.ProtoICMP}, 56, 84, layers.LayerTypeICMPv4},
		{"sctp", topology.Port{Proto: topology.ProtoSCTP, Num: 9}, 10, 20 + 28 + 12, layers.LayerTypeSCTP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPacket(src, dst, tc.port, tc.size)
			if p.Len() != tc.wantLen {
				t.Fatalf("Len = %d, want %d", p.Len(), tc.wantLen)
			}
			b, err := p.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != tc.wantLen {
				t.Fatalf("serialized %d bytes, want %d", len(b), tc.wantLen)
			}
			if tc.port.Proto != topology.ProtoSCTP {
				checkIPv4(t, b)
			}
			pk := gopacket.NewPacket(b, layers.LayerTypeIPv4, gopacket.Default)
			if el := pk.ErrorLayer(); el != nil {
				t.Fatalf("decode: %v", el.Error())
			}
			ip, _ := pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
			if ip == nil {
				t.Fatal("no IPv4 layer")
			}
			if ip.Flags&layers.IPv4DontFragment == 0 || ip.TTL != 64 {
				t.Errorf("flags %v ttl %d, want DF and 64", ip.Flags, ip.TTL)
			}
			if !ip.SrcIP.Equal(src.AsSlice()) || !ip.DstIP.Equal(dst.AsSlice()) {
				t.Errorf("addresses %v -> %v", ip.SrcIP, ip.DstIP)
			}
			if pk.Layer(tc.l4) == nil {
				t.Fatalf("no %v layer in %v", tc.l4, pk.Layers())
			}
			switch l := pk.Layer(tc.l4).(type) {
			case *layers.TCP:
				if !l.SYN || l.ACK || int(l.DstPort) != int(tc.port.Num) || l.Seq != p.Seq {
					t.Errorf("TCP %+v", l)
				}
				if len(l.Payload) != tc.size {
					t.Errorf("TCP payload %d, want %d", len(l.Payload), tc.size)
				}
			case *layers.UDP:
				if int(l.DstPort) != int(tc.port.Num) || len(l.Payload) != tc.size {
					t.Errorf("UDP %v payload %d", l.DstPort, len(l.Payload))
				}
			case *layers.ICMPv4:
				if l.TypeCode.Type() != layers.ICMPv4TypeEchoRequest || len(l.Payload) != tc.size {
					t.Errorf("ICMP %v payload %d", l.TypeCode, len(l.Payload))
				}
			}
		})
	}
}

func TestPacketDeterministic(t *testing.T) {
	src, dst := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	port := topology.Port{Proto: topology.ProtoTCP, Num: 80}
	a, _ := NewPacket(src, dst, port, 100).Bytes()
	b, _ := NewPacket(src, dst, port, 100).Bytes()
	if string(a) != string(b) {
		t.Fatal("the same flow gave different bytes")
	}
	c, _ := NewPacket(src, netip.MustParseAddr("10.0.0.3"), port, 100).Bytes()
	if string(a) == string(c) {
		t.Fatal("different flows gave the same bytes")
	}
	p := NewPacket(src, dst, port, 0)
	if p.SrcPort < 32768 || p.SrcPort > 60999 {
		t.Errorf("source port %d outside the ephemeral range", p.SrcPort)
	}
}

func TestPacketRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Packet
	}{
		{"ipv6", NewPacket(netip.MustParseAddr("fd00::1"), netip.MustParseAddr("fd00::2"), topology.Port{}, 1)},
		{"too-big", NewPacket(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), topology.Port{}, 70000)},
		{"negative", NewPacket(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), topology.Port{}, -1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.p.Bytes(); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestFramePadsAndDecodes(t *testing.T) {
	p := NewPacket(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), topology.Port{Proto: topology.ProtoUDP, Num: 7}, 0)
	ip, err := p.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f, err := Frame([6]byte{2, 0, 0, 0, 0, 1}, [6]byte{2, 0, 0, 0, 0, 2}, ip)
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 60 {
		t.Fatalf("frame of %d bytes, want 60 (padded)", len(f))
	}
	pk := gopacket.NewPacket(f, layers.LayerTypeEthernet, gopacket.Default)
	if pk.ErrorLayer() != nil || pk.Layer(layers.LayerTypeUDP) == nil {
		t.Fatalf("decode: %v", pk)
	}
}

func BenchmarkPacketBytes(b *testing.B) {
	p := NewPacket(netip.MustParseAddr("10.244.32.130"), netip.MustParseAddr("10.244.58.195"), topology.Port{Proto: topology.ProtoTCP, Num: 443}, 1400)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}
