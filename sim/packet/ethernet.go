package packet

import (
	"fmt"
	"net"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/calisim/calisim/sim/dataplane"
)

// EthernetHeaderLen is the length of an Ethernet II header (no VLAN tag).
const EthernetHeaderLen = 14

// Frame wraps an IPv4 packet in an Ethernet II header from src to dst.
// Frames shorter than 60 bytes are padded, as a NIC pads them.
func Frame(src, dst dataplane.MAC, ip []byte) ([]byte, error) {
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr(src[:]), DstMAC: net.HardwareAddr(dst[:]), EthernetType: layers.EthernetTypeIPv4}
	buf := gopacket.NewSerializeBufferExpectedSize(EthernetHeaderLen, 0)
	if err := gopacket.SerializeLayers(buf, serializeOpts(), eth, gopacket.Payload(ip)); err != nil {
		return nil, fmt.Errorf("ethernet frame %v -> %v: %w", src, dst, err)
	}
	return buf.Bytes(), nil
}
