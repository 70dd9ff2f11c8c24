// Package plan re-runs a scenario under every routing choice Calico offers
// (no encapsulation, IPIP, IPIP CrossSubnet, VXLAN, VXLAN CrossSubnet) and
// every BGP layout (full mesh, route reflectors two per subnet, the
// scenario's own) and recommends one by the reference architecture's rules.
//
// Input: a loaded topology.Scenario and a Runner (sim.Run). Output: a Plan,
// one Option per variant, exactly one of them recommended, with the reason
// in words. The scenario is copied for every variant, never mutated.
package plan
