// Package bgp plans the BGP sessions of a Calico cluster and runs them.
//
// Input: the Scenario, its underlay Graph and the IPAM Allocation. Output: a
// Plan (speakers, the sessions Calico's confd would configure for BIRD, the
// prefixes each speaker originates), and, from an Engine, a Result: session
// states, the best routes of every speaker, convergence time and a timeline.
//
// The model engine is a discrete-event simulation in virtual time of
// BIRD-like speakers configured by Calico's BIRD template. It shares route
// sets between speakers (update groups on the sending side, shared RIBs on the
// receiving side), so 10,000 route reflector clients do not hold 10,000
// copies of the same table.
package bgp
