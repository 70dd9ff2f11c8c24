package viz

import (
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
)

// BGP draws every BGP session of the result: full-mesh, route-reflector
// client, explicit node peer and router (eBGP or iBGP) sessions, each
// styled by kind; established sessions solid, the others dashed red with
// the reason. Reflectors sit in one box per reflector cluster ID, the
// other nodes in their subnets; elements a failure took down (at
// opts.At, or after every failure) are red. In a large scenario nodes
// collapse by subnet and role and sessions between the same groups merge
// into one edge with a count.
func BGP(sc *topology.Scenario, res *sim.Result, opts Options) *Graph {
	ix := indexResult(res)
	collapsed := opts.collapse(len(sc.Nodes))
	fails := failuresAt(sc, opts.At)
	g := newGraph("bgp", bgpTitle(sc, res, opts, collapsed))
	g.Attrs.Set("ranksep", "1.2")

	// Where each node is drawn: its own box or its group's.
	drawnAs := make(map[string]string, len(sc.Nodes))
	subnetCluster := map[string]*Cluster{}
	rrCluster := map[string]*Cluster{}
	clusterFor := func(n *topology.Node, role string) *Cluster {
		if role == roleReflector {
			id := n.RouteReflectorClusterID
			if c, ok := rrCluster[id]; ok {
				return c
			}
			label := "route reflectors, cluster " + id
			if id == "" {
				label = "route reflectors"
			}
			c := &Cluster{ID: "rr/" + id, Attrs: attrs("label", label, "style", "rounded,filled", "fillcolor", "#fff6dd", "color", "#c79a1e", "labeljust", "l")}
			rrCluster[id] = c
			g.Clusters = append(g.Clusters, c)
			return c
		}
		if c, ok := subnetCluster[n.Subnet]; ok {
			return c
		}
		label := "subnet " + n.Subnet
		for i := range sc.Underlay.Subnets {
			if s := &sc.Underlay.Subnets[i]; s.Name == n.Subnet {
				label = fmt.Sprintf("subnet %s  %s", s.Name, s.CIDR)
				if s.BlockBGP {
					label += "\nblocks BGP (TCP/179)"
				}
			}
		}
		c := &Cluster{ID: "subnet/" + n.Subnet, Attrs: attrs("label", label, "style", "rounded,filled", "fillcolor", colSubnetFill, "color", colSubnetLine, "labeljust", "l")}
		if fails.down["subnet/"+n.Subnet] || fails.bgpBlocked["subnet/"+n.Subnet] {
			c.Attrs.Set("color", colFailedLine)
			c.Attrs.Set("penwidth", "2")
		}
		subnetCluster[n.Subnet] = c
		g.Clusters = append(g.Clusters, c)
		return c
	}
	if collapsed {
		for _, gr := range groupNodes(sc, ix) {
			first := &sc.Nodes[gr.nodes[0]]
			var n Node
			if len(gr.nodes) == 1 {
				n = speakerNode(sc, first, ix, fails)
			} else {
				n = speakerGroup(sc, gr, ix, fails)
			}
			for _, i := range gr.nodes {
				drawnAs["node/"+sc.Nodes[i].Name] = n.ID
			}
			c := clusterFor(first, gr.role)
			c.Nodes = append(c.Nodes, n)
		}
	} else {
		for i := range sc.Nodes {
			n := &sc.Nodes[i]
			gn := speakerNode(sc, n, ix, fails)
			drawnAs["node/"+n.Name] = gn.ID
			c := clusterFor(n, nodeRole(n, ix))
			c.Nodes = append(c.Nodes, gn)
		}
	}
	for i := range sc.Underlay.Routers {
		r := &sc.Underlay.Routers[i]
		if r.ASNumber == 0 {
			continue
		}
		id := "router/" + r.Name
		n := Node{ID: id, Attrs: attrs("label", fmt.Sprintf("router %s\nAS %d", r.Name, r.ASNumber), "shape", "box3d", "style", "filled", "fillcolor", colRouter)}
		if fails.down[id] {
			markFailed(&n, fails, id)
		}
		g.Nodes = append(g.Nodes, n)
		drawnAs[id] = id
	}
	if res == nil {
		return g
	}
	kinds := sessionEdges(g, opts.peerings(res), drawnAs, collapsed)
	legend(g, kinds)
	return g
}

