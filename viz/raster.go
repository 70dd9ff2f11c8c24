package viz

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// The PNG path: Graphviz lays the diagram out and prints it as JSON with
// xdot drawing operations (polygons, Bézier curves, ellipses, text, pen and
// fill colours, line styles), and rasterise replays those operations on a
// pure-Go canvas (gonum/plot's vgimg, Liberation fonts). Graphviz's own PNG
// renderer inside go-graphviz leaves out node outlines and edge lines.

const (
	pngDPI     = 96         // 1 pt = 4/3 px: legible at 100%
	pngPad     = 4.0        // points around the drawing, as Graphviz's pad
	pngMaxPix  = 12_000     // the longest side in pixels; larger drawings get a lower DPI
	pngMaxArea = 40_000_000 // pixels in all (160 MB of RGBA)
)

// xdotGraph is the part of Graphviz's JSON output that rasterise reads.
type xdotGraph struct {
	BB          string    `json:"bb"`
	Draw        []xdotOp  `json:"_draw_"`
	LDraw       []xdotOp  `json:"_ldraw_"`
	SubgraphCnt int       `json:"_subgraph_cnt"`
	Objects     []xdotObj `json:"objects"`
	Edges       []xdotObj `json:"edges"`
}

type xdotObj struct {
	Draw   []xdotOp `json:"_draw_"`
	LDraw  []xdotOp `json:"_ldraw_"`
	HDraw  []xdotOp `json:"_hdraw_"`
	TDraw  []xdotOp `json:"_tdraw_"`
	HLDraw []xdotOp `json:"_hldraw_"`
	TLDraw []xdotOp `json:"_tldraw_"`
}

type xdotOp struct {
	Op     string       `json:"op"`
	Color  string       `json:"color"`
	Points [][2]float64 `json:"points"`
	Rect   [4]float64   `json:"rect"`
	Size   float64      `json:"size"`
	Face   string       `json:"face"`
	Pt     [2]float64   `json:"pt"`
	Align  string       `json:"align"`
	Text   string       `json:"text"`
	Style  string       `json:"style"`
	Flags  int          `json:"fontchar"`
}

// rasteriser holds the drawing state of one xdot replay.
type rasteriser struct {
	c         *vgimg.Canvas
	fonts     *font.Cache
	pen, fill color.Color
	penOK     bool
	fillOK    bool
	width     float64
	dash      []vg.Length
	fontSize  float64
	fontFace  string
	bold      bool
	// box is the drawing's bounding box grown by a margin: Graphviz draws
	// inside it, and anything outside is not drawn (a malformed layout
	// could otherwise ask for a curve a billion points long).
	box [4]float64
}

func (r *rasteriser) inside(x, y float64) bool {
	return x >= r.box[0] && x <= r.box[2] && y >= r.box[1] && y <= r.box[3]
}

func (r *rasteriser) allInside(pts [][2]float64) bool {
	for _, q := range pts {
		if !r.inside(q[0], q[1]) {
			return false
		}
	}
	return true
}

