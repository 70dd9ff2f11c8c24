package topology

// Kubernetes resources as `kubectl get -o yaml` prints them, and the
// operator's Installation. Only the fields calisim reads are typed; the rest
// of the real API is NotModelled, and containers are lenient.

// KubeNetworkPolicyFile is a networking.k8s.io/v1 NetworkPolicy.
type KubeNetworkPolicyFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       KNPSpec     `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// KNPSpec is a Kubernetes NetworkPolicy's spec.
type KNPSpec struct {
	PodSelector LabelSelectorFile `yaml:"podSelector"`
	PolicyTypes []string          `yaml:"policyTypes"`
	Ingress     *[]KNPRuleFile    `yaml:"ingress"`
	Egress      *[]KNPRuleFile    `yaml:"egress"`
}

// KNPRuleFile is an ingress rule (from) or an egress rule (to).
type KNPRuleFile struct {
	From  []KNPPeerFile `yaml:"from"`
	To    []KNPPeerFile `yaml:"to"`
	Ports []KNPPortFile `yaml:"ports"`
	Pos   Pos           `yaml:"-" json:"-"`
}

// KNPPeerFile is one peer of a rule.
type KNPPeerFile struct {
	PodSelector       *LabelSelectorFile `yaml:"podSelector"`
	NamespaceSelector *LabelSelectorFile `yaml:"namespaceSelector"`
	IPBlock           *IPBlockFile       `yaml:"ipBlock"`
	Pos               Pos                `yaml:"-" json:"-"`
}

// IPBlockFile is a CIDR with exceptions.
type IPBlockFile struct {
	CIDR   string   `yaml:"cidr"`
	Except []string `yaml:"except"`
	Pos    Pos      `yaml:"-" json:"-"`
}

// KNPPortFile is a NetworkPolicyPort.
type KNPPortFile struct {
	Protocol string `yaml:"protocol"`
	Port     Raw    `yaml:"port"`
	EndPort  *int   `yaml:"endPort"`
	Pos      Pos    `yaml:"-" json:"-"`
}

// LabelSelectorFile is a Kubernetes label selector.
type LabelSelectorFile struct {
	MatchLabels      map[string]string      `yaml:"matchLabels"`
	MatchExpressions []LabelRequirementFile `yaml:"matchExpressions"`
	Pos              Pos                    `yaml:"-" json:"-"`
}

// LabelRequirementFile is one matchExpressions entry.
type LabelRequirementFile struct {
	Key      string   `yaml:"key"`
	Operator string   `yaml:"operator"`
	Values   []string `yaml:"values"`
	Pos      Pos      `yaml:"-" json:"-"`
}

// NamespaceResourceFile is a v1 Namespace.
type NamespaceResourceFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       NotModelled `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// PodFile is a v1 Pod.
type PodFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   ObjectMeta  `yaml:"metadata"`
	Spec       PodSpecFile `yaml:"spec"`
	Status     NotModelled `yaml:"status"`
}

// PodTemplateFile is a workload's pod template.
type PodTemplateFile struct {
	Metadata ObjectMeta  `yaml:"metadata"`
	Spec     PodSpecFile `yaml:"spec"`
}

// PodSpecFile is a pod's spec: calisim reads the node placement, the service
// account, hostNetwork and the containers' ports.
type PodSpecFile struct {
	NodeName                      string            `yaml:"nodeName"`
	NodeSelector                  map[string]string `yaml:"nodeSelector"`
	ServiceAccountName            string            `yaml:"serviceAccountName"`
	ServiceAccount                string            `yaml:"serviceAccount"` // deprecated alias of serviceAccountName
	HostNetwork                   bool              `yaml:"hostNetwork"`
	Containers                    []ContainerFile   `yaml:"containers"`
	InitContainers                NotModelled       `yaml:"initContainers"`
	EphemeralContainers           NotModelled       `yaml:"ephemeralContainers"`
	Volumes                       NotModelled       `yaml:"volumes"`
	RestartPolicy                 NotModelled       `yaml:"restartPolicy"`
	TerminationGracePeriodSeconds NotModelled       `yaml:"terminationGracePeriodSeconds"`
	ActiveDeadlineSeconds         NotModelled       `yaml:"activeDeadlineSeconds"`
	DNSPolicy                     NotModelled       `yaml:"dnsPolicy"`
	DNSConfig                     NotModelled       `yaml:"dnsConfig"`
	SecurityContext               NotModelled       `yaml:"securityContext"`
	ImagePullSecrets              NotModelled       `yaml:"imagePullSecrets"`
	Hostname                      NotModelled       `yaml:"hostname"`
	Subdomain                     NotModelled       `yaml:"subdomain"`
	Affinity                      NotModelled       `yaml:"affinity"`
	SchedulerName                 NotModelled       `yaml:"schedulerName"`
	Tolerations                   NotModelled       `yaml:"tolerations"`
	HostAliases                   NotModelled       `yaml:"hostAliases"`
	PriorityClassName             NotModelled       `yaml:"priorityClassName"`
	Priority                      NotModelled       `yaml:"priority"`
	ReadinessGates                NotModelled       `yaml:"readinessGates"`
	RuntimeClassName              NotModelled       `yaml:"runtimeClassName"`
	EnableServiceLinks            NotModelled       `yaml:"enableServiceLinks"`
	PreemptionPolicy              NotModelled       `yaml:"preemptionPolicy"`
	Overhead                      NotModelled       `yaml:"overhead"`
	TopologySpreadConstraints     NotModelled       `yaml:"topologySpreadConstraints"`
	SetHostnameAsFQDN             NotModelled       `yaml:"setHostnameAsFQDN"`
	OS                            NotModelled       `yaml:"os"`
	HostUsers                     NotModelled       `yaml:"hostUsers"`
	HostPID                       NotModelled       `yaml:"hostPID"`
	HostIPC                       NotModelled       `yaml:"hostIPC"`
	ShareProcessNamespace         NotModelled       `yaml:"shareProcessNamespace"`
	AutomountServiceAccountToken  NotModelled       `yaml:"automountServiceAccountToken"`
	SchedulingGates               NotModelled       `yaml:"schedulingGates"`
	ResourceClaims                NotModelled       `yaml:"resourceClaims"`
	Resources                     NotModelled       `yaml:"resources"`
}

