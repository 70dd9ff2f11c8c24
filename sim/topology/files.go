package topology

// File types: the Scenario document exactly as written (DESIGN.md "The
// scenario file"). They mirror the YAML; load.go turns them into the model
// (scenario.go) once, resolving defaults. The JSON Schema of `calisim schema`
// is generated from them (schema.go).

// ScenarioFile is the first document of a scenario: apiVersion
// calisim/v1alpha1, kind Scenario.
type ScenarioFile struct {
	APIVersion string       `yaml:"apiVersion" jsonschema:"required,enum=calisim/v1alpha1"`
	Kind       string       `yaml:"kind" jsonschema:"required,enum=Scenario"`
	Metadata   ScenarioMeta `yaml:"metadata"`
	Spec       ScenarioSpec `yaml:"spec"`
	Pos        Pos          `yaml:"-" json:"-"`
}

// ScenarioMeta names and describes the scenario.
type ScenarioMeta struct {
	Name        string            `yaml:"name" jsonschema_description:"the scenario's name"`
	Description string            `yaml:"description" jsonschema_description:"what the scenario shows"`
	Labels      map[string]string `yaml:"labels"`
	Annotations NotModelled       `yaml:"annotations"`
}

// ScenarioSpec is the body of the scenario.
type ScenarioSpec struct {
	Include    []Scalar        `yaml:"include" jsonschema_description:"files or folders of Calico and Kubernetes resources, relative to this file and inside its folder"`
	Cloud      string          `yaml:"cloud" jsonschema:"enum=none,enum=aws,enum=azure,enum=gcp" jsonschema_description:"fabric presets: aws (srcDstCheck, MTU 9001), azure (ipip blocked, srcDstCheck, MTU 1500), gcp (srcDstCheck, MTU 1460, /32 node prefixes)"`
	Underlay   UnderlayFile    `yaml:"underlay"`
	Nodes      []NodeFile      `yaml:"nodes" jsonschema_description:"the Kubernetes nodes; a name may hold a range such as worker-{1..20} or w-{01..20}"`
	Calico     *CalicoFile     `yaml:"calico"`
	Namespaces []NamespaceFile `yaml:"namespaces"`
	Workloads  []WorkloadFile  `yaml:"workloads"`
	Externals  []ExternalFile  `yaml:"externals"`
	Flows      *[]FlowFile     `yaml:"flows" jsonschema_description:"the traffic to simulate; absent: a sample of every node pair and workload pair"`
	Failures   []FailureFile   `yaml:"failures" jsonschema_description:"BGP what-ifs in virtual time, e.g. {at: 10s, down: node/rr-1}"`
	Expect     *ExpectFile     `yaml:"expect"`
}

// UnderlayFile is the network the nodes stand on.
type UnderlayFile struct {
	MTU     *int         `yaml:"mtu" jsonschema_description:"default link MTU; absent: 1500 (or the cloud preset's)"`
	Subnets []SubnetFile `yaml:"subnets"`
	Routers []RouterFile `yaml:"routers"`
	Pos     Pos          `yaml:"-" json:"-"`
}

// SubnetFile is one L2 segment.
type SubnetFile struct {
	Name           string   `yaml:"name" jsonschema:"required"`
	CIDR           string   `yaml:"cidr" jsonschema:"required" jsonschema_description:"IPv4 prefix, e.g. 10.0.1.0/24"`
	MTU            *int     `yaml:"mtu"`
	SrcDstCheck    *bool    `yaml:"srcDstCheck" jsonschema_description:"a host may send only from, and receive only to, its own underlay address (AWS)"`
	BlockProtocols []Scalar `yaml:"blockProtocols" jsonschema_description:"protocols the fabric drops: ipip (IP protocol 4), vxlan (UDP 4789)"`
	BlockBGP       *bool    `yaml:"blockBGP" jsonschema_description:"the fabric drops TCP/179"`
	Pos            Pos      `yaml:"-" json:"-"`
}

