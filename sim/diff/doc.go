// Package diff says what changes between two design variants of a cluster:
// reachability, encapsulation and MTU per flow, pools, BGP sessions and
// peers per node, pod MTU and routes per node, and findings.
//
// Input: two Sides (a sim.Result each, with the nodes' route tables).
// Output: a Diff, a list of Changes in a fixed order (section, then the
// order of the first side), empty when the variants behave the same.
package diff
