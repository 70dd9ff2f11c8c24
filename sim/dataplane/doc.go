// Package dataplane computes what Felix and BIRD program on each node: the
// route table in the form `ip route` prints it, the tunnel devices (tunl0,
// vxlan.calico) and the pod veths, and the MTUs of each.
//
// Input: the scenario, its underlay graph, the IPAM allocation and the BGP
// plan and result. Output: a Dataplane whose per-node tables are computed on
// demand, so that 10,000 nodes never hold 100 million route lines at once.
// The model is Calico v3.28–v3.30 with the BIRD backend: BIRD programs
// blackhole, native and IPIP block routes (proto bird), Felix programs VXLAN
// block routes (through vxlan.calico, or natively within the subnet for
// CrossSubnet) and the /32 routes of local pods.
package dataplane