func bgpTitle(sc *topology.Scenario, res *sim.Result, opts Options, collapsed bool) string {
	when := "after every failure"
	if opts.At != nil {
		when = "at " + opts.At.String()
	}
	if len(sc.Failures) == 0 {
		when = "settled"
	}
	t := fmt.Sprintf("%s — BGP %s", scenarioName(sc), when)
	if res == nil {
		return t + "\nno simulation result: speakers only"
	}
	b := &res.BGP
	t += fmt.Sprintf("\n%s · %s of %s established · at most %s per node", b.Topology,
		plural(b.Sessions, "session"), thousands(b.Configured), plural(b.MaxPeersPerNode, "peer"))
	if b.Converged {
		t += fmt.Sprintf(" · converged in %s", time.Duration(b.ConvergenceMillis)*time.Millisecond)
	} else {
		t += " · NOT converged"
	}
	if collapsed {
		t += "\n(grouped by subnet and role; --expand draws every node)"
	}
	return t
}

func speakerNode(sc *topology.Scenario, n *topology.Node, ix *resultIndex, fails failState) Node {
	role := nodeRole(n, ix)
	lines := []string{n.Name, n.Addr.String()}
	as := n.ASNumber
	if as == 0 {
		as = sc.Resources.BGP.ASNumber
	}
	if as != 0 {
		lines = append(lines, fmt.Sprintf("AS %d", as))
	}
	if role == roleReflector {
		lines = append(lines, "RR "+reflectorCluster(n))
	}
	if nr := ix.node(n.Name); nr != nil {
		lines = append(lines, plural(nr.Peers, "peer")+" up")
	}
	out := Node{ID: "node/" + n.Name, Attrs: attrs("label", strings.Join(lines, "\n"), "fillcolor", roleFill(role))}
	if role == roleReflector {
		out.Attrs.Set("shape", "doubleoctagon")
		out.Attrs.Set("style", "filled")
	}
	if fails.down["node/"+n.Name] {
		markFailed(&out, fails, "node/"+n.Name)
	}
	return out
}

func speakerGroup(sc *topology.Scenario, gr *group, ix *resultIndex, fails failState) Node {
	first, last := &sc.Nodes[gr.nodes[0]], &sc.Nodes[gr.nodes[len(gr.nodes)-1]]
	lines := []string{plural(len(gr.nodes), gr.role), fmt.Sprintf("%s … %s", first.Name, last.Name)}
	var lo, hi, known, down int
	for _, i := range gr.nodes {
		n := &sc.Nodes[i]
		if fails.down["node/"+n.Name] {
			down++
		}
		if nr := ix.node(n.Name); nr != nil {
			if known == 0 {
				lo, hi = nr.Peers, nr.Peers
			}
			known++
			lo, hi = min(lo, nr.Peers), max(hi, nr.Peers)
		}
	}
	if known > 0 {
		peers := thousands(lo)
		if hi != lo {
			peers += "–" + thousands(hi)
		}
		lines = append(lines, peers+" peers up each")
	}
	out := Node{ID: gr.id(), Attrs: attrs("label", strings.Join(lines, "\n"), "fillcolor", roleFill(gr.role), "peripheries", "2")}
	if down > 0 {
		out.Attrs.Set("color", colFailedLine)
		out.Attrs.Set("penwidth", "2")
		out.Attrs.Set("label", out.Attrs.Get("label")+fmt.Sprintf("\n%d DOWN", down))
	}
	return out
}

// sessionKey merges sessions drawn between the same two boxes.
type sessionKey struct {
	a, b        string
	kind        string
	ebgp, up    bool
	firstReason string
}

