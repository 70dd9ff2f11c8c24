package sim

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/calisim/calisim/sim/iproute"
	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// Outcome is the verdict on one expectation entry: a flow, a node entry, the
// bgp block, the ipam block or the findings block.
type Outcome struct {
	Scenario string       `json:"scenario"`
	Name     string       `json:"name"` // e.g. "flow org-1/web -> org-2/db tcp/5432"
	Pos      topology.Pos `json:"pos"`
	Passed   bool         `json:"passed"`
	Problems []string     `json:"problems,omitempty"` // what was found instead
}

// Check holds the twin and its result against every expectation of the
// scenario, in the order they were written.
func Check(ctx context.Context, tw *Twin, res *Result) ([]Outcome, error) {
	sc := tw.Scenario
	var out []Outcome
	add := func(name string, pos topology.Pos, problems []string) {
		out = append(out, Outcome{Scenario: sc.Name, Name: name, Pos: pos, Passed: len(problems) == 0, Problems: problems})
	}
	for _, fe := range sc.Expect.Flows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		problems, err := checkFlow(ctx, tw, fe)
		if err != nil {
			return nil, err
		}
		add(fmt.Sprintf("flow %s -> %s %s", fe.From.Raw, fe.To.Raw, fe.Port), fe.Pos, problems)
	}
	for _, ne := range sc.Expect.Nodes {
		name := "node " + ne.Name
		if ne.Selector != "" {
			name = "nodes " + ne.Selector
		}
		problems, err := checkNodes(tw, res, ne)
		if err != nil {
			return nil, err
		}
		add(name, ne.Pos, problems)
	}
	if be := sc.Expect.BGP; be != nil {
		add("bgp", be.Pos, checkBGP(res, be))
	}
	if ie := sc.Expect.IPAM; ie != nil {
		var p []string
		if ie.BlocksPerNode != nil && *ie.BlocksPerNode != res.IPAM.BlocksPerNode {
			p = append(p, fmt.Sprintf("blocksPerNode: expected %d, found %d", *ie.BlocksPerNode, res.IPAM.BlocksPerNode))
		}
		if ie.PodCapacity != nil && *ie.PodCapacity != res.IPAM.PodCapacity {
			p = append(p, fmt.Sprintf("podCapacity: expected %d, found %d", *ie.PodCapacity, res.IPAM.PodCapacity))
		}
		add("ipam", ie.Pos, p)
	}
	if fe := sc.Expect.Findings; fe != nil {
		var found []string
		for _, f := range res.Findings {
			if !slices.Contains(found, f.Code) {
				found = append(found, f.Code)
			}
		}
		var p []string
		for _, c := range fe.Present {
			if !slices.Contains(found, c) {
				p = append(p, fmt.Sprintf("finding %s expected but not reported (reported: %s)", c, listOrNone(found)))
			}
		}
		for _, c := range fe.Absent {
			if slices.Contains(found, c) {
				p = append(p, fmt.Sprintf("finding %s reported but expected absent: %s", c, findingMessage(res, c)))
			}
		}
		add("findings", fe.Pos, p)
	}
	return out, nil
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func findingMessage(res *Result, code string) string {
	for _, f := range res.Findings {
		if f.Code == code {
			return f.Message
		}
	}
	return ""
}

func checkFlow(ctx context.Context, tw *Twin, fe topology.FlowExpect) ([]string, error) {
	paths, err := tw.Trace(ctx, fe.From, fe.To, fe.Port, fe.Size)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return []string{"the references name no pair of endpoints"}, nil
	}
	var p []string
	for _, path := range paths {
		pair := path.From + " -> " + path.To
		if fe.Delivered != nil && path.Delivered != *fe.Delivered {
			why := ""
			if path.Drop != nil {
				why = fmt.Sprintf(" (dropped at %s: %s)", path.Drop.At, path.Drop.Reason)
			}
			p = append(p, fmt.Sprintf("%s: delivered: expected %v, found %v%s", pair, *fe.Delivered, path.Delivered, why))
		}
		if fe.Encapsulation != nil && path.Encapsulation != fe.Encapsulation.String() {
			p = append(p, fmt.Sprintf("%s: encapsulation: expected %s, found %s", pair, fe.Encapsulation, path.Encapsulation))
		}
		if fe.DropReason != "" {
			switch {
			case path.Drop == nil:
				p = append(p, fmt.Sprintf("%s: dropReason: expected %s, but it was delivered", pair, fe.DropReason))
			case path.Drop.Reason != fe.DropReason:
				p = append(p, fmt.Sprintf("%s: dropReason: expected %s, found %s at %s", pair, fe.DropReason, path.Drop.Reason, path.Drop.At))
			}
		}
		if fe.DropAt != "" {
			switch {
			case path.Drop == nil:
				p = append(p, fmt.Sprintf("%s: dropAt: expected %s, but it was delivered", pair, fe.DropAt))
			case path.Drop.At != fe.DropAt:
				p = append(p, fmt.Sprintf("%s: dropAt: expected %s, found %s (%s)", pair, fe.DropAt, path.Drop.At, path.Drop.Reason))
			}
		}
		if fe.Policy != "" {
			got := "none"
			if path.Policy != nil {
				got = path.Policy.Verdict
			}
			if got != fe.Policy {
				p = append(p, fmt.Sprintf("%s: policy: expected %s, found %s", pair, fe.Policy, got))
			}
		}
		if fe.DecidedBy != "" {
			got := "none"
			if path.Policy != nil {
				got = path.Policy.DecidedBy
			}
			if got != fe.DecidedBy {
				p = append(p, fmt.Sprintf("%s: decidedBy: expected %s, found %s", pair, fe.DecidedBy, got))
			}
		}
		if fe.PathMTU != nil && path.PathMTU != *fe.PathMTU {
			p = append(p, fmt.Sprintf("%s: pathMTU: expected %d, found %d", pair, *fe.PathMTU, path.PathMTU))
		}
	}
	return p, nil
}

