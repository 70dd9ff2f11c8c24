package sim

// Finding codes. Each comes from a rule in the reference architecture; a
// released code never changes meaning.
const (
	CodeMeshTooLarge           = "MESH_TOO_LARGE"
	CodeRRSingle               = "RR_SINGLE"
	CodeRRSubnetMissing        = "RR_SUBNET_MISSING"
	CodeTyphaMissing           = "TYPHA_MISSING"
	CodeTyphaReplicas          = "TYPHA_REPLICAS"
	CodeEtcdDatastore          = "ETCD_DATASTORE"
	CodeEncapUnneeded          = "ENCAP_UNNEEDED"
	CodeCrossSubnetRecommended = "CROSSSUBNET_RECOMMENDED"
	CodeNativeUnroutable       = "NATIVE_UNROUTABLE"
	CodeSrcDstCheck            = "SRC_DST_CHECK"
	CodeIPIPBlocked            = "IPIP_BLOCKED"
	CodeVXLANBlocked           = "VXLAN_BLOCKED"
	CodeBGPBlocked             = "BGP_BLOCKED"
	CodeMTUMismatch            = "MTU_MISMATCH"
	CodePoolExhausted          = "POOL_EXHAUSTED"
	CodePoolOverlap            = "POOL_OVERLAP"
)

// Codes lists every finding code calisim can report, sorted.
func Codes() []string {
	return []string{
		CodeBGPBlocked, CodeCrossSubnetRecommended, CodeEncapUnneeded, CodeEtcdDatastore,
		CodeIPIPBlocked, CodeMTUMismatch, CodeMeshTooLarge, CodeNativeUnroutable,
		CodePoolExhausted, CodePoolOverlap, CodeRRSingle, CodeRRSubnetMissing,
		CodeSrcDstCheck, CodeTyphaMissing, CodeTyphaReplicas, CodeVXLANBlocked,
	}
}

// meshAdviceNodes is where the reference architecture draws the line for the
// node-to-node mesh and for Typha: "clusters exceeding 50 nodes".
const meshAdviceNodes = 50
