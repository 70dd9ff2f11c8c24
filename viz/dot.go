package viz

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Graph is a diagram in Graphviz terms, kept as ordered slices so that its
// DOT text is the same bytes for the same input.
type Graph struct {
	Name         string
	Attrs        Attrs // graph attributes
	NodeDefaults Attrs
	EdgeDefaults Attrs
	Clusters     []*Cluster
	Nodes        []Node // nodes outside every cluster
	Edges        []Edge
}

// Cluster is a Graphviz cluster subgraph: a box around its nodes.
type Cluster struct {
	ID       string // without the "cluster_" prefix
	Attrs    Attrs
	Nodes    []Node
	Clusters []*Cluster
}

// Node is one Graphviz node.
type Node struct {
	ID    string
	Attrs Attrs
}

// Edge is one Graphviz edge between node IDs.
type Edge struct {
	From, To string
	Attrs    Attrs
}

// Attr is one key="value" attribute.
type Attr struct{ Key, Value string }

// Attrs keeps attributes in the order they were set.
type Attrs []Attr

// Set replaces key's value, or appends it.
func (a *Attrs) Set(key, value string) {
	for i := range *a {
		if (*a)[i].Key == key {
			(*a)[i].Value = value
			return
		}
	}
	*a = append(*a, Attr{key, value})
}

// Get returns key's value ("" when absent).
func (a Attrs) Get(key string) string {
	for _, x := range a {
		if x.Key == key {
			return x.Value
		}
	}
	return ""
}

// attrs builds Attrs from key, value pairs.
func attrs(kv ...string) Attrs {
	a := make(Attrs, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		a = append(a, Attr{kv[i], kv[i+1]})
	}
	return a
}

// NodeCount is the number of nodes in the graph, clusters included.
func (g *Graph) NodeCount() int {
	n := len(g.Nodes)
	var walk func(cs []*Cluster)
	walk = func(cs []*Cluster) {
		for _, c := range cs {
			n += len(c.Nodes)
			walk(c.Clusters)
		}
	}
	walk(g.Clusters)
	return n
}

// DOT returns the graph as DOT text.
func (g *Graph) DOT() []byte {
	var b bytes.Buffer
	g.WriteDOT(&b) // a bytes.Buffer never fails
	return b.Bytes()
}

// WriteDOT writes the graph as DOT text.
func (g *Graph) WriteDOT(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", quote(g.Name))
	writeAttrLine(&b, "\t", "graph", g.Attrs)
	writeAttrLine(&b, "\t", "node", g.NodeDefaults)
	writeAttrLine(&b, "\t", "edge", g.EdgeDefaults)
	for _, c := range g.Clusters {
		writeCluster(&b, "\t", c)
	}
	for _, n := range g.Nodes {
		writeNode(&b, "\t", n)
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "\t%s -> %s", quote(e.From), quote(e.To))
		writeAttrList(&b, e.Attrs)
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCluster(b *strings.Builder, indent string, c *Cluster) {
	fmt.Fprintf(b, "%ssubgraph %s {\n", indent, quote("cluster_"+c.ID))
	in := indent + "\t"
	for _, a := range c.Attrs {
		fmt.Fprintf(b, "%s%s=%s;\n", in, quote(a.Key), quote(a.Value))
	}
	for _, sub := range c.Clusters {
		writeCluster(b, in, sub)
	}
	for _, n := range c.Nodes {
		writeNode(b, in, n)
	}
	fmt.Fprintf(b, "%s}\n", indent)
}

func writeNode(b *strings.Builder, indent string, n Node) {
	b.WriteString(indent)
	b.WriteString(quote(n.ID))
	writeAttrList(b, n.Attrs)
	b.WriteString(";\n")
}

func writeAttrLine(b *strings.Builder, indent, what string, a Attrs) {
	if len(a) == 0 {
		return
	}
	b.WriteString(indent + what)
	writeAttrList(b, a)
	b.WriteString(";\n")
}

func writeAttrList(b *strings.Builder, a Attrs) {
	if len(a) == 0 {
		return
	}
	b.WriteString(" [")
	for i, x := range a {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(x.Key))
		b.WriteByte('=')
		b.WriteString(quote(x.Value))
	}
	b.WriteByte(']')
}

// quote makes s a DOT double-quoted string. A newline becomes DOT's centred
// line break \n; other control characters become spaces, so no input can
// break out of the string; & becomes &amp;, because Graphviz reads
// "&name;" in a string as an entity and would copy a bad one into the SVG.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '&':
			b.WriteString("&amp;")
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
