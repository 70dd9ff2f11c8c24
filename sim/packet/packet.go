package packet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/calisim/calisim/sim/topology"
)

// Header lengths of what a flow's packet carries.
const (
	IPv4HeaderLen = 20
	TCPHeaderLen  = 20 // no options: a bare SYN
	UDPHeaderLen  = 8
	ICMPHeaderLen = 8 // echo request
	SCTPHeaderLen = 12 + 16
	DefaultTTL    = 64
)

// serializeOpts fixes lengths and computes checksums, as a kernel would.
func serializeOpts() gopacket.SerializeOptions {
	return gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
}

// L4HeaderLen is the transport header length of a flow's packet.
func L4HeaderLen(p topology.Proto) int {
	switch p {
	case topology.ProtoUDP:
		return UDPHeaderLen
	case topology.ProtoICMP:
		return ICMPHeaderLen
	case topology.ProtoSCTP:
		return SCTPHeaderLen
	}
	return TCPHeaderLen
}

// IPLen is the length of the IP packet carrying size bytes of payload
// (SCTP pads its DATA chunk to 4 bytes).
func IPLen(p topology.Proto, size int) int {
	if p == topology.ProtoSCTP {
		size = (size + 3) &^ 3
	}
	return IPv4HeaderLen + L4HeaderLen(p) + size
}

// Packet is one IPv4 packet of a flow before any encapsulation: the pod's
// (or host's) own packet. DF is always set.
type Packet struct {
	Src, Dst netip.Addr
	Proto    topology.Proto
	SrcPort  uint16 // TCP/UDP/SCTP source port; the ICMP echo identifier
	DstPort  uint16
	TTL      uint8
	ID       uint16 // IPv4 identification
	Seq      uint32 // TCP sequence number; the ICMP echo sequence (low 16 bits)
	Size     int    // payload bytes
}

// NewPacket makes the first packet of a flow with deterministic ports,
// identification and sequence number, all derived from the flow itself.
func NewPacket(src, dst netip.Addr, port topology.Port, size int) Packet {
	h := fnv.New64a()
	h.Write(src.AsSlice())
	h.Write(dst.AsSlice())
	var b [3]byte
	b[0] = byte(port.Proto)
	binary.BigEndian.PutUint16(b[1:3], port.Num)
	h.Write(b[:])
	x := h.Sum64()
	return Packet{
		Src:     src,
		Dst:     dst,
		Proto:   port.Proto,
		SrcPort: uint16(32768 + x%28232), // Linux's ephemeral range 32768-60999
		DstPort: port.Num,
		TTL:     DefaultTTL,
		ID:      uint16(x >> 16),
		Seq:     uint32(x >> 32),
		Size:    size,
	}
}

// Len is the IP packet's length.
func (p Packet) Len() int { return IPLen(p.Proto, p.Size) }

// Layers returns the packet's gopacket layers: IPv4, the transport layer
// and the payload (zero bytes, which no dissector of a well-known port
// finds malformed).
func (p Packet) Layers() ([]gopacket.SerializableLayer, error) {
	if !p.Src.Is4() || !p.Dst.Is4() {
		return nil, fmt.Errorf("packet %v -> %v: only IPv4 is modelled", p.Src, p.Dst)
	}
	if p.Size < 0 || p.Len() > 65535 {
		return nil, fmt.Errorf("packet of %d payload bytes: an IPv4 packet holds at most %d", p.Size, 65535-IPv4HeaderLen-L4HeaderLen(p.Proto))
	}
	ip := &layers.IPv4{
		Version:  4,
		IHL:      5,
		TTL:      p.TTL,
		Id:       p.ID,
		Flags:    layers.IPv4DontFragment,
		Protocol: layers.IPProtocol(p.Proto.Number()),
		SrcIP:    p.Src.AsSlice(),
		DstIP:    p.Dst.AsSlice(),
	}
	payload := gopacket.Payload(make([]byte, p.Size))
	switch p.Proto {
	case topology.ProtoTCP:
		tcp := &layers.TCP{SrcPort: layers.TCPPort(p.SrcPort), DstPort: layers.TCPPort(p.DstPort), Seq: p.Seq, SYN: true, Window: 64240}
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			return nil, err
		}
		return []gopacket.SerializableLayer{ip, tcp, payload}, nil
	case topology.ProtoUDP:
		udp := &layers.UDP{SrcPort: layers.UDPPort(p.SrcPort), DstPort: layers.UDPPort(p.DstPort)}
		if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
			return nil, err
		}
		return []gopacket.SerializableLayer{ip, udp, payload}, nil
	case topology.ProtoICMP:
		icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: p.SrcPort, Seq: uint16(p.Seq)}
		return []gopacket.SerializableLayer{ip, icmp, payload}, nil
	case topology.ProtoSCTP:
		sctp := layers.SCTP{SrcPort: layers.SCTPPort(p.SrcPort), DstPort: layers.SCTPPort(p.DstPort), VerificationTag: p.Seq}
		// SCTPData takes the payload that follows it and pads it to 4 bytes.
		data := layers.SCTPData{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeData}, BeginFragment: true, EndFragment: true, TSN: p.Seq}
		return []gopacket.SerializableLayer{ip, &sctp, &data, payload}, nil
	}
	return nil, errors.New("packet: unknown protocol " + p.Proto.String())
}

// Bytes serializes the IP packet with lengths fixed and checksums computed.
func (p Packet) Bytes() ([]byte, error) {
	ls, err := p.Layers()
	if err != nil {
		return nil, err
	}
	buf := gopacket.NewSerializeBufferExpectedSize(p.Len(), 0)
	if err := gopacket.SerializeLayers(buf, serializeOpts(), ls...); err != nil {
		return nil, fmt.Errorf("serializing %v -> %v: %w", p.Src, p.Dst, err)
	}
	return buf.Bytes(), nil
}
