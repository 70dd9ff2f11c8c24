// Package topology loads, validates and defaults a calisim scenario: the
// underlay (subnets, routers, fabric rules), the nodes, the workloads and every
// Calico and Kubernetes resource that came with it.
//
// Input: scenario YAML files or folders. Output: a Scenario, with Calico's
// defaults resolved once, every position recorded for later error reports,
// and the underlay graph that forwards between underlay addresses.
package topology
