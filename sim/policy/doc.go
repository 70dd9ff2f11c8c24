// Package policy decides what Calico network policy allows: which flows
// between pods, hosts and external addresses get through, and which policy
// (or profile) decided.
//
// Input: a topology.Scenario (tiers, GlobalNetworkPolicies, Calico and
// Kubernetes NetworkPolicies, network sets, profiles, namespaces, pods) and
// the pods' addresses. Output: per-flow Verdicts with the deciding rule, an
// Explanation of every policy considered, a pod-to-pod Matrix computed with
// bitsets, and a workload connectivity list in netpol-analyzer's format.
//
// Semantics follow Calico v3.28–v3.30: tiers in order, policies in a tier by
// order then name, first matching rule decides, Pass moves to the next tier,
// an applied tier with no match drops (implicit deny) unless the Tier's
// defaultAction is Pass (then on to the next tier), no policy at all falls
// through to the kns.<namespace> profile, which allows. Kubernetes
// NetworkPolicies are converted as Calico converts them (knp.default.<name>,
// order 1000, ipBlock as nets that also match pod addresses).
//
// Where calisim stands with Calico against Kubernetes-only analyzers: nets
// (and ipBlocks) match pod addresses too; a network set's nets match any
// address in them, a pod's included, as Calico's IP sets do; hostNetwork pods
// have no workload endpoint, so no policy applies to them and no selector
// selects them; every protocol is filtered, ICMP included (ICMP flows are
// judged as echo requests); policies of equal order are ordered by name;
// a Profile without rules for a direction matches nothing there.
//
// Not modelled, listed once in Warnings: http matches (the rule's other
// clauses still apply), services matches and source ports (such rules never
// match, as flows carry neither), doNotTrack and preDNAT policies (host
// endpoints only: skipped), applyOnForward (applies to workloads as usual).
package policy
