package viz

import (
	"iter"
	"slices"
	"time"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
)

// DefaultCollapseAbove is the node count beyond which diagrams collapse
// nodes by subnet and role.
const DefaultCollapseAbove = 40

// Options shape every diagram.
type Options struct {
	// Expand draws every node even in a large scenario.
	Expand bool
	// CollapseAbove is the node count beyond which nodes are drawn as one
	// box per subnet and role, with counts (0: DefaultCollapseAbove).
	CollapseAbove int
	// At is the moment of a failure scenario the BGP view shows: failures
	// at or before it are drawn. Nil: after every failure.
	At *time.Duration
	// Peerings are the BGP sessions the BGP view draws when the result does
	// not list them (sim leaves Result.BGP.Peerings empty past 50,000
	// sessions); the command fills it from the twin. Nil: the result's.
	Peerings iter.Seq[sim.Peering]
}

// peerings is what the BGP view draws.
func (o Options) peerings(res *sim.Result) iter.Seq[sim.Peering] {
	if len(res.BGP.Peerings) == 0 && o.Peerings != nil {
		return o.Peerings
	}
	return slices.Values(res.BGP.Peerings)
}

func (o Options) collapse(nodes int) bool {
	limit := o.CollapseAbove
	if limit <= 0 {
		limit = DefaultCollapseAbove
	}
	return !o.Expand && nodes > limit
}

// failState says which elements are down (or cut off from BGP) at a moment.
type failState struct {
	down       map[string]bool // "node/x", "router/x", "subnet/x", "session/a~b"
	bgpBlocked map[string]bool // "subnet/x", "router/x"
	when       map[string]time.Duration
}

// failuresAt replays the scenario's failures up to at (nil: all of them),
// in time order, scenario order within one moment.
func failuresAt(sc *topology.Scenario, at *time.Duration) failState {
	st := failState{down: map[string]bool{}, bgpBlocked: map[string]bool{}, when: map[string]time.Duration{}}
	fs := slices.Clone(sc.Failures)
	slices.SortStableFunc(fs, func(a, b topology.Failure) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		}
		return 0
	})
	for _, f := range fs {
		if at != nil && f.At > *at {
			break
		}
		key := f.Target.Kind + "/" + f.Target.Name
		switch f.Action {
		case topology.FailDown:
			st.down[key] = true
			st.when[key] = f.At
		case topology.FailUp:
			delete(st.down, key)
			delete(st.bgpBlocked, key)
			delete(st.when, key)
		case topology.FailBlockBGP:
			st.bgpBlocked[key] = true
			st.when[key] = f.At
		}
	}
	return st
}

// Roles of nodes, for collapsing.
const (
	roleReflector    = "route reflector"
	roleControlPlane = "control plane"
	roleWorker       = "worker"
)

func nodeRole(n *topology.Node, res *resultIndex) string {
	if n.IsReflector() || res.reflector(n.Name) {
		return roleReflector
	}
	for _, k := range []string{"node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"} {
		if _, ok := n.Labels[k]; ok {
			return roleControlPlane
		}
	}
	if v := n.Labels["node-role"]; v == "control-plane" || v == "master" {
		return roleControlPlane
	}
	return roleWorker
}

// group is the nodes of one subnet and role, in scenario order.
type group struct {
	subnet, role string
	nodes        []int // indexes into sc.Nodes
}

func (g *group) id() string { return "group/" + g.subnet + "/" + g.role }

// groupNodes groups sc.Nodes by subnet and role, groups in order of their
// first node.
func groupNodes(sc *topology.Scenario, res *resultIndex) []*group {
	var out []*group
	idx := map[[2]string]*group{}
	for i := range sc.Nodes {
		n := &sc.Nodes[i]
		k := [2]string{n.Subnet, nodeRole(n, res)}
		g, ok := idx[k]
		if !ok {
			g = &group{subnet: k[0], role: k[1]}
			idx[k] = g
			out = append(out, g)
		}
		g.nodes = append(g.nodes, i)
	}
	return out
}
