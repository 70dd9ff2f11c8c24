package packet

import (
	"fmt"
	"hash/fnv"
	"net"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/calisim/calisim/sim/dataplane"
)

// VXLANOverhead is what vxlan.calico adds: outer IPv4 (20), UDP (8), VXLAN
// (8) and the inner Ethernet header (14).
const VXLANOverhead = IPv4HeaderLen + UDPHeaderLen + 8 + EthernetHeaderLen

// VXLAN wraps an IPv4 packet as vxlan.calico does (RFC 7348): outer IPv4
// from src to dst (TTL 64, DF and identification copied from the inner
// packet), UDP to port 4789 from a source port hashed from the inner flow,
// the VXLAN header with the I flag and VNI 4096, then an inner Ethernet
// header between the two VTEPs' MACs.
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|R|R|R|R|I|R|R|R|            Reserved                           |
//	|        VXLAN Network Identifier (VNI) = 4096  |   Reserved    |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
func VXLAN(src, dst netip.Addr, srcVTEP, dstVTEP dataplane.MAC, inner []byte) ([]byte, error) {
	outer, err := outerIPv4(src, dst, layers.IPProtocolUDP, inner)
	if err != nil {
		return nil, err
	}
	udp := &layers.UDP{SrcPort: layers.UDPPort(VXLANSourcePort(inner)), DstPort: dataplane.VXLANPort}
	if err := udp.SetNetworkLayerForChecksum(outer); err != nil {
		return nil, err
	}
	vx := &layers.VXLAN{ValidIDFlag: true, VNI: dataplane.VXLANVNI}
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr(srcVTEP[:]), DstMAC: net.HardwareAddr(dstVTEP[:]), EthernetType: layers.EthernetTypeIPv4}
	buf := gopacket.NewSerializeBufferExpectedSize(VXLANOverhead, 0)
	if err := gopacket.SerializeLayers(buf, serializeOpts(), outer, udp, vx, eth, gopacket.Payload(inner)); err != nil {
		return nil, fmt.Errorf("vxlan %v -> %v: %w", src, dst, err)
	}
	return buf.Bytes(), nil
}

// VXLANSourcePort picks the outer UDP source port as the kernel does: a hash
// of the inner flow (addresses, protocol and ports) scaled into the
// ephemeral range 32768-60999, so one flow always takes one path.
func VXLANSourcePort(inner []byte) uint16 {
	const lo, hi = 32768, 60999
	h := fnv.New32a()
	if len(inner) >= IPv4HeaderLen {
		h.Write(inner[12:20]) // source and destination addresses
		h.Write(inner[9:10])  // protocol
		ihl := int(inner[0]&0x0f) * 4
		if ihl >= IPv4HeaderLen && len(inner) >= ihl+4 && (inner[9] == 6 || inner[9] == 17 || inner[9] == 132) {
			h.Write(inner[ihl : ihl+4]) // ports
		}
	}
	return uint16(lo + (uint64(h.Sum32())*(hi-lo+1))>>32)
}
