// Package viz draws a simulated scenario: the underlay topology, the BGP
// peering and a packet's path as Graphviz diagrams, and the sweeps and
// timelines as gonum/plot charts.
//
// Input: a topology.Scenario and the sim.Result of running it. Output: a
// Graph (DOT text, built deterministically) rendered to DOT, SVG (Graphviz,
// through go-graphviz) or PNG (the Graphviz layout rasterised in pure Go),
// and charts as SVG. Large scenarios collapse by subnet and role so that a
// 2,000-node mesh stays one readable picture.
package viz