// sessionEdges adds one edge per session (or per group pair and kind when
// collapsed) and returns the kinds drawn, in order of appearance.
func sessionEdges(g *Graph, ps iter.Seq[sim.Peering], drawnAs map[string]string, collapsed bool) []string {
	var kinds []string
	seenKind := map[string]bool{}
	type agg struct {
		key   sessionKey
		count int
	}
	var order []*agg
	byKey := map[sessionKey]*agg{}
	for p := range ps {
		for _, end := range []string{p.A, p.B} {
			if drawnAs[end] == "" && strings.HasPrefix(end, "peer/") {
				// A BGPPeer naming an address where nothing speaks BGP.
				g.Nodes = append(g.Nodes, Node{ID: end, Attrs: attrs(
					"label", "no BGP speaker\n"+strings.TrimPrefix(end, "peer/"), "shape", "box", "style", "dashed,filled",
					"fillcolor", colFailedFill, "color", colFailedLine, "fontcolor", colFailedLine)})
				drawnAs[end] = end
			}
		}
		a, b := drawnAs[p.A], drawnAs[p.B]
		if a == "" || b == "" {
			continue // an endpoint the scenario does not draw
		}
		if !seenKind[p.Kind] {
			seenKind[p.Kind] = true
			kinds = append(kinds, p.Kind)
		}
		if !collapsed {
			g.Edges = append(g.Edges, sessionEdge(a, b, p.Kind, p.EBGP, p.Established, 1, peeringNote(p)))
			continue
		}
		if b < a {
			a, b = b, a
		}
		k := sessionKey{a: a, b: b, kind: p.Kind, ebgp: p.EBGP, up: p.Established}
		x, ok := byKey[k]
		if !ok {
			x = &agg{key: k}
			x.key.firstReason = peeringNote(p)
			byKey[k] = x
			order = append(order, x)
		}
		x.count++
	}
	for _, x := range order {
		g.Edges = append(g.Edges, sessionEdge(x.key.a, x.key.b, x.key.kind, x.key.ebgp, x.key.up, x.count, x.key.firstReason))
	}
	return kinds
}

func peeringNote(p sim.Peering) string {
	if p.Established {
		return ""
	}
	s := p.State
	if s == "" {
		s = "down"
	}
	if p.Reason != "" {
		s += ": " + p.Reason
	}
	return s
}

func kindColour(kind string) string {
	switch kind {
	case "rr-client":
		return colRRClient
	case "peer":
		return colPeer
	case "router":
		return colRouterPeer
	}
	return colMesh
}

func sessionEdge(a, b, kind string, ebgp, up bool, count int, note string) Edge {
	label := ""
	if count > 1 {
		label = kind + " ×" + thousands(count)
	}
	if ebgp {
		label = strings.TrimSpace(label + " eBGP")
	}
	e := Edge{From: a, To: b, Attrs: attrs("dir", "none", "color", kindColour(kind))}
	if ebgp {
		e.Attrs.Set("penwidth", "2.5")
	} else if kind == "rr-client" || kind == "router" {
		e.Attrs.Set("penwidth", "1.5")
	}
	if !up {
		e.Attrs.Set("style", "dashed")
		e.Attrs.Set("color", colFailedLine)
		e.Attrs.Set("fontcolor", colFailedLine)
		if count > 1 {
			label = kind + " ×" + thousands(count) + " DOWN"
		} else {
			label = kind + " DOWN"
		}
		if note != "" {
			label += "\n" + wrap(note, 32)
		}
	}
	if label != "" {
		e.Attrs.Set("label", label)
	}
	return e
}

// legend names the colour of each kind of session present, and of a
// session that is not established.
func legend(g *Graph, kinds []string) {
	if len(kinds) == 0 {
		return
	}
	c := &Cluster{ID: "legend", Attrs: attrs("label", "sessions", "style", "rounded", "color", "#bbbbbb", "fontsize", "11")}
	add := func(i int, text, colour string) {
		c.Nodes = append(c.Nodes, Node{ID: fmt.Sprintf("legend/%d", i), Attrs: attrs(
			"label", text, "shape", "plaintext", "style", "", "fontsize", "11", "fontcolor", colour, "height", "0.2")})
	}
	for i, k := range kinds {
		add(i, "—— "+k, kindColour(k))
	}
	add(len(kinds), "- - - not established", colFailedLine)
	g.Clusters = append(g.Clusters, c)
}
