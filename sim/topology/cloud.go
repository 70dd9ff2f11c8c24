package topology

// cloudPreset is the fabric a cloud imposes. A subnet (or spec.underlay.mtu)
// that sets a field explicitly wins over the preset.
type cloudPreset struct {
	mtu         int           // 0: no preset (1500)
	srcDstCheck bool          // hosts may send only from, and receive only to, their own address
	block       []FabricProto // protocols the fabric drops
	hostPrefix  bool          // nodes see their address as a /32
}

// preset returns the fabric rules of a cloud. Sources:
//
//   - aws: EC2 instances in a VPC support jumbo frames, MTU 9001 ("Network
//     maximum transmission unit (MTU) for your EC2 instance", AWS EC2 user
//     guide); source/destination checking is on by default on every ENI
//     ("Source/destination checks", Amazon VPC user guide), so native pod
//     addresses are dropped unless it is turned off.
//   - azure: Azure VNets carry only TCP, UDP and ICMP, so IP-in-IP (protocol
//     4) is dropped, and deliver only to addresses Azure assigned, which acts
//     as a source/destination check ("What is Azure Virtual Network? / FAQ":
//     "multicast, broadcast, IP-in-IP encapsulated packets, and GRE packets are
//     blocked"; Calico docs "Install Calico on Azure": use VXLAN); the VNet MTU
//     is 1500 ("Azure VM network throughput / MTU", default 1500).
//   - gcp: VPC networks default to MTU 1460 ("Maximum transmission unit",
//     Google Cloud VPC docs); instances get a /32 address on their primary
//     interface ("VPC network overview": the DHCP lease is a /32), and Google
//     Cloud drops packets whose source or destination is not the instance's
//     unless IP forwarding is enabled (canIpForward), a source/destination
//     check.
//   - none: nothing.
func preset(c Cloud) cloudPreset {
	switch c {
	case CloudAWS:
		return cloudPreset{mtu: 9001, srcDstCheck: true}
	case CloudAzure:
		return cloudPreset{mtu: 1500, srcDstCheck: true, block: []FabricProto{BlockIPIP}}
	case CloudGCP:
		return cloudPreset{mtu: 1460, srcDstCheck: true, hostPrefix: true}
	}
	return cloudPreset{}
}
