package viz

import (
	"fmt"
	"strings"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
)

// Topology draws the underlay: one cluster per subnet (CIDR, MTU, fabric
// rules), the cluster nodes in it (address, IPAM blocks, pod MTU), the
// routers (AS number, default route, what they block) joined to the subnets
// they have an interface on, and the externals behind the default router.
// res may be nil: the nodes then show what the scenario says only.
func Topology(sc *topology.Scenario, res *sim.Result, opts Options) *Graph {
	ix := indexResult(res)
	collapsed := opts.collapse(len(sc.Nodes))
	title := fmt.Sprintf("%s — topology\ncloud %s · %s · %s · %s", scenarioName(sc), cloudName(sc.Cloud),
		plural(len(sc.Underlay.Subnets), "subnet"), plural(len(sc.Underlay.Routers), "router"), plural(len(sc.Nodes), "node"))
	if collapsed {
		title += " (grouped by subnet and role; --expand draws every node)"
	}
	g := newGraph("topology", title)
	fails := failuresAt(sc, opts.At)

	// anchor[subnet] is a node inside the subnet's cluster for router edges.
	anchor := map[string]string{}
	clusterOf := map[string]*Cluster{}
	for i := range sc.Underlay.Subnets {
		s := &sc.Underlay.Subnets[i]
		c := &Cluster{ID: "subnet/" + s.Name, Attrs: attrs(
			"label", subnetLabel(sc, s), "style", "rounded,filled", "fillcolor", colSubnetFill,
			"color", colSubnetLine, "fontsize", "13", "labeljust", "l")}
		if fails.down["subnet/"+s.Name] || fails.bgpBlocked["subnet/"+s.Name] {
			c.Attrs.Set("color", colFailedLine)
			c.Attrs.Set("penwidth", "2")
		}
		g.Clusters = append(g.Clusters, c)
		clusterOf[s.Name] = c
	}
	// Nodes on no known subnet go into a cluster of their own.
	orphan := func(name string) *Cluster {
		if c, ok := clusterOf[name]; ok {
			return c
		}
		c := &Cluster{ID: "subnet/" + name, Attrs: attrs("label", name+" (not in the underlay)", "style", "dashed", "color", colFailedLine)}
		g.Clusters = append(g.Clusters, c)
		clusterOf[name] = c
		return c
	}
	if collapsed {
		for _, gr := range groupNodes(sc, ix) {
			c := orphan(gr.subnet)
			var n Node
			if len(gr.nodes) == 1 {
				n = hostNode(sc, &sc.Nodes[gr.nodes[0]], ix, fails)
			} else {
				n = groupNode(sc, gr, ix, fails)
			}
			c.Nodes = append(c.Nodes, n)
			if anchor[gr.subnet] == "" {
				anchor[gr.subnet] = n.ID
			}
		}
	} else {
		for i := range sc.Nodes {
			n := &sc.Nodes[i]
			c := orphan(n.Subnet)
			gn := hostNode(sc, n, ix, fails)
			c.Nodes = append(c.Nodes, gn)
			if anchor[n.Subnet] == "" {
				anchor[n.Subnet] = gn.ID
			}
		}
	}
	for _, s := range sc.Underlay.Subnets {
		if anchor[s.Name] == "" {
			id := "subnet/" + s.Name + "/empty"
			clusterOf[s.Name].Nodes = append(clusterOf[s.Name].Nodes, Node{ID: id, Attrs: attrs("label", "no nodes", "shape", "plaintext", "style", "")})
			anchor[s.Name] = id
		}
	}

	var defaultRouter string
	for i := range sc.Underlay.Routers {
		r := &sc.Underlay.Routers[i]
		id := "router/" + r.Name
		if r.Default && defaultRouter == "" {
			defaultRouter = id
		}
		n := Node{ID: id, Attrs: attrs("label", routerLabel(r), "shape", "box3d", "style", "filled", "fillcolor", colRouter)}
		if fails.down[id] {
			markFailed(&n, fails, id)
		}
		g.Nodes = append(g.Nodes, n)
		for _, in := range r.Interfaces {
			a, ok := anchor[in.Subnet]
			if !ok {
				continue
			}
			label := in.Addr.String()
			if !in.Addr.IsValid() {
				label = "unassigned"
			}
			if in.MTU > 0 {
				label += fmt.Sprintf("\nMTU %d", in.MTU)
			}
			g.Edges = append(g.Edges, Edge{From: id, To: a, Attrs: attrs(
				"lhead", "cluster_subnet/"+in.Subnet, "dir", "none", "label", label, "penwidth", "1.5")})
		}
	}
	for _, e := range sc.Externals {
		id := "external/" + e.Name
		g.Nodes = append(g.Nodes, Node{ID: id, Attrs: attrs(
			"label", fmt.Sprintf("%s\n%s", e.Name, e.Addr), "shape", "ellipse", "style", "dashed,filled", "fillcolor", colExternal)})
		if defaultRouter != "" {
			g.Edges = append(g.Edges, Edge{From: defaultRouter, To: id, Attrs: attrs("style", "dashed", "label", "default route")})
		}
	}
	return g
}

func scenarioName(sc *topology.Scenario) string {
	if sc.Name == "" {
		return "scenario"
	}
	return sc.Name
}

func cloudName(c topology.Cloud) string {
	if c == "" {
		return string(topology.CloudNone)
	}
	return string(c)
}

