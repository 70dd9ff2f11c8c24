package report

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/plan"
	"github.com/calisim/calisim/sim/topology"
	"github.com/calisim/calisim/viz"
)

// Bounds that keep the page readable; the JSON of `calisim run` has all.
const (
	maxPathDiagrams = 4
	maxNodeRows     = 500
	maxPathRows     = 500
	maxMTUBars      = 40
)

// Input is what the page shows. Plan may be nil.
type Input struct {
	Scenario *topology.Scenario
	Result   *sim.Result
	Plan     *plan.Plan
	Diagrams viz.Options
}

// Write renders the page.
func Write(ctx context.Context, w io.Writer, in Input) error {
	if in.Scenario == nil || in.Result == nil {
		return fmt.Errorf("report: a scenario and its result are needed")
	}
	p, err := build(ctx, in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, p); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// view is what the template reads.
type view struct {
	Title       string
	Description string
	Cloud       string
	Engine      string
	Seed        uint64
	Summary     []fact
	Findings    []sim.Finding
	Topology    template.HTML
	BGP         template.HTML
	PathFigs    []figure
	Nodes       []sim.NodeResult
	NodesMore   int
	Paths       []sim.Path
	PathsMore   int
	Plan        *plan.Plan
	Charts      []figure
	Warnings    []string
}

type fact struct{ Label, Value string }

type figure struct {
	Caption string
	SVG     template.HTML
}

func build(ctx context.Context, in Input) (*view, error) {
	sc, res := in.Scenario, in.Result
	v := &view{
		Title:       res.Scenario.Name,
		Description: res.Scenario.Description,
		Cloud:       res.Scenario.Cloud,
		Engine:      res.Scenario.Engine,
		Seed:        res.Scenario.Seed,
		Findings:    res.Findings,
		Plan:        in.Plan,
		Warnings:    res.Warnings,
	}
	if v.Title == "" {
		v.Title = sc.Name
	}
	delivered := 0
	for _, p := range res.Paths {
		if p.Delivered {
			delivered++
		}
	}
	conv := "not converged"
	if res.BGP.Converged {
		conv = fmt.Sprintf("converged in %d ms (virtual time)", res.BGP.ConvergenceMillis)
	}
	v.Summary = []fact{
		{"Nodes", fmt.Sprint(len(res.Nodes))},
		{"Paths", fmt.Sprintf("%d delivered, %d dropped", delivered, len(res.Paths)-delivered)},
		{"BGP", fmt.Sprintf("%s, %d sessions established of %d, at most %d per node, %s",
			res.BGP.Topology, res.BGP.Sessions, res.BGP.Configured, res.BGP.MaxPeersPerNode, conv)},
		{"IPAM", fmt.Sprintf("%d pods addressed, %d without an address, capacity %d", res.IPAM.PodsAddressed, res.IPAM.PodsWithoutIP, res.IPAM.PodCapacity)},
		{"Findings", findingCounts(res.Findings)},
	}

	n := 0
	svg := func(g *viz.Graph) (template.HTML, error) {
		var b bytes.Buffer
		if err := viz.Render(ctx, g, viz.FormatSVG, &b); err != nil {
			return "", err
		}
		n++
		return inline(b.Bytes(), fmt.Sprintf("f%d-", n)), nil
	}
	var err error
	if v.Topology, err = svg(viz.Topology(sc, res, in.Diagrams)); err != nil {
		return nil, err
	}
	if v.BGP, err = svg(viz.BGP(sc, res, in.Diagrams)); err != nil {
		return nil, err
	}
	for _, p := range pathsToDraw(res.Paths) {
		s, err := svg(viz.Path(sc, p, in.Diagrams))
		if err != nil {
			return nil, err
		}
		v.PathFigs = append(v.PathFigs, figure{Caption: fmt.Sprintf("%s → %s %s: %s", p.From, p.To, p.Port, outcome(p)), SVG: s})
	}

	v.Nodes = res.Nodes
	if len(v.Nodes) > maxNodeRows {
		v.Nodes, v.NodesMore = v.Nodes[:maxNodeRows], len(res.Nodes)-maxNodeRows
	}
	v.Paths = res.Paths
	if len(v.Paths) > maxPathRows {
		v.Paths, v.PathsMore = v.Paths[:maxPathRows], len(res.Paths)-maxPathRows
	}

	charts, err := charts(res, in.Plan)
	if err != nil {
		return nil, err
	}
	for i, c := range charts {
		c.SVG = inline([]byte(c.SVG), fmt.Sprintf("c%d-", i+1))
		v.Charts = append(v.Charts, c)
	}
	return v, nil
}

// pathsToDraw are the failed paths (the first few), or the first path
// when none failed.
func pathsToDraw(ps []sim.Path) []sim.Path {
	var out []sim.Path
	for _, p := range ps {
		if !p.Delivered {
			out = append(out, p)
			if len(out) == maxPathDiagrams {
				break
			}
		}
	}
	if len(out) == 0 && len(ps) > 0 {
		out = ps[:1]
	}
	return out
}

func outcome(p sim.Path) string {
	switch {
	case p.Delivered:
		return "delivered"
	case p.Drop != nil:
		return fmt.Sprintf("dropped at %s (%s)", p.Drop.At, p.Drop.Reason)
	}
	return "dropped"
}

func findingCounts(fs []sim.Finding) string {
	if len(fs) == 0 {
		return "none"
	}
	var parts []string
	for _, s := range []sim.Severity{sim.SeverityError, sim.SeverityWarning, sim.SeverityInfo} {
		n := 0
		for _, f := range fs {
			if f.Severity == s {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

// charts draws the convergence timeline (when there is one), the peers per
// node of each BGP layout (from the plan, at its recommended
// encapsulation), and the path MTU of each path.
func charts(res *sim.Result, p *plan.Plan) ([]figure, error) {
	var out []figure
	if len(res.BGP.Timeline) > 0 {
		s, err := viz.ConvergenceChart("BGP sessions over virtual time", res.BGP.Timeline)
		if err != nil {
			return nil, err
		}
		out = append(out, figure{Caption: "Established BGP sessions over virtual time; failures marked in red, convergence in grey.", SVG: template.HTML(s)})
	}
	if p != nil {
		var rec *plan.Option
		for i := range p.Options {
			if p.Options[i].Recommended {
				rec = &p.Options[i]
			}
		}
		if rec != nil {
			var labels []string
			ordinary, busiest := viz.Series{Name: "ordinary node"}, viz.Series{Name: "busiest node (a reflector)"}
			for _, o := range p.Options {
				if o.Encapsulation == rec.Encapsulation {
					labels = append(labels, string(o.BGP))
					ordinary.Values = append(ordinary.Values, float64(o.MaxClientPeers))
					busiest.Values = append(busiest.Values, float64(o.MaxPeersPerNode))
				}
			}
			s, err := viz.BarChart(fmt.Sprintf("BGP peers per node (%s)", rec.Encapsulation), "established sessions", labels, ordinary, busiest)
			if err != nil {
				return nil, err
			}
			out = append(out, figure{Caption: "BGP sessions of an ordinary node and of the busiest node, full mesh against route reflectors.", SVG: template.HTML(s)})
		}
	}
	if len(res.Paths) > 0 {
		var labels []string
		var values []float64
		for _, p := range res.Paths[:min(len(res.Paths), maxMTUBars)] {
			labels = append(labels, p.From+" → "+p.To)
			values = append(values, float64(p.PathMTU))
		}
		s, err := viz.BarChart("Path MTU per path", "bytes", labels, viz.Series{Name: "path MTU", Values: values})
		if err != nil {
			return nil, err
		}
		caption := "The largest pod IP packet that crosses each path unfragmented."
		if len(res.Paths) > maxMTUBars {
			caption += fmt.Sprintf(" The first %d of %d paths.", maxMTUBars, len(res.Paths))
		}
		out = append(out, figure{Caption: caption, SVG: template.HTML(s)})
	}
	return out, nil
}

var (
	idAttr  = regexp.MustCompile(`\bid="([^"]*)"`)
	urlRef  = regexp.MustCompile(`url\(#([^)]*)\)`)
	hrefRef = regexp.MustCompile(`href="#([^"]*)"`)
)

// inline makes an SVG document an element of the page: no prolog or
// DOCTYPE, and ids prefixed so that two pictures never share one.
func inline(svg []byte, prefix string) template.HTML {
	s := string(viz.InlineSVG(svg))
	s = idAttr.ReplaceAllString(s, `id="`+prefix+`$1"`)
	s = urlRef.ReplaceAllString(s, `url(#`+prefix+`$1)`)
	s = hrefRef.ReplaceAllString(s, `href="#`+prefix+`$1"`)
	return template.HTML(s) // generated by Graphviz or gonum/plot, which escape every text
}