// rasterise turns Graphviz's JSON output into a PNG.
func rasterise(layoutJSON []byte, w io.Writer) error {
	var g xdotGraph
	if err := json.Unmarshal(layoutJSON, &g); err != nil {
		return fmt.Errorf("png: read graphviz layout: %w", err)
	}
	bb, err := parseBB(g.BB)
	if err != nil {
		return fmt.Errorf("png: %w", err)
	}
	wPt, hPt := bb[2]-bb[0]+2*pngPad, bb[3]-bb[1]+2*pngPad
	dpi := float64(pngDPI)
	if longest := math.Max(wPt, hPt) * dpi / 72; longest > pngMaxPix {
		dpi = dpi * pngMaxPix / longest
	}
	if area := wPt * hPt * dpi * dpi / (72 * 72); area > pngMaxArea {
		dpi = dpi * math.Sqrt(pngMaxArea/area)
	}
	if dpi < 1 {
		return fmt.Errorf("png: a drawing of %.0f x %.0f points is too large to rasterise", wPt, hPt)
	}
	c := vgimg.NewWith(
		vgimg.UseWH(vg.Length(wPt), vg.Length(hPt)),
		vgimg.UseDPI(int(math.Max(dpi, 1))),
		vgimg.UseBackgroundColor(color.White),
	)
	c.Translate(vg.Point{X: vg.Length(pngPad - bb[0]), Y: vg.Length(pngPad - bb[1])})
	const margin = 50.0
	r := &rasteriser{c: c, fonts: font.NewCache(liberation.Collection()),
		box: [4]float64{bb[0] - margin, bb[1] - margin, bb[2] + margin, bb[3] + margin}}
	r.reset()
	r.ops(g.Draw, false)
	r.ops(g.LDraw, false)
	subs := min(max(g.SubgraphCnt, 0), len(g.Objects))
	for _, o := range g.Objects[:subs] {
		r.reset()
		r.ops(o.Draw, false)
		r.ops(o.LDraw, false)
	}
	for _, e := range g.Edges {
		for _, ops := range [][]xdotOp{e.Draw, e.HDraw, e.TDraw, e.LDraw, e.HLDraw, e.TLDraw} {
			r.reset()
			r.ops(ops, true)
		}
	}
	for _, o := range g.Objects[subs:] {
		r.reset()
		r.ops(o.Draw, false)
		r.ops(o.LDraw, false)
	}
	_, err = vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

func parseBB(s string) ([4]float64, error) {
	var bb [4]float64
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return bb, fmt.Errorf("bad bounding box %q", s)
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return bb, fmt.Errorf("bad bounding box %q", s)
		}
		bb[i] = v
	}
	if bb[2] < bb[0] || bb[3] < bb[1] {
		return bb, fmt.Errorf("bad bounding box %q", s)
	}
	return bb, nil
}

func (r *rasteriser) reset() {
	r.pen, r.penOK = color.Black, true
	r.fill, r.fillOK = color.Black, true
	r.width = 1
	r.dash = nil
	r.fontSize, r.fontFace, r.bold = 14, "Helvetica", false
}

// ops replays one xdot operation list. On an edge, Bézier curves are lines
// only.
func (r *rasteriser) ops(ops []xdotOp, edge bool) {
	for _, op := range ops {
		if !r.drawable(op) {
			continue
		}
		switch op.Op {
		case "c":
			r.pen, r.penOK = parseColor(op.Color)
		case "C":
			r.fill, r.fillOK = parseColor(op.Color)
		case "S":
			r.style(op.Style)
		case "F":
			r.fontSize, r.fontFace = op.Size, op.Face
		case "t":
			r.bold = op.Flags&1 != 0
		case "P":
			r.shape(polyPath(op.Points, true), true)
		case "p":
			r.shape(polyPath(op.Points, true), false)
		case "L":
			r.shape(polyPath(op.Points, false), false)
		// Graphviz's JSON writer swaps the Bézier ops of xdot: there "B"
		// is the filled curve and "b" the open one (checked by
		// TestPNGFillsBeziers against go-graphviz v0.2.10).
		case "B":
			r.shape(bezierPath(op.Points, !edge), !edge)
		case "b":
			r.shape(bezierPath(op.Points, false), false)
		case "E":
			r.shape(ellipsePath(op.Rect), true)
		case "e":
			r.shape(ellipsePath(op.Rect), false)
		case "T":
			r.text(op)
		}
	}
}

// drawable reports whether op stays inside the drawing and its sizes are
// sane; Graphviz's own layouts always are.
func (r *rasteriser) drawable(op xdotOp) bool {
	switch op.Op {
	case "P", "p", "L", "B", "b":
		return r.allInside(op.Points)
	case "E", "e":
		x, y, rx, ry := op.Rect[0], op.Rect[1], op.Rect[2], op.Rect[3]
		return rx >= 0 && ry >= 0 && r.inside(x-rx, y-ry) && r.inside(x+rx, y+ry)
	case "F":
		return op.Size >= 0 && op.Size <= 1000
	case "T":
		return r.inside(op.Pt[0], op.Pt[1])
	}
	return true
}

func (r *rasteriser) style(s string) {
	switch {
	case s == "dashed":
		r.dash = []vg.Length{5, 2}
	case s == "dotted":
		r.dash = []vg.Length{1, 2}
	case s == "solid":
		r.dash = nil
	case s == "bold":
		r.width = 2
	case strings.HasPrefix(s, "setlinewidth("):
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(s, "setlinewidth("), ")"), 64)
		if err == nil && v >= 0 && v < 100 {
			r.width = v
		}
	}
}

