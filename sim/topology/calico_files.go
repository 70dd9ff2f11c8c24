package topology

// Calico projectcalico.org/v3 resources as `calicoctl get -o yaml` prints
// them. Field names are Calico's; fields calisim does not model are
// NotModelled (accepted, listed once).

// ObjectMeta is Kubernetes/Calico metadata. Server-set fields are accepted
// and not modelled.
type ObjectMeta struct {
	Name                       string            `yaml:"name"`
	GenerateName               NotModelled       `yaml:"generateName"`
	Namespace                  string            `yaml:"namespace"`
	Labels                     map[string]string `yaml:"labels"`
	Annotations                NotModelled       `yaml:"annotations"`
	UID                        NotModelled       `yaml:"uid"`
	ResourceVersion            NotModelled       `yaml:"resourceVersion"`
	CreationTimestamp          NotModelled       `yaml:"creationTimestamp"`
	DeletionTimestamp          NotModelled       `yaml:"deletionTimestamp"`
	DeletionGracePeriodSeconds NotModelled       `yaml:"deletionGracePeriodSeconds"`
	Generation                 NotModelled       `yaml:"generation"`
	ManagedFields              NotModelled       `yaml:"managedFields"`
	SelfLink                   NotModelled       `yaml:"selfLink"`
	OwnerReferences            NotModelled       `yaml:"ownerReferences"`
	Finalizers                 NotModelled       `yaml:"finalizers"`
	Pos                        Pos               `yaml:"-" json:"-"`
}

// IPPoolFile is a Calico IPPool.
type IPPoolFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       IPPoolSpec  `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// IPPoolSpec is an IPPool's spec.
type IPPoolSpec struct {
	CIDR             string      `yaml:"cidr"`
	BlockSize        *int        `yaml:"blockSize"`
	IPIPMode         string      `yaml:"ipipMode"`
	VXLANMode        string      `yaml:"vxlanMode"`
	NATOutgoing      bool        `yaml:"natOutgoing"`
	Disabled         bool        `yaml:"disabled"`
	DisableBGPExport bool        `yaml:"disableBGPExport"`
	NodeSelector     Scalar      `yaml:"nodeSelector"`
	AllowedUses      NotModelled `yaml:"allowedUses"`
	AssignmentMode   NotModelled `yaml:"assignmentMode"`
	NamespaceSel     NotModelled `yaml:"namespaceSelector"`
	IPIP             NotModelled `yaml:"ipip"`
	NATOutgoingV1    NotModelled `yaml:"nat-outgoing"`
}

// BGPConfigurationFile is a Calico BGPConfiguration.
type BGPConfigurationFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       BGPConfSpec `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// BGPConfSpec is a BGPConfiguration's spec.
type BGPConfSpec struct {
	NodeToNodeMeshEnabled    *bool       `yaml:"nodeToNodeMeshEnabled"`
	ASNumber                 *uint32     `yaml:"asNumber"`
	ListenPort               *int        `yaml:"listenPort"`
	LogSeverityScreen        NotModelled `yaml:"logSeverityScreen"`
	ServiceClusterIPs        NotModelled `yaml:"serviceClusterIPs"`
	ServiceExternalIPs       NotModelled `yaml:"serviceExternalIPs"`
	ServiceLoadBalancerIPs   NotModelled `yaml:"serviceLoadBalancerIPs"`
	BindMode                 NotModelled `yaml:"bindMode"`
	NodeMeshPassword         NotModelled `yaml:"nodeMeshPassword"`
	NodeMeshMaxRestartTime   NotModelled `yaml:"nodeMeshMaxRestartTime"`
	Communities              NotModelled `yaml:"communities"`
	PrefixAdvertisements     NotModelled `yaml:"prefixAdvertisements"`
	IgnoredInterfaces        NotModelled `yaml:"ignoredInterfaces"`
	LocalWorkloadPeeringIPV4 NotModelled `yaml:"localWorkloadPeeringIPV4"`
	LocalWorkloadPeeringIPV6 NotModelled `yaml:"localWorkloadPeeringIPV6"`
	NodeToNodeMeshPassword   NotModelled `yaml:"nodeToNodeMeshPassword"`
	ProgramClusterRoutes     NotModelled `yaml:"programClusterRoutes"`
}