func linkMTU(sc *topology.Scenario, s *topology.Subnet) int {
	switch {
	case s.MTU > 0:
		return s.MTU
	case sc.Underlay.MTU > 0:
		return sc.Underlay.MTU
	}
	return 1500
}

func subnetLabel(sc *topology.Scenario, s *topology.Subnet) string {
	var rules []string
	if s.SrcDstCheck {
		rules = append(rules, "src/dst check")
	}
	for _, p := range s.BlockProtocols {
		rules = append(rules, "blocks "+strings.ToUpper(string(p)))
	}
	if s.BlockBGP {
		rules = append(rules, "blocks BGP (TCP/179)")
	}
	l := fmt.Sprintf("%s  %s  MTU %d", s.Name, s.CIDR, linkMTU(sc, s))
	if len(rules) > 0 {
		l += "\n" + strings.Join(rules, " · ")
	}
	return l
}

func routerLabel(r *topology.Router) string {
	lines := []string{"router " + r.Name}
	if r.ASNumber != 0 {
		lines = append(lines, fmt.Sprintf("AS %d (BGP)", r.ASNumber))
	}
	if r.Default {
		lines = append(lines, "default route")
	}
	for _, p := range r.BlockProtocols {
		lines = append(lines, "blocks "+strings.ToUpper(string(p)))
	}
	if r.BlockBGP {
		lines = append(lines, "blocks BGP")
	}
	if len(r.StaticRoutes) > 0 {
		lines = append(lines, plural(len(r.StaticRoutes), "static route"))
	}
	return strings.Join(lines, "\n")
}

func hostNode(sc *topology.Scenario, n *topology.Node, ix *resultIndex, fails failState) Node {
	role := nodeRole(n, ix)
	lines := []string{n.Name, n.Addr.String()}
	if role == roleReflector {
		lines[0] += "  (RR " + reflectorCluster(n) + ")"
	}
	if nr := ix.node(n.Name); nr != nil {
		switch len(nr.Blocks) {
		case 0:
		case 1:
			lines = append(lines, "block "+nr.Blocks[0])
		default:
			lines = append(lines, fmt.Sprintf("blocks %s +%d", nr.Blocks[0], len(nr.Blocks)-1))
		}
		if nr.Tunnel != "" {
			lines = append(lines, "tunnel "+nr.Tunnel)
		}
		if nr.PodMTU > 0 {
			lines = append(lines, fmt.Sprintf("pod MTU %d", nr.PodMTU))
		}
	}
	out := Node{ID: "node/" + n.Name, Attrs: attrs("label", strings.Join(lines, "\n"), "fillcolor", roleFill(role))}
	if fails.down["node/"+n.Name] {
		markFailed(&out, fails, "node/"+n.Name)
	}
	return out
}

func reflectorCluster(n *topology.Node) string {
	if n.RouteReflectorClusterID == "" {
		return "reflector"
	}
	return "cluster " + n.RouteReflectorClusterID
}

// groupNode is one box for many nodes of one subnet and role.
func groupNode(sc *topology.Scenario, gr *group, ix *resultIndex, fails failState) Node {
	first, last := &sc.Nodes[gr.nodes[0]], &sc.Nodes[gr.nodes[len(gr.nodes)-1]]
	lines := []string{
		plural(len(gr.nodes), gr.role),
		fmt.Sprintf("%s … %s", first.Name, last.Name),
		fmt.Sprintf("%s – %s", first.Addr, last.Addr),
	}
	var mtuLo, mtuHi, blkLo, blkHi, known, down int
	for _, i := range gr.nodes {
		n := &sc.Nodes[i]
		if fails.down["node/"+n.Name] {
			down++
		}
		nr := ix.node(n.Name)
		if nr == nil {
			continue
		}
		if known == 0 {
			mtuLo, mtuHi, blkLo, blkHi = nr.PodMTU, nr.PodMTU, len(nr.Blocks), len(nr.Blocks)
		}
		known++
		mtuLo, mtuHi = min(mtuLo, nr.PodMTU), max(mtuHi, nr.PodMTU)
		blkLo, blkHi = min(blkLo, len(nr.Blocks)), max(blkHi, len(nr.Blocks))
	}
	if known > 0 {
		lines = append(lines, rangeText("pod MTU ", mtuLo, mtuHi), blockCount(blkLo, blkHi))
	}
	out := Node{ID: gr.id(), Attrs: attrs("label", strings.Join(lines, "\n"), "fillcolor", roleFill(gr.role), "peripheries", "2")}
	if down > 0 {
		out.Attrs.Set("color", colFailedLine)
		out.Attrs.Set("penwidth", "2")
		out.Attrs.Set("label", out.Attrs.Get("label")+"\n"+fmt.Sprintf("%d DOWN", down))
	}
	return out
}

func rangeText(prefix string, lo, hi int) string {
	if lo == hi {
		return fmt.Sprintf("%s%d", prefix, lo)
	}
	return fmt.Sprintf("%s%d–%d", prefix, lo, hi)
}

func markFailed(n *Node, fails failState, key string) {
	n.Attrs.Set("fillcolor", colFailedFill)
	n.Attrs.Set("color", colFailedLine)
	n.Attrs.Set("penwidth", "2")
	n.Attrs.Set("fontcolor", colFailedLine)
	n.Attrs.Set("label", n.Attrs.Get("label")+fmt.Sprintf("\nDOWN at %s", fails.when[key]))
}

func blockCount(lo, hi int) string {
	if lo == hi {
		return plural(lo, "IPAM block") + " each"
	}
	return fmt.Sprintf("%d–%d IPAM blocks each", lo, hi)
}