// RouterFile forwards between subnets.
type RouterFile struct {
	Name           string            `yaml:"name" jsonschema:"required"`
	Interfaces     []InterfaceFile   `yaml:"interfaces"`
	ASNumber       *uint32           `yaml:"asNumber" jsonschema_description:"set: the router speaks BGP (a ToR)"`
	BlockProtocols []Scalar          `yaml:"blockProtocols"`
	BlockBGP       bool              `yaml:"blockBGP"`
	Default        bool              `yaml:"default" jsonschema_description:"the route to everything outside the cluster"`
	StaticRoutes   []StaticRouteFile `yaml:"staticRoutes" jsonschema_description:"pod blocks the router knows without BGP"`
	Pos            Pos               `yaml:"-" json:"-"`
}

// InterfaceFile attaches a router to a subnet.
type InterfaceFile struct {
	Subnet string `yaml:"subnet" jsonschema:"required"`
	IP     string `yaml:"ip" jsonschema_description:"absent: the first host address of the subnet"`
	MTU    *int   `yaml:"mtu"`
	Pos    Pos    `yaml:"-" json:"-"`
}

// StaticRouteFile is a route configured on a router by hand.
type StaticRouteFile struct {
	Dst string `yaml:"dst" jsonschema:"required"`
	Via string `yaml:"via" jsonschema:"required"`
	Pos Pos    `yaml:"-" json:"-"`
}

// NodeFile is one node, or a range of nodes.
type NodeFile struct {
	Name                    string            `yaml:"name" jsonschema:"required" jsonschema_description:"a name or a range: worker-{1..20}, w-{01..20}"`
	Subnet                  string            `yaml:"subnet" jsonschema_description:"absent with one subnet: that subnet"`
	IP                      string            `yaml:"ip" jsonschema_description:"absent: the lowest free host address of the subnet"`
	Labels                  map[string]string `yaml:"labels"`
	RouteReflectorClusterID string            `yaml:"routeReflectorClusterID" jsonschema_description:"set: the node is a route reflector"`
	ASNumber                *uint32           `yaml:"asNumber"`
	Pos                     Pos               `yaml:"-" json:"-"`
}

// CalicoFile is the cluster-wide Calico install.
type CalicoFile struct {
	Backend   string     `yaml:"backend" jsonschema:"enum=bird,enum=vxlan,enum=none"`
	Typha     *TyphaFile `yaml:"typha"`
	Datastore string     `yaml:"datastore" jsonschema:"enum=kubernetes,enum=etcd"`
	Pos       Pos        `yaml:"-" json:"-"`
}

// TyphaFile turns Typha on.
type TyphaFile struct {
	Replicas *int `yaml:"replicas" jsonschema_description:"absent: 1"`
	Pos      Pos  `yaml:"-" json:"-"`
}

// NamespaceFile is a namespace with its labels.
type NamespaceFile struct {
	Name   string            `yaml:"name" jsonschema:"required"`
	Labels map[string]string `yaml:"labels"`
	Pos    Pos               `yaml:"-" json:"-"`
}

// WorkloadFile is a group of pods.
type WorkloadFile struct {
	Name           string              `yaml:"name" jsonschema:"required"`
	Namespace      string              `yaml:"namespace" jsonschema_description:"absent: default"`
	Labels         map[string]string   `yaml:"labels"`
	Replicas       *int                `yaml:"replicas" jsonschema_description:"pods NAME-0..NAME-(replicas-1); absent: 1"`
	NodeSelector   Scalar              `yaml:"nodeSelector" jsonschema_description:"Calico selector over node labels; pods spread round-robin over matching nodes"`
	NodeName       string              `yaml:"nodeName" jsonschema_description:"pin every pod to this node"`
	ServiceAccount string              `yaml:"serviceAccount"`
	Ports          []ContainerPortFile `yaml:"ports"`
	HostNetwork    bool                `yaml:"hostNetwork"`
	Pos            Pos                 `yaml:"-" json:"-"`
}

// ExternalFile is an address outside the cluster.
type ExternalFile struct {
	Name string `yaml:"name" jsonschema:"required"`
	IP   string `yaml:"ip" jsonschema:"required"`
	Pos  Pos    `yaml:"-" json:"-"`
}