// BGPPeerFile is a Calico BGPPeer.
type BGPPeerFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       BGPPeerSpec `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// BGPPeerSpec is a BGPPeer's spec.
type BGPPeerSpec struct {
	Node                     string      `yaml:"node"`
	PeerIP                   string      `yaml:"peerIP"`
	ASNumber                 *uint32     `yaml:"asNumber"`
	NodeSelector             Scalar      `yaml:"nodeSelector"`
	PeerSelector             Scalar      `yaml:"peerSelector"`
	KeepOriginalNextHop      bool        `yaml:"keepOriginalNextHop"`
	Password                 NotModelled `yaml:"password"`
	SourceAddress            NotModelled `yaml:"sourceAddress"`
	FailureDetectionMode     NotModelled `yaml:"failureDetectionMode"`
	RestartMode              NotModelled `yaml:"restartMode"`
	MaxRestartTime           NotModelled `yaml:"maxRestartTime"`
	BIRDGatewayMode          NotModelled `yaml:"birdGatewayMode"`
	NumAllowedLocalASNumbers NotModelled `yaml:"numAllowedLocalASNumbers"`
	TTLSecurity              NotModelled `yaml:"ttlSecurity"`
	Filters                  NotModelled `yaml:"filters"`
	ReachableBy              NotModelled `yaml:"reachableBy"`
	LocalWorkloadSelector    NotModelled `yaml:"localWorkloadSelector"`
	NextHopMode              NotModelled `yaml:"nextHopMode"`
	LocalASNumber            NotModelled `yaml:"localASNumber"`
	ReversePeering           NotModelled `yaml:"reversePeering"`
}

// FelixConfigurationFile is a Calico FelixConfiguration. Felix has some two
// hundred settings; the ones calisim reads are typed, the commonly pasted
// others are accepted as not modelled.
type FelixConfigurationFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       FelixSpec   `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// FelixSpec is a FelixConfiguration's spec.
type FelixSpec struct {
	IPIPEnabled                        *bool       `yaml:"ipipEnabled"`
	IPIPMTU                            *int        `yaml:"ipipMTU"`
	VXLANEnabled                       *bool       `yaml:"vxlanEnabled"`
	VXLANMTU                           *int        `yaml:"vxlanMTU"`
	VXLANMTUV6                         NotModelled `yaml:"vxlanMTUV6"`
	VXLANPort                          NotModelled `yaml:"vxlanPort"`
	VXLANVNI                           NotModelled `yaml:"vxlanVNI"`
	WireguardEnabled                   NotModelled `yaml:"wireguardEnabled"`
	WireguardEnabledV6                 NotModelled `yaml:"wireguardEnabledV6"`
	WireguardMTU                       *int        `yaml:"wireguardMTU"`
	WireguardMTUV6                     NotModelled `yaml:"wireguardMTUV6"`
	WireguardListeningPort             NotModelled `yaml:"wireguardListeningPort"`
	WireguardRoutingRulePriority       NotModelled `yaml:"wireguardRoutingRulePriority"`
	WireguardInterfaceName             NotModelled `yaml:"wireguardInterfaceName"`
	WireguardHostEncryptionEnabled     NotModelled `yaml:"wireguardHostEncryptionEnabled"`
	BPFEnabled                         NotModelled `yaml:"bpfEnabled"`
	BPFLogLevel                        NotModelled `yaml:"bpfLogLevel"`
	BPFExternalServiceMode             NotModelled `yaml:"bpfExternalServiceMode"`
	BPFKubeProxyIptablesCleanupEnabled NotModelled `yaml:"bpfKubeProxyIptablesCleanupEnabled"`
	BPFConnectTimeLoadBalancing        NotModelled `yaml:"bpfConnectTimeLoadBalancing"`
	LogSeverityScreen                  NotModelled `yaml:"logSeverityScreen"`
	LogSeverityFile                    NotModelled `yaml:"logSeverityFile"`
	LogSeveritySys                     NotModelled `yaml:"logSeveritySys"`
	LogFilePath                        NotModelled `yaml:"logFilePath"`
	ReportingInterval                  NotModelled `yaml:"reportingInterval"`
	ReportingTTL                       NotModelled `yaml:"reportingTTL"`
	HealthEnabled                      NotModelled `yaml:"healthEnabled"`
	HealthPort                         NotModelled `yaml:"healthPort"`
	PrometheusMetricsEnabled           NotModelled `yaml:"prometheusMetricsEnabled"`
	PrometheusMetricsPort              NotModelled `yaml:"prometheusMetricsPort"`
	FloatingIPs                        NotModelled `yaml:"floatingIPs"`
	DefaultEndpointToHostAction        NotModelled `yaml:"defaultEndpointToHostAction"`
	ChainInsertMode                    NotModelled `yaml:"chainInsertMode"`
	IptablesBackend                    NotModelled `yaml:"iptablesBackend"`
	IptablesRefreshInterval            NotModelled `yaml:"iptablesRefreshInterval"`
	IptablesMarkMask                   NotModelled `yaml:"iptablesMarkMask"`
	NftablesMode                       NotModelled `yaml:"nftablesMode"`
	RouteRefreshInterval               NotModelled `yaml:"routeRefreshInterval"`
	RouteTableRange                    NotModelled `yaml:"routeTableRange"`
	RouteSource                        NotModelled `yaml:"routeSource"`
	InterfacePrefix                    NotModelled `yaml:"interfacePrefix"`
	InterfaceExclude                   NotModelled `yaml:"interfaceExclude"`
	FailsafeInboundHostPorts           NotModelled `yaml:"failsafeInboundHostPorts"`
	FailsafeOutboundHostPorts          NotModelled `yaml:"failsafeOutboundHostPorts"`
	NATOutgoingAddress                 NotModelled `yaml:"natOutgoingAddress"`
	NATPortRange                       NotModelled `yaml:"natPortRange"`
	FlowLogsFlushInterval              NotModelled `yaml:"flowLogsFlushInterval"`
	FlowLogsFileEnabled                NotModelled `yaml:"flowLogsFileEnabled"`
	DeviceRouteSourceAddress           NotModelled `yaml:"deviceRouteSourceAddress"`
	RemoveExternalRoutes               NotModelled `yaml:"removeExternalRoutes"`
	ServiceLoopPrevention              NotModelled `yaml:"serviceLoopPrevention"`
	XDPEnabled                         NotModelled `yaml:"xdpEnabled"`
	GenericXDPEnabled                  NotModelled `yaml:"genericXDPEnabled"`
	UseInternalDataplaneDriver         NotModelled `yaml:"useInternalDataplaneDriver"`
	DataplaneDriver                    NotModelled `yaml:"dataplaneDriver"`
	MTUIfacePattern                    NotModelled `yaml:"mtuIfacePattern"`
	IPv6Support                        NotModelled `yaml:"ipv6Support"`
	AWSSrcDstCheck                     NotModelled `yaml:"awsSrcDstCheck"`
	FeatureDetectOverride              NotModelled `yaml:"featureDetectOverride"`
	FeatureGates                       NotModelled `yaml:"featureGates"`
	EndpointReportingEnabled           NotModelled `yaml:"endpointReportingEnabled"`
	PolicySyncPathPrefix               NotModelled `yaml:"policySyncPathPrefix"`
	VXLANTunnelMACAddr                 NotModelled `yaml:"vxlanTunnelMACAddr"`
	IPIPTunnelAddress                  NotModelled `yaml:"ipipTunnelAddress"`
	FlowLogsCollectorDebugTrace        NotModelled `yaml:"flowLogsCollectorDebugTrace"`
	GoGCThreshold                      NotModelled `yaml:"goGCThreshold"`
	GoMaxProcs                         NotModelled `yaml:"goMaxProcs"`
	GoMemoryLimitMB                    NotModelled `yaml:"goMemoryLimitMB"`
}

