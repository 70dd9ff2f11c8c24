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
	OwnerReferences            []OwnerReference  `yaml:"ownerReferences"`
	Finalizers                 NotModelled       `yaml:"finalizers"`
	Pos                        Pos               `yaml:"-" json:"-"`
}

// OwnerReference is one of metadata.ownerReferences. A bare Pod's first
// owner names its workload, as netpol-analyzer and kubectl show it
// (`ns/name[ReplicaSet]`); elsewhere owners are read and not used.
type OwnerReference struct {
	APIVersion         string      `yaml:"apiVersion"`
	Kind               string      `yaml:"kind"`
	Name               string      `yaml:"name"`
	UID                NotModelled `yaml:"uid"`
	Controller         NotModelled `yaml:"controller"`
	BlockOwnerDeletion NotModelled `yaml:"blockOwnerDeletion"`
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
	IPIP             Raw         `yaml:"ipip"`         // Calico v1; v3 refuses it (mustBeNil)
	NATOutgoingV1    Raw         `yaml:"nat-outgoing"` // Calico v1; v3 refuses it (mustBeFalse)
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

// FelixSpec is a FelixConfiguration's spec: the MTU and tunnel settings are
// read; Felix's other settings (Calico v3.28-v3.30) are accepted as not
// modelled.
type FelixSpec struct {
	IPIPEnabled  *bool `yaml:"ipipEnabled"`
	IPIPMTU      *int  `yaml:"ipipMTU"`
	VXLANEnabled *bool `yaml:"vxlanEnabled"`
	VXLANMTU     *int  `yaml:"vxlanMTU"`
	WireguardMTU *int  `yaml:"wireguardMTU"`

	UseInternalDataplaneDriver         NotModelled `yaml:"useInternalDataplaneDriver"`
	DataplaneDriver                    NotModelled `yaml:"dataplaneDriver"`
	DataplaneWatchdogTimeout           NotModelled `yaml:"dataplaneWatchdogTimeout"`
	Ipv6Support                        NotModelled `yaml:"ipv6Support"`
	RouteRefreshInterval               NotModelled `yaml:"routeRefreshInterval"`
	InterfaceRefreshInterval           NotModelled `yaml:"interfaceRefreshInterval"`
	IptablesRefreshInterval            NotModelled `yaml:"iptablesRefreshInterval"`
	IptablesPostWriteCheckInterval     NotModelled `yaml:"iptablesPostWriteCheckInterval"`
	IptablesLockFilePath               NotModelled `yaml:"iptablesLockFilePath"`
	IptablesLockTimeout                NotModelled `yaml:"iptablesLockTimeout"`
	IptablesLockProbeInterval          NotModelled `yaml:"iptablesLockProbeInterval"`
	FeatureDetectOverride              NotModelled `yaml:"featureDetectOverride"`
	FeatureGates                       NotModelled `yaml:"featureGates"`
	IpsetsRefreshInterval              NotModelled `yaml:"ipsetsRefreshInterval"`
	MaxIpsetSize                       NotModelled `yaml:"maxIpsetSize"`
	IptablesBackend                    NotModelled `yaml:"iptablesBackend"`
	XdpRefreshInterval                 NotModelled `yaml:"xdpRefreshInterval"`
	NetlinkTimeout                     NotModelled `yaml:"netlinkTimeout"`
	MetadataAddr                       NotModelled `yaml:"metadataAddr"`
	MetadataPort                       NotModelled `yaml:"metadataPort"`
	OpenstackRegion                    NotModelled `yaml:"openstackRegion"`
	InterfacePrefix                    NotModelled `yaml:"interfacePrefix"`
	InterfaceExclude                   NotModelled `yaml:"interfaceExclude"`
	ChainInsertMode                    NotModelled `yaml:"chainInsertMode"`
	DefaultEndpointToHostAction        NotModelled `yaml:"defaultEndpointToHostAction"`
	IptablesFilterAllowAction          NotModelled `yaml:"iptablesFilterAllowAction"`
	IptablesMangleAllowAction          NotModelled `yaml:"iptablesMangleAllowAction"`
	IptablesFilterDenyAction           NotModelled `yaml:"iptablesFilterDenyAction"`
	LogPrefix                          NotModelled `yaml:"logPrefix"`
	LogFilePath                        NotModelled `yaml:"logFilePath"`
	LogSeverityFile                    NotModelled `yaml:"logSeverityFile"`
	LogSeverityScreen                  NotModelled `yaml:"logSeverityScreen"`
	LogSeveritySys                     NotModelled `yaml:"logSeveritySys"`
	LogDebugFilenameRegex              NotModelled `yaml:"logDebugFilenameRegex"`
	VxlanMTUV6                         NotModelled `yaml:"vxlanMTUV6"`
	VxlanPort                          NotModelled `yaml:"vxlanPort"`
	VxlanVNI                           NotModelled `yaml:"vxlanVNI"`
	AllowVXLANPacketsFromWorkloads     NotModelled `yaml:"allowVXLANPacketsFromWorkloads"`
	AllowIPIPPacketsFromWorkloads      NotModelled `yaml:"allowIPIPPacketsFromWorkloads"`
	AwsSrcDstCheck                     NotModelled `yaml:"awsSrcDstCheck"`
	ReportingInterval                  NotModelled `yaml:"reportingInterval"`
	ReportingTTL                       NotModelled `yaml:"reportingTTL"`
	EndpointReportingEnabled           NotModelled `yaml:"endpointReportingEnabled"`
	EndpointReportingDelay             NotModelled `yaml:"endpointReportingDelay"`
	EndpointStatusPathPrefix           NotModelled `yaml:"endpointStatusPathPrefix"`
	IptablesMarkMask                   NotModelled `yaml:"iptablesMarkMask"`
	DisableConntrackInvalidCheck       NotModelled `yaml:"disableConntrackInvalidCheck"`
	HealthEnabled                      NotModelled `yaml:"healthEnabled"`
	HealthHost                         NotModelled `yaml:"healthHost"`
	HealthPort                         NotModelled `yaml:"healthPort"`
	HealthTimeoutOverrides             NotModelled `yaml:"healthTimeoutOverrides"`
	PrometheusMetricsEnabled           NotModelled `yaml:"prometheusMetricsEnabled"`
	PrometheusMetricsHost              NotModelled `yaml:"prometheusMetricsHost"`
	PrometheusMetricsPort              NotModelled `yaml:"prometheusMetricsPort"`
	PrometheusGoMetricsEnabled         NotModelled `yaml:"prometheusGoMetricsEnabled"`
	PrometheusProcessMetricsEnabled    NotModelled `yaml:"prometheusProcessMetricsEnabled"`
	PrometheusWireGuardMetricsEnabled  NotModelled `yaml:"prometheusWireGuardMetricsEnabled"`
	FailsafeInboundHostPorts           NotModelled `yaml:"failsafeInboundHostPorts"`
	FailsafeOutboundHostPorts          NotModelled `yaml:"failsafeOutboundHostPorts"`
	KubeNodePortRanges                 NotModelled `yaml:"kubeNodePortRanges"`
	PolicySyncPathPrefix               NotModelled `yaml:"policySyncPathPrefix"`
	UsageReportingEnabled              NotModelled `yaml:"usageReportingEnabled"`
	UsageReportingInitialDelay         NotModelled `yaml:"usageReportingInitialDelay"`
	UsageReportingInterval             NotModelled `yaml:"usageReportingInterval"`
	NatPortRange                       NotModelled `yaml:"natPortRange"`
	NatOutgoingAddress                 NotModelled `yaml:"natOutgoingAddress"`
	DeviceRouteSourceAddress           NotModelled `yaml:"deviceRouteSourceAddress"`
	DeviceRouteSourceAddressIPv6       NotModelled `yaml:"deviceRouteSourceAddressIPv6"`
	DeviceRouteProtocol                NotModelled `yaml:"deviceRouteProtocol"`
	RemoveExternalRoutes               NotModelled `yaml:"removeExternalRoutes"`
	ExternalNodesList                  NotModelled `yaml:"externalNodesList"`
	DebugMemoryProfilePath             NotModelled `yaml:"debugMemoryProfilePath"`
	DebugDisableLogDropping            NotModelled `yaml:"debugDisableLogDropping"`
	DebugSimulateCalcGraphHangAfter    NotModelled `yaml:"debugSimulateCalcGraphHangAfter"`
	DebugSimulateDataplaneHangAfter    NotModelled `yaml:"debugSimulateDataplaneHangAfter"`
	DebugHost                          NotModelled `yaml:"debugHost"`
	DebugPort                          NotModelled `yaml:"debugPort"`
	SidecarAccelerationEnabled         NotModelled `yaml:"sidecarAccelerationEnabled"`
	XdpEnabled                         NotModelled `yaml:"xdpEnabled"`
	GenericXDPEnabled                  NotModelled `yaml:"genericXDPEnabled"`
	BpfEnabled                         NotModelled `yaml:"bpfEnabled"`
	BpfDisableUnprivileged             NotModelled `yaml:"bpfDisableUnprivileged"`
	BpfLogLevel                        NotModelled `yaml:"bpfLogLevel"`
	BpfLogFilters                      NotModelled `yaml:"bpfLogFilters"`
	BpfCTLBLogFilter                   NotModelled `yaml:"bpfCTLBLogFilter"`
	BpfDataIfacePattern                NotModelled `yaml:"bpfDataIfacePattern"`
	BpfL3IfacePattern                  NotModelled `yaml:"bpfL3IfacePattern"`
	BpfConnectTimeLoadBalancingEnabled NotModelled `yaml:"bpfConnectTimeLoadBalancingEnabled"`
	BpfConnectTimeLoadBalancing        NotModelled `yaml:"bpfConnectTimeLoadBalancing"`
	BpfHostNetworkedNATWithoutCTLB     NotModelled `yaml:"bpfHostNetworkedNATWithoutCTLB"`
	BpfExternalServiceMode             NotModelled `yaml:"bpfExternalServiceMode"`
	BpfDSROptoutCIDRs                  NotModelled `yaml:"bpfDSROptoutCIDRs"`
	BpfExtToServiceConnmark            NotModelled `yaml:"bpfExtToServiceConnmark"`
	BpfKubeProxyIptablesCleanupEnabled NotModelled `yaml:"bpfKubeProxyIptablesCleanupEnabled"`
	BpfKubeProxyMinSyncPeriod          NotModelled `yaml:"bpfKubeProxyMinSyncPeriod"`
	BpfKubeProxyEndpointSlicesEnabled  NotModelled `yaml:"bpfKubeProxyEndpointSlicesEnabled"`
	BpfPSNATPorts                      NotModelled `yaml:"bpfPSNATPorts"`
	BpfMapSizeNATFrontend              NotModelled `yaml:"bpfMapSizeNATFrontend"`
	BpfMapSizeNATBackend               NotModelled `yaml:"bpfMapSizeNATBackend"`
	BpfMapSizeNATAffinity              NotModelled `yaml:"bpfMapSizeNATAffinity"`
	BpfMapSizeRoute                    NotModelled `yaml:"bpfMapSizeRoute"`
	BpfMapSizeConntrack                NotModelled `yaml:"bpfMapSizeConntrack"`
	BpfMapSizeIPSets                   NotModelled `yaml:"bpfMapSizeIPSets"`
	BpfMapSizeIfState                  NotModelled `yaml:"bpfMapSizeIfState"`
	BpfHostConntrackBypass             NotModelled `yaml:"bpfHostConntrackBypass"`
	BpfEnforceRPF                      NotModelled `yaml:"bpfEnforceRPF"`
	BpfPolicyDebugEnabled              NotModelled `yaml:"bpfPolicyDebugEnabled"`
	BpfForceTrackPacketsFromIfaces     NotModelled `yaml:"bpfForceTrackPacketsFromIfaces"`
	BpfDisableGROForIfaces             NotModelled `yaml:"bpfDisableGROForIfaces"`
	BpfExcludeCIDRsFromNAT             NotModelled `yaml:"bpfExcludeCIDRsFromNAT"`
	BpfRedirectToPeer                  NotModelled `yaml:"bpfRedirectToPeer"`
	BpfAttachType                      NotModelled `yaml:"bpfAttachType"`
	BpfProfiling                       NotModelled `yaml:"bpfProfiling"`
	BpfConntrackCleanupMode            NotModelled `yaml:"bpfConntrackCleanupMode"`
	BpfConntrackLogLevel               NotModelled `yaml:"bpfConntrackLogLevel"`
	BpfConntrackTimeouts               NotModelled `yaml:"bpfConntrackTimeouts"`
	BpfJITHardening                    NotModelled `yaml:"bpfJITHardening"`
	BpfMaglevMaxEndpointsPerService    NotModelled `yaml:"bpfMaglevMaxEndpointsPerService"`
	BpfMaglevMaxServices               NotModelled `yaml:"bpfMaglevMaxServices"`
	RouteSource                        NotModelled `yaml:"routeSource"`
	RouteTableRange                    NotModelled `yaml:"routeTableRange"`
	RouteTableRanges                   NotModelled `yaml:"routeTableRanges"`
	RouteSyncDisabled                  NotModelled `yaml:"routeSyncDisabled"`
	ServiceLoopPrevention              NotModelled `yaml:"serviceLoopPrevention"`
	WorkloadSourceSpoofing             NotModelled `yaml:"workloadSourceSpoofing"`
	MtuIfacePattern                    NotModelled `yaml:"mtuIfacePattern"`
	FloatingIPs                        NotModelled `yaml:"floatingIPs"`
	WindowsManageFirewallRules         NotModelled `yaml:"windowsManageFirewallRules"`
	WireguardEnabled                   NotModelled `yaml:"wireguardEnabled"`
	WireguardEnabledV6                 NotModelled `yaml:"wireguardEnabledV6"`
	WireguardListeningPort             NotModelled `yaml:"wireguardListeningPort"`
	WireguardListeningPortV6           NotModelled `yaml:"wireguardListeningPortV6"`
	WireguardRoutingRulePriority       NotModelled `yaml:"wireguardRoutingRulePriority"`
	WireguardInterfaceName             NotModelled `yaml:"wireguardInterfaceName"`
	WireguardInterfaceNameV6           NotModelled `yaml:"wireguardInterfaceNameV6"`
	WireguardMTUV6                     NotModelled `yaml:"wireguardMTUV6"`
	WireguardHostEncryptionEnabled     NotModelled `yaml:"wireguardHostEncryptionEnabled"`
	WireguardPersistentKeepAlive       NotModelled `yaml:"wireguardPersistentKeepAlive"`
	WireguardThreadingEnabled          NotModelled `yaml:"wireguardThreadingEnabled"`
	IpForwarding                       NotModelled `yaml:"ipForwarding"`
	GoGCThreshold                      NotModelled `yaml:"goGCThreshold"`
	GoMemoryLimitMB                    NotModelled `yaml:"goMemoryLimitMB"`
	GoMaxProcs                         NotModelled `yaml:"goMaxProcs"`
	NftablesMode                       NotModelled `yaml:"nftablesMode"`
	NftablesRefreshInterval            NotModelled `yaml:"nftablesRefreshInterval"`
	NftablesFilterAllowAction          NotModelled `yaml:"nftablesFilterAllowAction"`
	NftablesMangleAllowAction          NotModelled `yaml:"nftablesMangleAllowAction"`
	NftablesFilterDenyAction           NotModelled `yaml:"nftablesFilterDenyAction"`
	NftablesMarkMask                   NotModelled `yaml:"nftablesMarkMask"`
	FlowLogsFlushInterval              NotModelled `yaml:"flowLogsFlushInterval"`
	FlowLogsEnableHostEndpoint         NotModelled `yaml:"flowLogsEnableHostEndpoint"`
	FlowLogsEnableNetworkSets          NotModelled `yaml:"flowLogsEnableNetworkSets"`
	FlowLogsMaxOriginalIPsIncluded     NotModelled `yaml:"flowLogsMaxOriginalIPsIncluded"`
	FlowLogsCollectorDebugTrace        NotModelled `yaml:"flowLogsCollectorDebugTrace"`
	FlowLogsGoldmaneServer             NotModelled `yaml:"flowLogsGoldmaneServer"`
	FlowLogsLocalReporter              NotModelled `yaml:"flowLogsLocalReporter"`
	FlowLogsPolicyEvaluationMode       NotModelled `yaml:"flowLogsPolicyEvaluationMode"`
	FlowLogsFileEnabled                NotModelled `yaml:"flowLogsFileEnabled"`
	CgroupV2Path                       NotModelled `yaml:"cgroupV2Path"`
	RequireMTUFile                     NotModelled `yaml:"requireMTUFile"`
	ProgramClusterRoutes               NotModelled `yaml:"programClusterRoutes"`
	IptablesNATOutgoingInterfaceFilter NotModelled `yaml:"iptablesNATOutgoingInterfaceFilter"`
	VxlanTunnelMACAddr                 NotModelled `yaml:"vxlanTunnelMACAddr"`
	IpipTunnelAddress                  NotModelled `yaml:"ipipTunnelAddress"`
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
	Order         *float64 `yaml:"order"`
	DefaultAction string   `yaml:"defaultAction" jsonschema:"enum=Deny,enum=Pass"`
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
