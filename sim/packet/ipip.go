package packet

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// IPIP wraps an IPv4 packet in an outer IPv4 header from src to dst, as tunl0
// does (RFC 2003): protocol 4, which gopacket calls IPProtocolIPv4
// (IPProtocolIPIP is 94, a different protocol). The outer header copies the
// inner DF bit and identification and starts with TTL 64.
//
//	 0                   1                   2                   3
//	+-------+-------+---------------+-------------------------------+
//	|Ver=4  |IHL=5  |     TOS       |  Total Length (inner + 20)    |
//	| Identification (inner)        |DF|   Fragment Offset = 0      |
//	|  TTL=64       | Protocol = 4  |     Header Checksum           |
//	|                Source = the sending node                      |
//	|                Destination = the next-hop node                |
//	+---------------------------------------------------------------+
//	|                    inner IPv4 packet                          |
func IPIP(src, dst netip.Addr, inner []byte) ([]byte, error) {
	outer, err := outerIPv4(src, dst, layers.IPProtocolIPv4, inner)
	if err != nil {
		return nil, err
	}
	buf := gopacket.NewSerializeBufferExpectedSize(IPv4HeaderLen, 0)
	if err := gopacket.SerializeLayers(buf, serializeOpts(), outer, gopacket.Payload(inner)); err != nil {
		return nil, fmt.Errorf("ipip %v -> %v: %w", src, dst, err)
	}
	return buf.Bytes(), nil
}

// innerHeader reads an IPv4 packet's DF bit and identification.
func innerHeader(ip []byte) (df bool, id uint16, err error) {
	if len(ip) < IPv4HeaderLen || ip[0]>>4 != 4 {
		return false, 0, fmt.Errorf("inner packet of %d bytes is not IPv4", len(ip))
	}
	return ip[6]&0x40 != 0, binary.BigEndian.Uint16(ip[4:6]), nil
}

// outerIPv4 is the outer header of an encapsulation from src to dst: TTL 64
// (a walk may lower it after), the inner packet's identification and DF.
func outerIPv4(src, dst netip.Addr, proto layers.IPProtocol, inner []byte) (*layers.IPv4, error) {
	df, id, err := innerHeader(inner)
	if err != nil {
		return nil, err
	}
	outer := &layers.IPv4{
		Version:  4,
		IHL:      5,
		TTL:      DefaultTTL,
		Id:       id,
		Protocol: proto,
		SrcIP:    src.AsSlice(),
		DstIP:    dst.AsSlice(),
	}
	if df {
		outer.Flags = layers.IPv4DontFragment
	}
	return outer, nil
}