// GlobalNetworkPolicyFile is a Calico GlobalNetworkPolicy.
type GlobalNetworkPolicyFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       GNPSpec     `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// GNPSpec is a GlobalNetworkPolicy's spec.
type GNPSpec struct {
	Tier                   string      `yaml:"tier"`
	Order                  *float64    `yaml:"order"`
	Selector               Scalar      `yaml:"selector"`
	NamespaceSelector      Scalar      `yaml:"namespaceSelector"`
	ServiceAccountSelector Scalar      `yaml:"serviceAccountSelector"`
	Types                  []string    `yaml:"types"`
	Ingress                []RuleFile  `yaml:"ingress"`
	Egress                 []RuleFile  `yaml:"egress"`
	DoNotTrack             bool        `yaml:"doNotTrack"`
	PreDNAT                bool        `yaml:"preDNAT"`
	ApplyOnForward         bool        `yaml:"applyOnForward"`
	PerformanceHints       NotModelled `yaml:"performanceHints"`
}

// NetworkPolicyFile is a Calico (projectcalico.org/v3) NetworkPolicy.
type NetworkPolicyFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       NPSpec      `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// NPSpec is a Calico NetworkPolicy's spec.
type NPSpec struct {
	Tier                   string      `yaml:"tier"`
	Order                  *float64    `yaml:"order"`
	Selector               Scalar      `yaml:"selector"`
	ServiceAccountSelector Scalar      `yaml:"serviceAccountSelector"`
	Types                  []string    `yaml:"types"`
	Ingress                []RuleFile  `yaml:"ingress"`
	Egress                 []RuleFile  `yaml:"egress"`
	PerformanceHints       NotModelled `yaml:"performanceHints"`
}

