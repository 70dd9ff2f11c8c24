package plan

import (
	"context"
	"fmt"
	"slices"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
)

// Runner simulates one scenario; sim.Run with fixed options fits it.
type Runner func(ctx context.Context, sc *topology.Scenario) (*sim.Result, error)

// Plan is every variant side by side and the one recommended. Its JSON is
// the contract of `calisim plan -o json`.
type Plan struct {
	Scenario       string   `json:"scenario"`
	Nodes          int      `json:"nodes"`
	Subnets        int      `json:"subnets"`
	Options        []Option `json:"options"`
	Recommendation string   `json:"recommendation"`
}

// Option is one variant of the scenario and what the twin made of it.
type Option struct {
	Encapsulation Encapsulation `json:"encapsulation"`
	BGP           Layout        `json:"bgp"`
	// BGPTopology is what the twin called the layout (full-mesh,
	// route-reflector, tor, mixed, none).
	BGPTopology string `json:"bgpTopology"`
	Pairs       int    `json:"pairs"`
	// Reachable counts the pairs the network carried: delivered, or dropped
	// by network policy only (policy is the same under every variant).
	Reachable       int `json:"reachable"`
	PodMTU          int `json:"podMTU"`        // the smallest pod MTU of any node
	OverheadBytes   int `json:"overheadBytes"` // the largest encapsulation overhead on any path
	Sessions        int `json:"sessions"`
	MaxPeersPerNode int `json:"maxPeersPerNode"`
	// MaxClientPeers is the most sessions of a node that is not a route
	// reflector: what every ordinary node pays.
	MaxClientPeers    int         `json:"maxClientPeers"`
	Converged         bool        `json:"converged"`
	ConvergenceMillis int64       `json:"convergenceMillis"`
	Findings          []string    `json:"findings"` // codes, sorted
	Drops             []DropCount `json:"drops,omitempty"`
	Recommended       bool        `json:"recommended"`
}

// DropCount is how many pairs died of one reason.
type DropCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
	At     string `json:"at"` // where the first of them died
}

// AllReachable reports whether the network carried every pair.
func (o *Option) AllReachable() bool { return o.Reachable == o.Pairs }

// Name is "ipip-crosssubnet / route-reflectors".
func (o *Option) Name() string { return string(o.Encapsulation) + " / " + string(o.BGP) }

// Make runs every variant of sc through run and recommends one. Variants
// run one after another, in the order of Encapsulations and then the
// layouts (full mesh, reflectors, the scenario's own unless that is the
// full mesh), so the output is the same for the same input.
func Make(ctx context.Context, sc *topology.Scenario, run Runner) (*Plan, error) {
	layouts := []Layout{LayoutMesh, LayoutReflectors}
	if !ownLayoutIsMesh(sc) {
		layouts = append(layouts, LayoutScenario)
	}
	p := &Plan{Scenario: sc.Name, Nodes: len(sc.Nodes), Subnets: len(sc.Underlay.Subnets)}
	for _, e := range Encapsulations {
		for _, l := range layouts {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			variant := withLayout(withEncapsulation(sc, e), l)
			res, err := run(ctx, variant)
			if err != nil {
				return nil, fmt.Errorf("plan %s / %s: %w", e, l, err)
			}
			p.Options = append(p.Options, summarise(e, l, res))
		}
	}
	best, reason := recommend(p, sc)
	p.Options[best].Recommended = true
	p.Recommendation = reason
	return p, nil
}

func summarise(e Encapsulation, l Layout, res *sim.Result) Option {
	o := Option{
		Encapsulation:     e,
		BGP:               l,
		BGPTopology:       res.BGP.Topology,
		Pairs:             len(res.Paths),
		Sessions:          res.BGP.Sessions,
		MaxPeersPerNode:   res.BGP.MaxPeersPerNode,
		Converged:         res.BGP.Converged,
		ConvergenceMillis: res.BGP.ConvergenceMillis,
		Findings:          []string{},
	}
	for i, n := range res.Nodes {
		if i == 0 || n.PodMTU < o.PodMTU {
			o.PodMTU = n.PodMTU
		}
		if !n.Reflector {
			o.MaxClientPeers = max(o.MaxClientPeers, n.Peers)
		}
	}
	var drops []DropCount
	for _, p := range res.Paths {
		o.OverheadBytes = max(o.OverheadBytes, p.OverheadBytes)
		switch {
		case p.Delivered:
			o.Reachable++
			continue
		case p.Drop == nil:
			drops = addDrop(drops, "unknown", "")
			continue
		case p.Drop.Reason == "policy-denied":
			o.Reachable++
		}
		drops = addDrop(drops, p.Drop.Reason, p.Drop.At)
	}
	slices.SortStableFunc(drops, func(a, b DropCount) int { return b.Count - a.Count })
	o.Drops = drops
	for _, f := range res.Findings {
		if !slices.Contains(o.Findings, f.Code) {
			o.Findings = append(o.Findings, f.Code)
		}
	}
	slices.Sort(o.Findings)
	return o
}

func addDrop(ds []DropCount, reason, at string) []DropCount {
	for i := range ds {
		if ds[i].Reason == reason {
			ds[i].Count++
			return ds
		}
	}
	return append(ds, DropCount{Reason: reason, Count: 1, At: at})
}
