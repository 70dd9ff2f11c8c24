package viz

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/goccy/go-graphviz"
)

// Format is an output format of a diagram. The zero value is FormatSVG.
type Format uint8

const (
	FormatSVG Format = iota
	FormatPNG
	FormatDOT
)

var formatNames = [...]string{"svg", "png", "dot"}

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("format(%d)", f)
}

// MarshalText prints the format's name.
func (f Format) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// ParseFormat parses svg|png|dot.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if n == s {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not a diagram format (svg, png, dot)", s)
}

// MaxLayoutEdges bounds the edges Graphviz is asked to lay out: beyond it
// the layout takes minutes and the picture is unreadable. Collapsed views
// stay far below it; an expanded large mesh does not.
const MaxLayoutEdges = 20_000

// graphvizMu serialises every call into go-graphviz: its WebAssembly
// module is one process-wide instance that is not safe for concurrent use.
var graphvizMu sync.Mutex

// Render writes g in format f: DOT as built, SVG laid out and drawn by
// Graphviz, PNG laid out by Graphviz and rasterised by this package (the
// go-graphviz PNG renderer draws neither node outlines nor edge lines).
func Render(ctx context.Context, g *Graph, f Format, w io.Writer) error {
	switch f {
	case FormatDOT:
		return g.WriteDOT(w)
	case FormatSVG:
		out, err := layout(ctx, g, "svg")
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	case FormatPNG:
		out, err := layout(ctx, g, "json")
		if err != nil {
			return err
		}
		return rasterise(out, w)
	}
	return fmt.Errorf("render: unknown format %v", f)
}

// layout runs Graphviz's dot layout over g and renders it in one of
// Graphviz's own formats (svg, json).
func layout(ctx context.Context, g *Graph, format string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if n := len(g.Edges); n > MaxLayoutEdges {
		return nil, fmt.Errorf("diagram %q has %d edges, more than %d can be laid out readably: draw it collapsed (without --expand) or as dot", g.Name, n, MaxLayoutEdges)
	}
	src := g.DOT()
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("start graphviz: %w", err)
	}
	defer gv.Close()
	parsed, err := graphviz.ParseBytes(src)
	if err != nil {
		return nil, fmt.Errorf("graphviz refused the diagram %q: %w", g.Name, err)
	}
	defer parsed.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, parsed, graphviz.Format(format), &buf); err != nil {
		return nil, fmt.Errorf("graphviz layout of %q: %w", g.Name, err)
	}
	return buf.Bytes(), nil
}