// RuleFile is one Calico policy rule.
type RuleFile struct {
	Action      string         `yaml:"action"`
	IPVersion   *int           `yaml:"ipVersion"`
	Protocol    Raw            `yaml:"protocol"`
	NotProtocol Raw            `yaml:"notProtocol"`
	ICMP        *ICMPFile      `yaml:"icmp"`
	NotICMP     *ICMPFile      `yaml:"notICMP"`
	Source      EntityRuleFile `yaml:"source"`
	Destination EntityRuleFile `yaml:"destination"`
	HTTP        Raw            `yaml:"http"`
	Metadata    NotModelled    `yaml:"metadata"`
	Pos         Pos            `yaml:"-" json:"-"`
}

// ICMPFile is an ICMP type and code match.
type ICMPFile struct {
	Type *int `yaml:"type"`
	Code *int `yaml:"code"`
}

// EntityRuleFile is a rule's source or destination.
type EntityRuleFile struct {
	Nets              []string            `yaml:"nets"`
	NotNets           []string            `yaml:"notNets"`
	Selector          Scalar              `yaml:"selector"`
	NotSelector       Scalar              `yaml:"notSelector"`
	NamespaceSelector Scalar              `yaml:"namespaceSelector"`
	Ports             []Raw               `yaml:"ports"`
	NotPorts          []Raw               `yaml:"notPorts"`
	ServiceAccounts   *ServiceAccountFile `yaml:"serviceAccounts"`
	Services          Raw                 `yaml:"services"`
	Pos               Pos                 `yaml:"-" json:"-"`
}

// ServiceAccountFile matches by service account.
type ServiceAccountFile struct {
	Names    []string `yaml:"names"`
	Selector Scalar   `yaml:"selector"`
}

// NetworkSetFile is a GlobalNetworkSet or NetworkSet.
type NetworkSetFile struct {
	APIVersion string         `yaml:"apiVersion"`
	Kind       string         `yaml:"kind"`
	Metadata   ObjectMeta     `yaml:"metadata"`
	Spec       NetworkSetSpec `yaml:"spec"`
}

// NetworkSetSpec is a network set's spec.
type NetworkSetSpec struct {
	Nets                 []string    `yaml:"nets"`
	AllowedEgressDomains NotModelled `yaml:"allowedEgressDomains"`
}

// TierFile is a Calico Tier.
type TierFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       TierSpec    `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// TierSpec is a tier's spec.
type TierSpec struct {
	Order         *float64    `yaml:"order"`
	DefaultAction NotModelled `yaml:"defaultAction"`
}

// ProfileFile is a Calico Profile.
type ProfileFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       ProfileSpec `yaml:"spec"`
}

// ProfileSpec is a profile's spec.
type ProfileSpec struct {
	Ingress       []RuleFile        `yaml:"ingress"`
	Egress        []RuleFile        `yaml:"egress"`
	LabelsToApply map[string]string `yaml:"labelsToApply"`
	// Types is not part of Calico's ProfileSpec, but policy-analysis test
	// inputs (IBM network-config-analyzer) carry it; a profile applies in
	// both directions whatever it says.
	Types NotModelled `yaml:"types"`
}

// CalicoNodeFile is a Calico Node: it overrides the scenario node of the
// same name.
type CalicoNodeFile struct {
	APIVersion string         `yaml:"apiVersion"`
	Kind       string         `yaml:"kind"`
	Metadata   ObjectMeta     `yaml:"metadata"`
	Spec       CalicoNodeSpec `yaml:"spec"`
	Status     NotModelled    `yaml:"status"`
}

// CalicoNodeSpec is a Calico Node's spec.
type CalicoNodeSpec struct {
	BGP                  *NodeBGPFile `yaml:"bgp"`
	IPv4VXLANTunnelAddr  NotModelled  `yaml:"ipv4VXLANTunnelAddr"`
	IPv6VXLANTunnelAddr  NotModelled  `yaml:"ipv6VXLANTunnelAddr"`
	VXLANTunnelMACAddr   NotModelled  `yaml:"vxlanTunnelMACAddr"`
	VXLANTunnelMACAddrV6 NotModelled  `yaml:"vxlanTunnelMACAddrV6"`
	OrchRefs             NotModelled  `yaml:"orchRefs"`
	Addresses            NotModelled  `yaml:"addresses"`
	Wireguard            NotModelled  `yaml:"wireguard"`
	InterfaceName        NotModelled  `yaml:"interfaceName"`
}

// NodeBGPFile is a Calico Node's spec.bgp.
type NodeBGPFile struct {
	ASNumber                *uint32     `yaml:"asNumber"`
	IPv4Address             string      `yaml:"ipv4Address"`
	IPv6Address             NotModelled `yaml:"ipv6Address"`
	IPv4IPIPTunnelAddr      NotModelled `yaml:"ipv4IPIPTunnelAddr"`
	RouteReflectorClusterID string      `yaml:"routeReflectorClusterID"`
	Pos                     Pos         `yaml:"-" json:"-"`
}