// ContainerFile is a container: calisim reads its ports; every other field
// of the real API is accepted (lenient).
type ContainerFile struct {
	Name     string              `yaml:"name"`
	Ports    []ContainerPortFile `yaml:"ports"`
	Lenient  Lenient             `yaml:"-" json:"-"`
	FoldCase FoldCase            `yaml:"-" json:"-"`
}

// ContainerPortFile is a named container port.
type ContainerPortFile struct {
	Name          string      `yaml:"name"`
	ContainerPort *int        `yaml:"containerPort" jsonschema:"required"`
	Protocol      string      `yaml:"protocol"`
	HostPort      NotModelled `yaml:"hostPort"`
	HostIP        NotModelled `yaml:"hostIP"`
	FoldCase      FoldCase    `yaml:"-" json:"-"`
	Pos           Pos         `yaml:"-" json:"-"`
}

// WorkloadResourceFile is an apps/v1 Deployment, ReplicaSet, StatefulSet or
// DaemonSet: one shape serves them all, the fields of the others being
// refused by kind in load.go.
type WorkloadResourceFile struct {
	APIVersion string           `yaml:"apiVersion"`
	Kind       string           `yaml:"kind"`
	Metadata   ObjectMeta       `yaml:"metadata"`
	Spec       WorkloadSpecFile `yaml:"spec"`
	Status     NotModelled      `yaml:"status"`
}

// WorkloadSpecFile is the union of the apps/v1 workload specs.
type WorkloadSpecFile struct {
	Replicas                             *int            `yaml:"replicas"`
	Selector                             NotModelled     `yaml:"selector"`
	Template                             PodTemplateFile `yaml:"template"`
	Strategy                             NotModelled     `yaml:"strategy"`
	UpdateStrategy                       NotModelled     `yaml:"updateStrategy"`
	MinReadySeconds                      NotModelled     `yaml:"minReadySeconds"`
	RevisionHistoryLimit                 NotModelled     `yaml:"revisionHistoryLimit"`
	ProgressDeadlineSeconds              NotModelled     `yaml:"progressDeadlineSeconds"`
	Paused                               NotModelled     `yaml:"paused"`
	ServiceName                          NotModelled     `yaml:"serviceName"`
	PodManagementPolicy                  NotModelled     `yaml:"podManagementPolicy"`
	VolumeClaimTemplates                 NotModelled     `yaml:"volumeClaimTemplates"`
	PersistentVolumeClaimRetentionPolicy NotModelled     `yaml:"persistentVolumeClaimRetentionPolicy"`
	Ordinals                             NotModelled     `yaml:"ordinals"`
}

