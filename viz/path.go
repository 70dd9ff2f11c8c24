package viz

import (
	"fmt"
	"strings"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
)

// Path draws one packet's walk: every hop in order, grouped in a box per
// place (pod, node, router), the device and IP packet size on each leg, the
// encapsulation of legs that leave through a tunnel device (IPIP on tunl0,
// VXLAN on vxlan.calico) with the hop's detail (the outer addresses), and,
// in red, where and why the packet was dropped.
func Path(sc *topology.Scenario, p sim.Path, opts Options) *Graph {
	g := newGraph("path", pathTitle(sc, p))
	g.Attrs.Set("ranksep", "0.5")
	if len(p.Hops) > 5 {
		// A long walk reads top to bottom; left to right it is too wide.
		g.Attrs.Set("rankdir", "TB")
		g.Attrs.Set("ranksep", "0.35")
	}
	g.NodeDefaults.Set("fillcolor", colHopFill)

	var prevID, prevAt string
	var cur *Cluster
	tunnel := "" // the encapsulation the packet is in after the previous hop
	for i, h := range p.Hops {
		if cur == nil || h.At != prevAt {
			cur = &Cluster{ID: fmt.Sprintf("hop/%d", i), Attrs: attrs("label", h.At, "style", "rounded,filled", "fillcolor", placeFill(h.At), "color", colSubnetLine, "labeljust", "l", "fontsize", "12")}
			g.Clusters = append(g.Clusters, cur)
		}
		id := fmt.Sprintf("hop/%d", i)
		n := Node{ID: id, Attrs: attrs("label", hopLabel(i, h))}
		if isDropAction(h.Action) {
			n.Attrs.Set("fillcolor", colDroppedFill)
			n.Attrs.Set("color", colFailedLine)
			n.Attrs.Set("fontcolor", colFailedLine)
			n.Attrs.Set("penwidth", "2")
		}
		cur.Nodes = append(cur.Nodes, n)
		if prevID != "" {
			g.Edges = append(g.Edges, legEdge(prevID, id, p.Hops[i-1], tunnel, h.At != prevAt))
		}
		switch strings.ToLower(h.Action) {
		case "encapsulate":
			tunnel = legEncap(h.Dev, p.Encapsulation)
		case "decapsulate":
			tunnel = ""
		}
		prevID, prevAt = id, h.At
	}
	switch {
	case !p.Delivered:
		label := "DROPPED"
		if p.Drop != nil {
			label = fmt.Sprintf("DROPPED at %s\n%s", p.Drop.At, p.Drop.Reason)
			if p.Drop.Detail != "" {
				label += "\n" + wrap(p.Drop.Detail, 40)
			}
		}
		g.Nodes = append(g.Nodes, Node{ID: "drop", Attrs: attrs("label", label, "shape", "octagon", "style", "filled",
			"fillcolor", colDroppedFill, "color", colFailedLine, "fontcolor", colFailedLine, "penwidth", "2.5", "fontsize", "13")})
		if prevID != "" {
			g.Edges = append(g.Edges, Edge{From: prevID, To: "drop", Attrs: attrs("color", colFailedLine, "penwidth", "2.5", "style", "bold")})
		}
	default:
		g.Nodes = append(g.Nodes, Node{ID: "delivered", Attrs: attrs("label", "delivered to "+p.To, "shape", "ellipse", "style", "filled", "fillcolor", "#dff3dc", "color", colOK, "penwidth", "2")})
		if prevID != "" {
			g.Edges = append(g.Edges, Edge{From: prevID, To: "delivered", Attrs: attrs("color", colOK, "penwidth", "2")})
		}
	}
	return g
}

func pathTitle(sc *topology.Scenario, p sim.Path) string {
	lines := []string{fmt.Sprintf("%s — path %s → %s  %s, %d B payload", scenarioName(sc), p.From, p.To, p.Port, p.Size)}
	var status string
	switch {
	case p.Delivered:
		status = "delivered"
	case p.Drop != nil:
		status = fmt.Sprintf("DROPPED at %s: %s", p.Drop.At, p.Drop.Reason)
	default:
		status = "DROPPED"
	}
	enc := p.Encapsulation
	if enc == "" {
		enc = "none"
	}
	status += fmt.Sprintf(" · encapsulation %s · overhead %d B", enc, p.OverheadBytes)
	if p.PathMTU > 0 {
		status += fmt.Sprintf(" · path MTU %d", p.PathMTU)
	}
	if p.Policy != nil {
		status += fmt.Sprintf(" · policy %s (%s)", p.Policy.Verdict, p.Policy.DecidedBy)
	}
	return strings.Join(append(lines, status), "\n")
}

func placeFill(at string) string {
	switch {
	case strings.HasPrefix(at, "router/"):
		return "#ececec"
	case strings.HasPrefix(at, "node/"):
		return colSubnetFill
	case strings.HasPrefix(at, "external/"):
		return "#ffffff"
	case strings.HasPrefix(at, "subnet/"):
		return "#fbf7ee"
	}
	return "#f0f7ee" // a pod or an address
}

func hopLabel(i int, h sim.Hop) string {
	lines := []string{fmt.Sprintf("%d. %s", i+1, h.Action)}
	var meta []string
	if h.Dev != "" {
		meta = append(meta, "dev "+h.Dev)
	}
	if h.Bytes > 0 {
		meta = append(meta, fmt.Sprintf("%d B", h.Bytes))
	}
	if len(meta) > 0 {
		lines = append(lines, strings.Join(meta, " · "))
	}
	if h.Detail != "" {
		lines = append(lines, wrap(h.Detail, 44))
	}
	return strings.Join(lines, "\n")
}

func isDropAction(a string) bool {
	a = strings.ToLower(a)
	return strings.HasPrefix(a, "drop") || strings.Contains(a, "dropped")
}

// legEncap names the encapsulation a packet wrapped on dev carries; the
// path's own encapsulation when the device does not say.
func legEncap(dev, pathEncap string) string {
	switch {
	case dev == "tunl0" || dev == "" && pathEncap == "ipip":
		return "IPIP (+20 B)"
	case strings.HasPrefix(dev, "vxlan") || dev == "" && pathEncap == "vxlan":
		return "VXLAN (+50 B)"
	case strings.HasPrefix(dev, "wireguard") || strings.HasPrefix(dev, "wg") || dev == "" && pathEncap == "wireguard":
		return "WireGuard (+60 B)"
	}
	if pathEncap != "" && pathEncap != "none" {
		return strings.ToUpper(pathEncap)
	}
	return "encapsulated"
}

// legEdge joins hop from to the next one; a leg that changes place is a
// wire and says what travels on it (enc: the encapsulation it is in).
func legEdge(fromID, toID string, from sim.Hop, enc string, wire bool) Edge {
	e := Edge{From: fromID, To: toID, Attrs: attrs("color", "#999999")}
	if !wire {
		return e
	}
	var parts []string
	if enc != "" {
		parts = append(parts, enc)
	}
	if from.Dev != "" {
		parts = append(parts, "via "+from.Dev)
	}
	if from.Bytes > 0 {
		parts = append(parts, fmt.Sprintf("%d B", from.Bytes))
	}
	e.Attrs.Set("color", colPlainLeg)
	e.Attrs.Set("penwidth", "1.8")
	if enc != "" {
		e.Attrs.Set("color", colEncapLeg)
		e.Attrs.Set("fontcolor", colEncapLeg)
		e.Attrs.Set("penwidth", "3")
	}
	if len(parts) > 0 {
		e.Attrs.Set("label", strings.Join(parts, "\n"))
	}
	return e
}
