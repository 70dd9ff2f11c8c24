// Package packet turns a flow into real packets and walks them hop by hop.
//
// Input: the scenario, its underlay graph, the IPAM allocation, the BGP plan
// and result, and the dataplane. A flow's packet is built with gopacket
// (Ethernet, IPv4 with DF, TCP SYN, UDP or ICMP echo, and its payload),
// encapsulated as the source node's route says (IPIP: outer IPv4 protocol 4;
// VXLAN: outer IPv4, UDP 4789, VNI 4096 and an inner Ethernet header), and
// walked over the underlay with every fabric rule applied: source/destination
// checks, blocked protocols, TTL, DF against every link MTU, routers' routes
// and natOutgoing. Output: a Trace, delivered or dropped at a named place
// for a typed reason, with the frame bytes of every hop; WritePcap exports
// them for Wireshark.
package packet