func checkNodes(tw *Twin, res *Result, ne topology.NodeExpect) ([]string, error) {
	sc := tw.Scenario
	var idx []int
	if ne.Selector != "" {
		sel, err := selector.Parse(ne.Selector)
		if err != nil {
			return nil, topology.Errorf(ne.Pos, "", "selector %q: %v", ne.Selector, err)
		}
		for i := range sc.Nodes {
			if sel.Matches(selector.Map(sc.Nodes[i].Labels)) {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			return []string{fmt.Sprintf("selector %q matches no node", ne.Selector)}, nil
		}
	} else {
		i := slices.IndexFunc(sc.Nodes, func(n topology.Node) bool { return n.Name == ne.Name })
		if i < 0 {
			return []string{fmt.Sprintf("no node named %q", ne.Name)}, nil
		}
		idx = []int{i}
	}
	var p []string
	for _, i := range idx {
		n := res.Nodes[i]
		if ne.PodMTU != nil && n.PodMTU != *ne.PodMTU {
			p = append(p, fmt.Sprintf("%s: podMTU: expected %d, found %d", n.Name, *ne.PodMTU, n.PodMTU))
		}
		if ne.BGPPeers != nil && n.Peers != *ne.BGPPeers {
			p = append(p, fmt.Sprintf("%s: bgpPeers: expected %d, found %d", n.Name, *ne.BGPPeers, n.Peers))
		}
		if len(ne.Routes) == 0 && len(ne.AbsentRoutes) == 0 {
			continue
		}
		table := tw.Routes(i)
		for _, want := range ne.Routes {
			if _, same, ok := iproute.Find(table, want); !ok {
				if len(same) > 0 {
					p = append(p, fmt.Sprintf("%s: route %q not found; the table has %q", n.Name, want, strings.Join(same, "; ")))
				} else {
					p = append(p, fmt.Sprintf("%s: route %q not found (no route to that destination)", n.Name, want))
				}
			}
		}
		for _, dst := range ne.AbsentRoutes {
			if line, ok := iproute.FindDst(table, dst); ok {
				p = append(p, fmt.Sprintf("%s: route to %s expected absent, found %q", n.Name, dst, line))
			}
		}
	}
	return p, nil
}

func checkBGP(res *Result, be *topology.BGPExpect) []string {
	var p []string
	b := res.BGP
	if be.Topology != "" && b.Topology != be.Topology {
		p = append(p, fmt.Sprintf("topology: expected %s, found %s", be.Topology, b.Topology))
	}
	if be.Sessions != nil && b.Sessions != *be.Sessions {
		p = append(p, fmt.Sprintf("sessions: expected %d established, found %d (of %d configured)", *be.Sessions, b.Sessions, b.Configured))
	}
	if be.MaxPeersPerNode != nil && b.MaxPeersPerNode != *be.MaxPeersPerNode {
		p = append(p, fmt.Sprintf("maxPeersPerNode: expected %d, found %d", *be.MaxPeersPerNode, b.MaxPeersPerNode))
	}
	if be.Converged != nil && b.Converged != *be.Converged {
		p = append(p, fmt.Sprintf("converged: expected %v, found %v", *be.Converged, b.Converged))
	}
	if be.ConvergedWithin != nil {
		if !b.Converged {
			p = append(p, fmt.Sprintf("convergedWithin: expected %v, but BGP did not converge", *be.ConvergedWithin))
		} else if b.ConvergenceMillis > be.ConvergedWithin.Milliseconds() {
			p = append(p, fmt.Sprintf("convergedWithin: expected %v, took %dms", *be.ConvergedWithin, b.ConvergenceMillis))
		}
	}
	return p
}
