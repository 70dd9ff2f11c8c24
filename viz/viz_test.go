package viz

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var (
	update = flag.Bool("update", false, "rewrite golden files")
	pngDir = flag.String("pngdir", "", "write the PNGs of TestPNG to this folder, to look at them")
)

type viewCase struct {
	name  string
	graph func() *Graph
	want  []string // names that must appear in the SVG
}

func viewCases() []viewCase {
	at5 := 5 * time.Second
	return []viewCase{
		{"topology-aws-two-az", func() *Graph { return Topology(twoAZ(), twoAZResult(), Options{}) },
			[]string{"az-a", "10.0.1.0/24", "src/dst check", "router vpc", "AS 64600", "worker-b-1", "10.244.0.192/26", "pod MTU 1480", "internet"}},
		{"topology-no-result", func() *Graph { return Topology(twoAZ(), nil, Options{}) },
			[]string{"az-b", "master", "spare"}},
		{"bgp-aws-two-az", func() *Graph { return BGP(twoAZ(), twoAZResult(), Options{}) },
			[]string{"rr-1", "rr-2", "route reflectors, cluster 224.0.0.1", "DOWN", "router vpc", "rr-client", "no BGP speaker", "10.0.9.9"}},
		{"bgp-aws-two-az-at-5s", func() *Graph { return BGP(twoAZ(), twoAZResult(), Options{At: &at5}) },
			[]string{"rr-1", "at 5s"}},
		{"path-delivered", func() *Graph { return Path(twoAZ(), twoAZDelivered(), Options{}) },
			[]string{"IPIP", "tunl0", "router/vpc", "delivered to org-1/db-0", "path MTU 1480"}},
		{"path-dropped", func() *Graph { return Path(twoAZ(), twoAZDropped(), Options{}) },
			[]string{"DROPPED at subnet/az-a", "src-dst-check", "node/worker-a-1"}},
		{"bgp-mesh-60-collapsed", func() *Graph { sc, res := mesh(60); return BGP(sc, res, Options{}) },
			[]string{"30 workers", "mesh ×435", "mesh ×900", "rack-a"}},
		{"topology-mesh-60-collapsed", func() *Graph { sc, res := mesh(60); return Topology(sc, res, Options{}) },
			[]string{"30 workers", "node-0000 … node-0058", "router core"}},
	}
}

func TestGoldenDOT(t *testing.T) {
	for _, tc := range viewCases() {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.graph().DOT()
			path := filepath.Join("testdata", tc.name+".dot.golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("DOT differs from %s (rerun with -update and review the diff):\n%s", path, got)
			}
			if again := tc.graph().DOT(); !bytes.Equal(got, again) {
				t.Error("two runs gave different DOT")
			}
		})
	}
}

// wellFormed parses svg as XML and collects its text.
func wellFormed(t *testing.T, svg []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	var text strings.Builder
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = x.Name.Local
			}
		case xml.CharData:
			text.Write(x)
			text.WriteByte('\n')
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	return text.String()
}

func TestSVG(t *testing.T) {
	ctx := context.Background()
	for _, tc := range viewCases() {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(ctx, tc.graph(), FormatSVG, &buf); err != nil {
				t.Fatal(err)
			}
			text := wellFormed(t, buf.Bytes())
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("SVG text lacks %q", w)
				}
			}
		})
	}
}