// ConfigMapFile is a v1 ConfigMap (only calico-config is read).
type ConfigMapFile struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   ObjectMeta        `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	BinaryData NotModelled       `yaml:"binaryData"`
	Immutable  NotModelled       `yaml:"immutable"`
}

// ListFile is a v1 List or any *List kind.
type ListFile struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   NotModelled `yaml:"metadata"`
	Items      []Raw       `yaml:"items"`
}

// InstallationFile is the Tigera operator's Installation
// (operator.tigera.io/v1).
type InstallationFile struct {
	APIVersion string           `yaml:"apiVersion"`
	Kind       string           `yaml:"kind"`
	Metadata   ObjectMeta       `yaml:"metadata"`
	Spec       InstallationSpec `yaml:"spec"`
	Status     NotModelled      `yaml:"status"`
}

// InstallationSpec is an Installation's spec.
type InstallationSpec struct {
	CalicoNetwork                   *CalicoNetworkFile `yaml:"calicoNetwork"`
	Variant                         NotModelled        `yaml:"variant"`
	Registry                        NotModelled        `yaml:"registry"`
	ImagePath                       NotModelled        `yaml:"imagePath"`
	ImagePrefix                     NotModelled        `yaml:"imagePrefix"`
	ImagePullSecrets                NotModelled        `yaml:"imagePullSecrets"`
	KubernetesProvider              NotModelled        `yaml:"kubernetesProvider"`
	CNI                             NotModelled        `yaml:"cni"`
	ControlPlaneNodeSelector        NotModelled        `yaml:"controlPlaneNodeSelector"`
	ControlPlaneTolerations         NotModelled        `yaml:"controlPlaneTolerations"`
	ControlPlaneReplicas            NotModelled        `yaml:"controlPlaneReplicas"`
	NodeMetricsPort                 NotModelled        `yaml:"nodeMetricsPort"`
	TyphaMetricsPort                NotModelled        `yaml:"typhaMetricsPort"`
	FlexVolumePath                  NotModelled        `yaml:"flexVolumePath"`
	KubeletVolumePluginPath         NotModelled        `yaml:"kubeletVolumePluginPath"`
	NodeUpdateStrategy              NotModelled        `yaml:"nodeUpdateStrategy"`
	ComponentResources              NotModelled        `yaml:"componentResources"`
	CertificateManagement           NotModelled        `yaml:"certificateManagement"`
	NonPrivileged                   NotModelled        `yaml:"nonPrivileged"`
	TyphaAffinity                   NotModelled        `yaml:"typhaAffinity"`
	CalicoNodeDaemonSet             NotModelled        `yaml:"calicoNodeDaemonSet"`
	CalicoKubeControllersDeployment NotModelled        `yaml:"calicoKubeControllersDeployment"`
	TyphaDeployment                 NotModelled        `yaml:"typhaDeployment"`
	CalicoWindowsUpgradeDaemonSet   NotModelled        `yaml:"calicoWindowsUpgradeDaemonSet"`
	CSINodeDriverDaemonSet          NotModelled        `yaml:"csiNodeDriverDaemonSet"`
	FIPSMode                        NotModelled        `yaml:"fipsMode"`
	Logging                         NotModelled        `yaml:"logging"`
	WindowsNodes                    NotModelled        `yaml:"windowsNodes"`
	ServiceCIDRs                    NotModelled        `yaml:"serviceCIDRs"`
	Azure                           NotModelled        `yaml:"azure"`
	Proxy                           NotModelled        `yaml:"proxy"`
}

// CalicoNetworkFile is an Installation's spec.calicoNetwork.
type CalicoNetworkFile struct {
	BGP                            string              `yaml:"bgp"`
	MTU                            *int                `yaml:"mtu"`
	IPPools                        *[]OperatorPoolFile `yaml:"ipPools"`
	LinuxDataplane                 NotModelled         `yaml:"linuxDataplane"`
	WindowsDataplane               NotModelled         `yaml:"windowsDataplane"`
	BPFNetworkBootstrap            NotModelled         `yaml:"bpfNetworkBootstrap"`
	KubeProxyManagement            NotModelled         `yaml:"kubeProxyManagement"`
	NodeAddressAutodetectionV4     NotModelled         `yaml:"nodeAddressAutodetectionV4"`
	NodeAddressAutodetectionV6     NotModelled         `yaml:"nodeAddressAutodetectionV6"`
	HostPorts                      NotModelled         `yaml:"hostPorts"`
	MultiInterfaceMode             NotModelled         `yaml:"multiInterfaceMode"`
	ContainerIPForwarding          NotModelled         `yaml:"containerIPForwarding"`
	LinuxPolicySetupTimeoutSeconds NotModelled         `yaml:"linuxPolicySetupTimeoutSeconds"`
	Sysctl                         NotModelled         `yaml:"sysctl"`
	Pos                            Pos                 `yaml:"-" json:"-"`
}

// OperatorPoolFile is one of calicoNetwork.ipPools.
type OperatorPoolFile struct {
	Name                  string      `yaml:"name"`
	CIDR                  string      `yaml:"cidr"`
	BlockSize             *int        `yaml:"blockSize"`
	Encapsulation         string      `yaml:"encapsulation"`
	NATOutgoing           string      `yaml:"natOutgoing"`
	NodeSelector          Scalar      `yaml:"nodeSelector"`
	DisableBGPExport      *bool       `yaml:"disableBGPExport"`
	DisableNewAllocations NotModelled `yaml:"disableNewAllocations"`
	AllowedUses           NotModelled `yaml:"allowedUses"`
	AssignmentMode        NotModelled `yaml:"assignmentMode"`
	Pos                   Pos         `yaml:"-" json:"-"`
}
