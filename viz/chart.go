package viz

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/calisim/calisim/sim"
)

// Chart sizes.
const (
	chartW = 16 * vg.Centimeter
	chartH = 8 * vg.Centimeter
)

var (
	chartBlue = color.NRGBA{0x1f, 0x5f, 0xbf, 0xff}
	chartRed  = color.NRGBA{0xd0, 0x10, 0x10, 0xff}
	chartGrey = color.NRGBA{0x6b, 0x78, 0x90, 0xff}
)

// ConvergenceChart plots the established BGP sessions over virtual time
// from a timeline (session-established adds, session-down removes, as
// many as the event counts), with a red mark at each failure and a grey
// one where BGP converged. It returns SVG.
func ConvergenceChart(title string, timeline []sim.Event) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "virtual time (s)"
	p.Y.Label.Text = "established sessions"
	var pts plotter.XYs
	var fails, conv plotter.XYs
	up := 0
	pts = append(pts, plotter.XY{X: 0, Y: 0})
	for _, e := range timeline {
		t := float64(e.AtMillis) / 1000
		switch e.What {
		case "session-established":
			up += eventCount(e)
			pts = append(pts, plotter.XY{X: t, Y: float64(up)})
		case "session-down":
			up = max(0, up-eventCount(e))
			pts = append(pts, plotter.XY{X: t, Y: float64(up)})
		case "failure":
			fails = append(fails, plotter.XY{X: t, Y: float64(up)})
		case "converged":
			conv = append(conv, plotter.XY{X: t, Y: float64(up)})
		}
	}
	if last := pts[len(pts)-1]; len(timeline) > 0 {
		end := float64(timeline[len(timeline)-1].AtMillis) / 1000
		if end > last.X {
			pts = append(pts, plotter.XY{X: end, Y: last.Y})
		}
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, fmt.Errorf("convergence chart: %w", err)
	}
	line.StepStyle = plotter.PostStep
	line.Color = chartBlue
	line.Width = vg.Points(1.5)
	p.Add(line, plotter.NewGrid())
	p.Legend.Add("established sessions", line)
	for _, m := range []struct {
		pts   plotter.XYs
		name  string
		col   color.Color
		shape draw.GlyphDrawer
	}{{fails, "failure", chartRed, draw.CrossGlyph{}}, {conv, "converged", chartGrey, draw.CircleGlyph{}}} {
		if len(m.pts) == 0 {
			continue
		}
		s, err := plotter.NewScatter(m.pts)
		if err != nil {
			return nil, fmt.Errorf("convergence chart: %w", err)
		}
		s.GlyphStyle.Color = m.col
		s.GlyphStyle.Shape = m.shape
		s.GlyphStyle.Radius = vg.Points(4)
		p.Add(s)
		p.Legend.Add(m.name, s)
	}
	p.Legend.Top = true
	p.Legend.Left = false
	p.Y.Min = 0
	headroom(p, pts)
	return chartSVG(p)
}

// eventCount is how many sessions one timeline event stands for: the BGP
// engine merges a burst into one event whose detail begins "N in all".
func eventCount(e sim.Event) int {
	if f := strings.Fields(e.Detail); len(f) > 2 && f[1] == "in" && f[2] == "all" {
		if n, err := strconv.Atoi(f[0]); err == nil && n > 0 {
			return n
		}
	}
	return 1
}

// Series is one set of bars of a BarChart.
type Series struct {
	Name   string
	Values []float64
}

var seriesColours = []color.Color{chartBlue, color.NRGBA{0xe0, 0x9a, 0x1e, 0xff}, chartGrey, chartRed}

// BarChart plots one group of bars per label (in the order given), one bar
// per series, and returns SVG.
func BarChart(title, yLabel string, labels []string, series ...Series) ([]byte, error) {
	for _, s := range series {
		if len(s.Values) != len(labels) {
			return nil, fmt.Errorf("bar chart %q: %d labels for %d values of %q", title, len(labels), len(s.Values), s.Name)
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = yLabel
	if len(labels) == 0 || len(series) == 0 {
		return chartSVG(p)
	}
	w := vg.Points(max(6, min(28, 300/float64(len(labels)*len(series)))))
	for i, s := range series {
		bars, err := plotter.NewBarChart(plotter.Values(s.Values), w)
		if err != nil {
			return nil, fmt.Errorf("bar chart %q: %w", title, err)
		}
		bars.Color = seriesColours[i%len(seriesColours)]
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(2*i-len(series)+1) / 2
		p.Add(bars)
		if len(series) > 1 {
			p.Legend.Add(s.Name, bars)
		}
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	var top plotter.XYs
	for _, s := range series {
		for _, v := range s.Values {
			top = append(top, plotter.XY{Y: v})
		}
	}
	headroom(p, top)
	short := make([]string, len(labels))
	for i, l := range labels {
		short[i] = shorten(l, 22)
	}
	p.NominalX(short...)
	if len(labels) > 6 {
		p.X.Tick.Label.Rotation = 0.6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	p.Y.Min = 0
	return chartSVG(p)
}

// headroom lifts the top of the Y axis above the data so that the legend,
// drawn top right, covers none of it.
func headroom(p *plot.Plot, pts plotter.XYs) {
	hi := 0.0
	for _, q := range pts {
		hi = max(hi, q.Y)
	}
	if hi > 0 {
		p.Y.Max = hi * 1.35
	}
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func chartSVG(p *plot.Plot) ([]byte, error) {
	c := vgsvg.NewWith(vgsvg.UseWH(chartW, chartH))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart %q: %w", p.Title.Text, err)
	}
	return buf.Bytes(), nil
}

// InlineSVG strips what an SVG document carries before its <svg> element
// (the XML declaration, a DOCTYPE naming a remote DTD, comments), so that
// it can be placed inside an HTML page.
func InlineSVG(svg []byte) []byte {
	i := bytes.Index(svg, []byte("<svg"))
	if i < 0 {
		return nil
	}
	out := svg[i:]
	// Graphviz writes comments naming each element: harmless, but bulky.
	var b bytes.Buffer
	for len(out) > 0 {
		j := bytes.Index(out, []byte("<!--"))
		if j < 0 {
			b.Write(out)
			break
		}
		b.Write(out[:j])
		k := bytes.Index(out[j:], []byte("-->"))
		if k < 0 {
			break
		}
		out = out[j+k+3:]
	}
	return bytes.TrimSpace([]byte(strings.TrimSpace(b.String())))
}
