package sim

// Result is the summary of one simulated scenario. Its JSON tags are the
// contract of `calisim run -o json`; printers show what is here and compute
// nothing.
type Result struct {
	Scenario ScenarioInfo `json:"scenario"`
	Nodes    []NodeResult `json:"nodes"`
	BGP      BGPResult    `json:"bgp"`
	IPAM     IPAMResult   `json:"ipam"`
	Paths    []Path       `json:"paths"`
	Policy   PolicyResult `json:"policy"`
	Findings []Finding    `json:"findings"`
	Warnings []string     `json:"warnings,omitempty"`
}

// ScenarioInfo names the scenario.
type ScenarioInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	File        string `json:"file,omitempty"`
	Cloud       string `json:"cloud"`
	Engine      string `json:"engine"`
	Seed        uint64 `json:"seed"`
}

// NodeResult is one node as the dataplane and BGP left it.
type NodeResult struct {
	Name      string   `json:"name"`
	IP        string   `json:"ip"`
	Subnet    string   `json:"subnet"`
	Blocks    []string `json:"blocks"`
	Tunnel    string   `json:"tunnel,omitempty"` // tunnel address and device, e.g. "10.244.0.0 tunl0"
	HostMTU   int      `json:"hostMTU"`
	PodMTU    int      `json:"podMTU"`
	Peers     int      `json:"peers"` // established BGP sessions
	Reflector bool     `json:"reflector,omitempty"`
	Routes    int      `json:"routes,omitempty"` // lines in its route table (clusters up to 1,000 nodes)
}

// BGPResult is the BGP layout after everything settled.
type BGPResult struct {
	Topology          string  `json:"topology"`
	Sessions          int     `json:"sessions"`   // established, each counted once
	Configured        int     `json:"configured"` // sessions on paper
	MaxPeersPerNode   int     `json:"maxPeersPerNode"`
	Converged         bool    `json:"converged"`
	ConvergenceMillis int64   `json:"convergenceMillis"`
	Updates           int64   `json:"updates"`
	Timeline          []Event `json:"timeline,omitempty"`
	// Peerings lists every configured session; large meshes make it huge, so
	// it is for Go callers (diagrams, views) and not in the JSON.
	Peerings []Peering `json:"-"`
}

// Peering is one configured BGP session.
type Peering struct {
	A, B        string // "node/x" or "router/x"
	AAddr       string
	BAddr       string
	Kind        string // mesh, rr-client, peer, router
	EBGP        bool
	Established bool
	State       string
	Reason      string // why it is not established
}

// Event is one state change in virtual time.
type Event struct {
	AtMillis int64  `json:"atMillis"`
	What     string `json:"what"`
	Detail   string `json:"detail,omitempty"`
}

// IPAMResult sums up block allocation.
type IPAMResult struct {
	Pools         []PoolResult `json:"pools"`
	BlocksPerNode int          `json:"blocksPerNode"`
	PodCapacity   int64        `json:"podCapacity"`
	PodsAddressed int          `json:"podsAddressed"`
	PodsWithoutIP int          `json:"podsWithoutIP"`
}

// PoolResult is one IPPool and its use.
type PoolResult struct {
	Name        string `json:"name"`
	CIDR        string `json:"cidr"`
	BlockSize   int    `json:"blockSize"`
	Encap       string `json:"encapsulation"` // none, ipip, vxlan
	Mode        string `json:"mode"`          // Always, CrossSubnet, Never
	NATOutgoing bool   `json:"natOutgoing"`
	BlocksUsed  int64  `json:"blocksUsed"`
	BlocksTotal uint64 `json:"blocksTotal"`
}

// Path is one simulated flow between two concrete endpoints.
type Path struct {
	From          string      `json:"from"` // ns/pod, node/NAME, router/NAME, external/NAME
	To            string      `json:"to"`
	Port          string      `json:"port"`
	Size          int         `json:"size"`
	Delivered     bool        `json:"delivered"`
	Encapsulation string      `json:"encapsulation"`
	OverheadBytes int         `json:"overheadBytes"`
	PathMTU       int         `json:"pathMTU"`
	Drop          *Drop       `json:"drop,omitempty"`
	Policy        *PathPolicy `json:"policy,omitempty"`
	Hops          []Hop       `json:"hops"`
}

// Drop says where and why a packet died.
type Drop struct {
	At     string `json:"at"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// PathPolicy is the policy verdict of a path.
type PathPolicy struct {
	Verdict   string `json:"verdict"` // allow|deny
	DecidedBy string `json:"decidedBy"`
}

// Hop is one step of a packet's walk.
type Hop struct {
	At     string `json:"at"`
	Dev    string `json:"dev,omitempty"`
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
	Bytes  int    `json:"bytes,omitempty"` // IP packet length on this wire
}

// PolicyResult is the policy verdict of every simulated path, with the
// policy (or profile, or implicit-deny) that decided it.
type PolicyResult struct {
	Policies int             `json:"policies"`
	Allowed  int             `json:"allowed"`
	Denied   int             `json:"denied"`
	Verdicts []PolicyVerdict `json:"verdicts"`
}

// Severity of a finding.
type Severity string

const (
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Finding is one piece of advice from the reference architecture.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Subjects []string `json:"subjects,omitempty"`
}