// FlowFile is traffic between two endpoint references.
type FlowFile struct {
	From string `yaml:"from" jsonschema:"required" jsonschema_description:"ns/workload, ns/pod, node/NAME, router/NAME, external/NAME or an IP address"`
	To   string `yaml:"to" jsonschema:"required"`
	Port string `yaml:"port" jsonschema_description:"tcp/N, udp/N, sctp/N or icmp; default tcp/80"`
	Size *int   `yaml:"size" jsonschema_description:"payload bytes, DF set; default 64"`
	Pos  Pos    `yaml:"-" json:"-"`
}

// FailureFile is one event: exactly one of down, up, blockBGP.
type FailureFile struct {
	At       string `yaml:"at" jsonschema:"required" jsonschema_description:"virtual time, e.g. 10s"`
	Down     string `yaml:"down" jsonschema_description:"node/NAME, router/NAME, subnet/NAME or session/A~B"`
	Up       string `yaml:"up"`
	BlockBGP string `yaml:"blockBGP" jsonschema_description:"subnet/NAME or router/NAME"`
	Pos      Pos    `yaml:"-" json:"-"`
}

// ExpectFile holds the expectations.
type ExpectFile struct {
	Flows    []FlowExpectFile    `yaml:"flows"`
	Nodes    []NodeExpectFile    `yaml:"nodes"`
	BGP      *BGPExpectFile      `yaml:"bgp"`
	IPAM     *IPAMExpectFile     `yaml:"ipam"`
	Findings *FindingsExpectFile `yaml:"findings"`
	Pos      Pos                 `yaml:"-" json:"-"`
}

// FlowExpectFile asserts over every pair two references name.
type FlowExpectFile struct {
	From          string `yaml:"from" jsonschema:"required"`
	To            string `yaml:"to" jsonschema:"required"`
	Port          string `yaml:"port"`
	Size          *int   `yaml:"size"`
	Delivered     *bool  `yaml:"delivered"`
	Encapsulation string `yaml:"encapsulation" jsonschema:"enum=none,enum=ipip,enum=vxlan,enum=wireguard"`
	DropReason    string `yaml:"dropReason" jsonschema:"enum=no-route,enum=src-dst-check,enum=protocol-blocked,enum=mtu-exceeded,enum=policy-denied,enum=bgp-down,enum=ttl-exceeded"`
	DropAt        string `yaml:"dropAt"`
	Policy        string `yaml:"policy" jsonschema:"enum=allow,enum=deny"`
	DecidedBy     string `yaml:"decidedBy"`
	PathMTU       *int   `yaml:"pathMTU"`
	Pos           Pos    `yaml:"-" json:"-"`
}

// NodeExpectFile asserts over one node or every node a selector matches.
type NodeExpectFile struct {
	Name         string   `yaml:"name"`
	Selector     Scalar   `yaml:"selector"`
	PodMTU       *int     `yaml:"podMTU"`
	BGPPeers     *int     `yaml:"bgpPeers"`
	Routes       []string `yaml:"routes"`
	AbsentRoutes []string `yaml:"absentRoutes"`
	Pos          Pos      `yaml:"-" json:"-"`
}

// BGPExpectFile asserts over the BGP layout.
type BGPExpectFile struct {
	Topology        string `yaml:"topology" jsonschema:"enum=full-mesh,enum=route-reflector,enum=tor,enum=mixed,enum=none"`
	Sessions        *int   `yaml:"sessions"`
	MaxPeersPerNode *int   `yaml:"maxPeersPerNode"`
	Converged       *bool  `yaml:"converged"`
	ConvergedWithin string `yaml:"convergedWithin" jsonschema_description:"virtual time, e.g. 5s"`
	Pos             Pos    `yaml:"-" json:"-"`
}

// IPAMExpectFile asserts over block allocation.
type IPAMExpectFile struct {
	BlocksPerNode *int   `yaml:"blocksPerNode"`
	PodCapacity   *int64 `yaml:"podCapacity"`
	Pos           Pos    `yaml:"-" json:"-"`
}

// FindingsExpectFile lists finding codes that must and must not be reported.
type FindingsExpectFile struct {
	Present []string `yaml:"present"`
	Absent  []string `yaml:"absent"`
	Pos     Pos      `yaml:"-" json:"-"`
}
