// Package verify builds a scenario for real and compares it with the twin's
// prediction.
//
// Every node, router, external and pod becomes a Linux network namespace;
// every subnet a bridge in a namespace of its own, so nothing touches the
// host. Nodes run BIRD 1.6 with a configuration written the way Calico's
// confd templates write it, VXLAN devices are programmed the way Felix
// programs them, and the fabric's rules (source/destination checks, blocked
// protocols) are nftables rules on the subnet bridges and routers. Then the
// real route tables, BGP sessions and packets (ping with DF set, TCP
// connects) are compared with the prediction, check by check.
//
// Input: a topology.Scenario, its ipam.Allocation and the prediction (an
// Input). Output: a Report. Everything created is named with a per-run
// prefix (cs-RUNID-) and removed when the run ends, unless kept.
package verify
