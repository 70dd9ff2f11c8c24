// Package sim composes the pipeline stages into a digital twin of a
// Calico-networked cluster and summarises it: Build runs topology → ipam →
// bgp → dataplane → packet → policy once; Run turns the twin into a Result
// (nodes, BGP, paths, policy verdicts, findings) whose JSON is the contract of
// `calisim run -o json`; Check holds a Result against the scenario's
// expectations.
//
// Input: a loaded topology.Scenario and Options. Output: a Twin and a Result.
package sim
