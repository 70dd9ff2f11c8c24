package viz

import (
	"fmt"
	"strings"
)

// Colours and fonts shared by the views.
const (
	fontName       = "Helvetica"
	colSubnetFill  = "#f3f6fb"
	colSubnetLine  = "#7d8aa5"
	colWorker      = "#dbe8ff"
	colReflector   = "#ffe3a3"
	colControl     = "#dff3dc"
	colRouter      = "#e8e8e8"
	colExternal    = "#ffffff"
	colFailedFill  = "#ffd4d4"
	colFailedLine  = "#d01010"
	colOK          = "#1f7a1f"
	colMesh        = "#6b7890"
	colRRClient    = "#1f5fbf"
	colPeer        = "#0f8a6a"
	colRouterPeer  = "#8a3fbf"
	colHopFill     = "#f7f7f7"
	colEncapLeg    = "#1f5fbf"
	colPlainLeg    = "#333333"
	colDroppedFill = "#ffd4d4"
)

func newGraph(name, title string) *Graph {
	return &Graph{
		Name: name,
		Attrs: attrs(
			"label", title, "labelloc", "t", "labeljust", "l",
			"fontname", fontName, "fontsize", "16",
			"rankdir", "LR", "compound", "true", "nodesep", "0.35", "ranksep", "0.9",
			"bgcolor", "white", "pad", "0.2",
		),
		NodeDefaults: attrs("fontname", fontName, "fontsize", "12", "shape", "box", "style", "rounded,filled", "fillcolor", colWorker, "color", "#4a5568"),
		EdgeDefaults: attrs("fontname", fontName, "fontsize", "11", "color", "#4a5568", "arrowsize", "0.7"),
	}
}

func roleFill(role string) string {
	switch role {
	case roleReflector:
		return colReflector
	case roleControlPlane:
		return colControl
	}
	return colWorker
}

// plural says "1 worker", "3 workers".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	switch {
	case strings.HasSuffix(what, "s"):
		return thousands(n) + " " + what + "es"
	case strings.HasSuffix(what, "y"):
		return thousands(n) + " " + strings.TrimSuffix(what, "y") + "ies"
	}
	return thousands(n) + " " + what + "s"
}

// thousands prints n with thin grouping commas: 1,999,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// wrap breaks s into lines of at most width runes at spaces.
func wrap(s string, width int) string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		for _, word := range strings.Fields(para) {
			w := []rune(word)
			if len(line) > 0 && len(line)+1+len(w) > width {
				lines = append(lines, string(line))
				line = line[:0]
			}
			if len(line) > 0 {
				line = append(line, ' ')
			}
			line = append(line, w...)
		}
		lines = append(lines, string(line))
	}
	return strings.Join(lines, "\n")
}
