// Package report writes one self-contained HTML page about a simulated
// scenario: the topology, BGP and failed-path diagrams, node and path
// tables, findings, the plan comparison and charts, every picture an
// inline SVG and every style inline, with no script and no link to any
// other resource, so that the file can be mailed or archived as it is.
//
// Input: a topology.Scenario, its sim.Result and optionally a plan.Plan.
// Output: HTML on an io.Writer, the same bytes for the same input.
package report