func (r *rasteriser) shape(p vg.Path, filled bool) {
	if len(p) == 0 {
		return
	}
	if filled && r.fillOK {
		r.c.SetColor(r.fill)
		r.c.Fill(p)
	}
	if r.penOK {
		r.c.SetColor(r.pen)
		r.c.SetLineWidth(vg.Length(r.width))
		r.c.SetLineDash(r.dash, 0)
		r.c.Stroke(p)
	}
}

func (r *rasteriser) text(op xdotOp) {
	if op.Text == "" || !r.penOK || r.fontSize <= 0 {
		return
	}
	fnt := font.Font{Typeface: "Liberation", Variant: "Sans"}
	f := strings.ToLower(r.fontFace)
	switch {
	case strings.Contains(f, "courier") || strings.Contains(f, "mono"):
		fnt.Variant = "Mono"
	case strings.Contains(f, "times") || strings.Contains(f, "serif") && !strings.Contains(f, "sans"):
		fnt.Variant = "Serif"
	}
	if r.bold || strings.Contains(f, "bold") {
		fnt.Weight = stdfont.WeightBold
	}
	face := r.fonts.Lookup(fnt, vg.Length(r.fontSize))
	w := face.Width(op.Text)
	x := vg.Length(op.Pt[0])
	switch op.Align {
	case "c":
		x -= w / 2
	case "r":
		x -= w
	}
	r.c.SetColor(r.pen)
	r.c.FillString(face, vg.Point{X: x, Y: vg.Length(op.Pt[1])}, op.Text)
}

func polyPath(pts [][2]float64, closed bool) vg.Path {
	var p vg.Path
	for i, q := range pts {
		pt := vg.Point{X: vg.Length(q[0]), Y: vg.Length(q[1])}
		if i == 0 {
			p.Move(pt)
		} else {
			p.Line(pt)
		}
	}
	if closed && len(pts) > 2 {
		p.Close()
	}
	return p
}

// bezierPath is a piecewise cubic Bézier: a start point then three points
// per segment.
func bezierPath(pts [][2]float64, closed bool) vg.Path {
	if len(pts) == 0 {
		return nil
	}
	pt := func(q [2]float64) vg.Point { return vg.Point{X: vg.Length(q[0]), Y: vg.Length(q[1])} }
	var p vg.Path
	p.Move(pt(pts[0]))
	for i := 1; i+2 < len(pts); i += 3 {
		p.CubeTo(pt(pts[i]), pt(pts[i+1]), pt(pts[i+2]))
	}
	if closed {
		p.Close()
	}
	return p
}

// ellipsePath approximates an ellipse (centre x, y; half axes w, h) with
// four cubic Bézier quarters.
func ellipsePath(rect [4]float64) vg.Path {
	cx, cy, rx, ry := rect[0], rect[1], rect[2], rect[3]
	const k = 0.5522847498
	pt := func(x, y float64) vg.Point { return vg.Point{X: vg.Length(x), Y: vg.Length(y)} }
	var p vg.Path
	p.Move(pt(cx+rx, cy))
	p.CubeTo(pt(cx+rx, cy+k*ry), pt(cx+k*rx, cy+ry), pt(cx, cy+ry))
	p.CubeTo(pt(cx-k*rx, cy+ry), pt(cx-rx, cy+k*ry), pt(cx-rx, cy))
	p.CubeTo(pt(cx-rx, cy-k*ry), pt(cx-k*rx, cy-ry), pt(cx, cy-ry))
	p.CubeTo(pt(cx+k*rx, cy-ry), pt(cx+rx, cy-k*ry), pt(cx+rx, cy))
	p.Close()
	return p
}

// parseColor reads Graphviz's #rrggbb or #rrggbbaa; anything else (a
// gradient, "transparent") is not drawn.
func parseColor(s string) (color.Color, bool) {
	if len(s) != 7 && len(s) != 9 || s[0] != '#' {
		return nil, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return nil, false
	}
	if len(s) == 7 {
		return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}, true
	}
	c := color.NRGBA{uint8(v >> 24), uint8(v >> 16), uint8(v >> 8), uint8(v)}
	return c, c.A != 0
}
