// Package bgp plans the BGP sessions of a Calico cluster and runs them.
//
// Input: the Scenario, its underlay Graph and the IPAM Allocation. Output: a
// Plan (speakers, the sessions Calico's confd would configure for BIRD, the
// prefixes each speaker originates), and, from an Engine, a Result: session
// states, the best routes of every speaker, convergence time and a timeline.
//
// The model engine (NewModel) is a discrete-event simulation in virtual time
// of BIRD speakers configured by Calico's template (timers in timers.go,
// failures in failures.go). It shares route sets between speakers: update
// groups on the sending side (one table per sender and export policy, read
// by every peer in it) and shared RIBs on the receiving side (speakers
// subscribed to the same update groups hold one table), so 10,000 route
// reflector clients do not hold 10,000 copies of the same routes.
//
// What the model leaves out, on purpose: BIRD's "add paths" (Calico's
// template turns it on; the model reflects the best path only), the IGP
// metric step of best-path selection (the underlay gives BGP no costs),
// third-party next hops (eBGP sets next hop self, as the contract says),
// MRAI (BIRD has none; UPDATEs are batched over a few milliseconds
// instead), and KEEPALIVE traffic (hold timers are computed from when the
// session came up, not simulated packet by packet).
package bgp