func TestPNG(t *testing.T) {
	ctx := context.Background()
	for _, tc := range viewCases() {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(ctx, tc.graph(), FormatPNG, &buf); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			b := img.Bounds()
			if b.Dx() < 100 || b.Dy() < 50 {
				t.Errorf("PNG is %dx%d, too small to read", b.Dx(), b.Dy())
			}
			if dark := inkFraction(img); dark < 0.005 {
				t.Errorf("PNG is nearly blank: %.4f of pixels drawn", dark)
			}
			if *pngDir != "" {
				if err := os.WriteFile(filepath.Join(*pngDir, tc.name+".png"), buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// inkFraction is the share of pixels that are not white.
func inkFraction(img image.Image) float64 {
	b := img.Bounds()
	var ink, all int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			all++
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(all)
}

func TestRenderDOTIsGraphDOT(t *testing.T) {
	g := Topology(twoAZ(), twoAZResult(), Options{})
	var buf bytes.Buffer
	if err := Render(context.Background(), g, FormatDOT, &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), g.DOT()) {
		t.Error("Render(dot) differs from Graph.DOT")
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		ok   bool
	}{{"svg", FormatSVG, true}, {"png", FormatPNG, true}, {"dot", FormatDOT, true}, {"jpg", 0, false}, {"", 0, false}} {
		got, err := ParseFormat(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseFormat(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("String() = %q, want %q", got.String(), tc.in)
		}
	}
}

func TestQuoteCannotBreakOut(t *testing.T) {
	g := &Graph{Name: `x"; evil [label="y`, Nodes: []Node{{ID: "a\"\\\n\x00b", Attrs: attrs("label", "line1\nline2 \"q\" \\N\nR&D &lt;x&gt;")}}}
	var buf bytes.Buffer
	if err := Render(context.Background(), g, FormatSVG, &buf); err != nil {
		t.Fatalf("graphviz refused quoted input: %v\n%s", err, g.DOT())
	}
	text := wellFormed(t, buf.Bytes())
	for _, w := range []string{"line1", `line2 "q" \N`, "R&D &lt;x&gt;"} {
		if !strings.Contains(text, w) {
			t.Errorf("SVG lacks %q:\n%s", w, text)
		}
	}
}

func TestCollapse(t *testing.T) {
	sc, res := mesh(60)
	g := BGP(sc, res, Options{})
	if n := g.NodeCount(); n > 20 {
		t.Errorf("collapsed 60-node BGP view has %d nodes", n)
	}
	g = BGP(sc, res, Options{Expand: true})
	if n := g.NodeCount(); n < 60 {
		t.Errorf("expanded view has %d nodes, want every one of 60", n)
	}
	if len(g.Edges) < 60*59/2 {
		t.Errorf("expanded view has %d edges, want every session", len(g.Edges))
	}
	g = Topology(sc, res, Options{CollapseAbove: 100})
	if n := g.NodeCount(); n < 60 {
		t.Errorf("CollapseAbove 100 collapsed 60 nodes (%d drawn)", n)
	}
}

func TestFailuresAt(t *testing.T) {
	sc := twoAZ()
	before, after := 9*time.Second, 10*time.Second
	if st := failuresAt(sc, &before); st.down["node/rr-1"] {
		t.Error("rr-1 down before its failure")
	}
	if st := failuresAt(sc, &after); !st.down["node/rr-1"] {
		t.Error("rr-1 not down at 10s")
	}
	if st := failuresAt(sc, nil); !st.down["node/rr-1"] {
		t.Error("rr-1 not down after every failure")
	}
}

// TestLargeMeshSVG is the bound: a 2,000-node mesh collapsed is
// one SVG under 3 MB, drawn in seconds.
func TestLargeMeshSVG(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	sc, res := mesh(2000)
	start := time.Now()
	for _, view := range []func() *Graph{
		func() *Graph { return BGP(sc, res, Options{}) },
		func() *Graph { return Topology(sc, res, Options{}) },
	} {
		var buf bytes.Buffer
		if err := Render(context.Background(), view(), FormatSVG, &buf); err != nil {
			t.Fatal(err)
		}
		if buf.Len() >= 3<<20 {
			t.Errorf("SVG is %d bytes, want under 3 MB", buf.Len())
		}
		text := wellFormed(t, buf.Bytes())
		if !strings.Contains(text, "1,000 workers") {
			t.Error("collapsed SVG does not count the workers")
		}
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v", d)
	}
}

func BenchmarkLargeMeshSVG(b *testing.B) {
	sc, res := mesh(2000)
	ctx := context.Background()
	b.ReportAllocs()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(ctx, BGP(sc, res, Options{}), FormatSVG, &buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "svg-bytes")
}

// TestPNGFillsBeziers pins the Bézier fill rule of the rasteriser: a
// rounded filled box shows its fill, a rounded open box does not.
func TestPNGFillsBeziers(t *testing.T) {
	for _, tc := range []struct {
		style string
		red   bool
	}{{"rounded,filled", true}, {"rounded", false}} {
		g := &Graph{Name: "fill", Nodes: []Node{{ID: "n", Attrs: attrs("shape", "box", "style", tc.style, "fillcolor", "#ff0000", "width", "2", "height", "1", "label", "")}}}
		var buf bytes.Buffer
		if err := Render(context.Background(), g, FormatPNG, &buf); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		r, g2, bl, _ := img.At(b.Dx()/2, b.Dy()/2).RGBA()
		isRed := r > 0xe000 && g2 < 0x2000 && bl < 0x2000
		if isRed != tc.red {
			t.Errorf("style %q: centre pixel red = %v, want %v", tc.style, isRed, tc.red)
		}
	}
}

func TestTooManyEdges(t *testing.T) {
	sc, res := mesh(250) // 31,125 sessions
	g := BGP(sc, res, Options{Expand: true})
	err := Render(context.Background(), g, FormatSVG, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "collapsed") {
		t.Errorf("expanded 250-node mesh: err = %v, want a refusal naming the way out", err)
	}
	if err := Render(context.Background(), g, FormatDOT, io.Discard); err != nil {
		t.Errorf("dot of a large graph: %v", err)
	}
}

// FuzzQuote: whatever the names and labels, the DOT parses in Graphviz and
// the SVG is well-formed and carries the label's text.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"worker-1", `a"b`, `back\slash`, "new\nline", "<tag>&amp;", "\x00\x1f", "ünïcödé", `\N\G\L`, "}", "]; x [", "-- ->"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, id, label string) {
		if !utf8.ValidString(id) || !utf8.ValidString(label) || len(id) > 200 || len(label) > 200 {
			t.Skip()
		}
		g := &Graph{Name: id, Nodes: []Node{{ID: id, Attrs: attrs("label", label)}, {ID: id + "2"}}, Edges: []Edge{{From: id, To: id + "2", Attrs: attrs("label", label)}}}
		var buf bytes.Buffer
		if err := Render(context.Background(), g, FormatSVG, &buf); err != nil {
			t.Fatalf("graphviz refused: %v\n%s", err, g.DOT())
		}
		wellFormed(t, buf.Bytes())
	})
}

// TestPeeringsFromOptions: a result without its session list (a large
// scenario) draws the sessions Options.Peerings gives, the same picture.
func TestPeeringsFromOptions(t *testing.T) {
	sc, res := mesh(60)
	want := BGP(sc, res, Options{}).DOT()
	ps := res.BGP.Peerings
	res.BGP.Peerings = nil
	if got := BGP(sc, res, Options{}).DOT(); bytes.Equal(got, want) || bytes.Contains(got, []byte("mesh ×")) {
		t.Error("no sessions listed, yet the view drew them")
	}
	got := BGP(sc, res, Options{Peerings: slices.Values(ps)}).DOT()
	if !bytes.Equal(got, want) {
		t.Errorf("Options.Peerings drew another picture:\n%s", got)
	}
}

// FuzzRasterise: whatever layout JSON comes in, rasterise returns a PNG or
// an error, never panics, and never allocates past its bounds.
func FuzzRasterise(f *testing.F) {
	out, err := layout(context.Background(), Path(twoAZ(), twoAZDropped(), Options{}), "json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(out)
	f.Add([]byte(`{"bb":"0,0,1e9,1e9"}`))
	f.Add([]byte(`{"bb":"0,0,10,10","_draw_":[{"op":"b","points":[[1,1]]},{"op":"E","rect":[1,1,1e9,-3]},{"op":"T","pt":[0,0],"text":"x"}]}`))
	f.Fuzz(func(t *testing.T, js []byte) {
		_ = rasterise(js, io.Discard)
	})
}
