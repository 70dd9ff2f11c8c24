package topology

// Bounds on the input. Anything beyond them is refused with a FieldError
// before it can cost much time or memory (DESIGN.md "BGP engines, scale and
// bounds").
const (
	// MaxNodes is the most nodes a scenario may have after range expansion.
	MaxNodes = 100_000
	// MaxFileSize is the largest file read; larger files are refused after a
	// stat, before they are read.
	MaxFileSize = 16 << 20
	// MaxDocumentSize is the largest single YAML document: the YAML parser
	// needs some hundred bytes of memory per byte of a document, so this
	// bounds a load's memory to about half a gigabyte.
	MaxDocumentSize = 4 << 20
	// MaxDocuments is the most YAML documents across every file of a load.
	MaxDocuments = 10_000
	// MaxFiles is the most files one load reads (folders and includes).
	MaxFiles = 10_000
	// MaxAliasNodes is the most nodes alias expansion may add to one document
	// (an alias "bomb" nests aliases to grow exponentially).
	MaxAliasNodes = 10_000
	// MaxDepth is the deepest nesting of mappings and sequences accepted.
	MaxDepth = 100
	// maxFlowDepth bounds brackets before the YAML parser sees them: the
	// parser's time grows with the square of flow nesting.
	maxFlowDepth = 256
	// maxIndent bounds the leading spaces and compact "- " markers of a line
	// before the YAML parser sees it.
	maxIndent = 2048
	// MaxReplicas bounds one workload's replicas (pods are materialised).
	MaxReplicas = 100_000
	// MaxPods bounds the pods of a scenario.
	MaxPods = 1_000_000

	// MinMTU is the smallest MTU accepted. IPv4 allows 68, but a pod needs
	// room for its own headers plus IPIP/VXLAN overhead, and 576 is the
	// smallest datagram every IPv4 host must accept (RFC 791).
	MinMTU = 576
	// MaxMTU is the largest MTU accepted (the IPv4 total length field).
	MaxMTU = 65535
)
