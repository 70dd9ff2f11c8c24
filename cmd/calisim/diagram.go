package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/packet"
	"github.com/calisim/calisim/sim/topology"
	"github.com/calisim/calisim/viz"
	"github.com/spf13/cobra"
)

type diagramFlags struct {
	simFlags
	view     string
	format   string
	output   string
	expand   bool
	collapse int
	from, to string
	port     string
	size     int
}

func newDiagramCommand() *cobra.Command {
	f := &diagramFlags{}
	c := &cobra.Command{
		Use:   "diagram FILE|DIR --view topology|bgp|path [-o F]",
		Short: "Draw the topology, the BGP peering or a packet's path (Graphviz)",
		Long: `Diagram draws one view of the simulated scenario:

  topology  subnets as boxes with CIDR, MTU and fabric rules (src/dst check,
            blocked protocols, BGP blocked); routers with their AS; nodes with
            address, IPAM blocks and pod MTU; externals behind the default router
  bgp       every session (mesh, rr-client, peer, router/eBGP) by kind and
            state: established solid, down dashed red with the reason;
            reflectors grouped by cluster ID; failed elements red. --at shows
            a moment of a failure scenario
  path      each hop of a packet (--from/--to, or the first dropped flow),
            the device, size and encapsulation of every leg, and where and why
            it was dropped, in red

Scenarios of more than 40 nodes are drawn with one box per subnet and role
and one edge per kind of session between boxes, with counts; --expand draws
every node. svg is Graphviz's own; png is the Graphviz layout drawn by
calisim in pure Go; dot is the Graphviz source. Without -o the picture goes
to standard output.`,
		Example: `  calisim diagram scenarios/aws-two-az.yaml --view topology -o aws.svg
  calisim diagram scenarios/route-reflectors-global.yaml --view bgp --format png -o bgp.png
  calisim diagram scenarios/aws-two-az.yaml --view path --from org-1/web-0 --to org-1/web-1 -o drop.svg
  calisim diagram scenarios/rr-failure.yaml --view bgp --at 12s --format dot`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			format, err := viz.ParseFormat(f.format)
			if err != nil {
				return usageError{fmt.Errorf("--format: %w", err)}
			}
			if f.view != "topology" && f.view != "bgp" && f.view != "path" {
				return usageError{fmt.Errorf("--view %q: want topology, bgp or path", f.view)}
			}
			if (f.from != "" || f.to != "") && f.view != "path" {
				return usageError{fmt.Errorf("--from and --to belong to --view path")}
			}
			if (f.from == "") != (f.to == "") {
				return usageError{fmt.Errorf("--from and --to go together")}
			}
			if f.collapse < 0 {
				return usageError{fmt.Errorf("--collapse-above %d: want a node count", f.collapse)}
			}
			opts, err := f.options()
			if err != nil {
				return err
			}
			vopts := viz.Options{Expand: f.expand, CollapseAbove: f.collapse}
			if opts.At > 0 {
				at := opts.At
				vopts.At = &at
			}
			sc, err := topology.Load(args[0])
			if err != nil {
				return err
			}
			g, err := f.graph(c, sc, opts, vopts)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := viz.Render(c.Context(), g, format, &buf); err != nil {
				return err
			}
			if f.output == "" || f.output == "-" {
				_, err := c.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := os.WriteFile(f.output, buf.Bytes(), 0o644); err != nil {
				return usageError{fmt.Errorf("-o: %w", err)}
			}
			fmt.Fprintf(c.OutOrStdout(), "wrote %s (%s %s, %d nodes drawn, %d bytes)\n", f.output, f.view, format, g.NodeCount(), buf.Len())
			return nil
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&f.view, "view", "topology", "topology|bgp|path")
	c.Flags().StringVar(&f.format, "format", "svg", "svg|png|dot")
	c.Flags().StringVarP(&f.output, "output", "o", "", "write the picture to this file (default: standard output)")
	c.Flags().BoolVar(&f.expand, "expand", false, "draw every node, even in a large scenario")
	c.Flags().IntVar(&f.collapse, "collapse-above", viz.DefaultCollapseAbove, "group nodes by subnet and role beyond this many nodes")
	c.Flags().StringVar(&f.from, "from", "", "path view: source endpoint reference")
	c.Flags().StringVar(&f.to, "to", "", "path view: destination endpoint reference")
	c.Flags().StringVar(&f.port, "port", "tcp/80", "path view: tcp/N, udp/N, sctp/N or icmp")
	c.Flags().IntVar(&f.size, "size", packet.DefaultSize, "path view: payload bytes (DF set)")
	return c
}

// graph simulates the scenario and builds the view.
func (f *diagramFlags) graph(c *cobra.Command, sc *topology.Scenario, opts sim.Options, vopts viz.Options) (*viz.Graph, error) {
	ctx := c.Context()
	if f.view == "path" && f.from != "" {
		from, err := topology.ParseRef(f.from)
		if err != nil {
			return nil, usageError{fmt.Errorf("--from: %w", err)}
		}
		to, err := topology.ParseRef(f.to)
		if err != nil {
			return nil, usageError{fmt.Errorf("--to: %w", err)}
		}
		port, err := topology.ParsePort(f.port)
		if err != nil {
			return nil, usageError{fmt.Errorf("--port: %w", err)}
		}
		if f.size < 0 || f.size > 65507 {
			return nil, usageError{fmt.Errorf("--size %d: want 0 to 65507 payload bytes", f.size)}
		}
		tw, err := sim.Build(ctx, sc, opts)
		if err != nil {
			return nil, err
		}
		paths, err := tw.Trace(ctx, from, to, port, f.size)
		if err != nil {
			return nil, usageError{err}
		}
		if len(paths) == 0 {
			return nil, usageError{fmt.Errorf("--from %s --to %s name no pair of endpoints", f.from, f.to)}
		}
		return viz.Path(sc, pickPath(paths), vopts), nil
	}
	res, err := simulate(c, sc, opts, &vopts)
	if err != nil {
		return nil, err
	}
	switch f.view {
	case "bgp":
		return viz.BGP(sc, res, vopts), nil
	case "path":
		if len(res.Paths) == 0 {
			return nil, usageError{fmt.Errorf("the scenario simulated no path: give --from and --to")}
		}
		return viz.Path(sc, pickPath(res.Paths), vopts), nil
	}
	return viz.Topology(sc, res, vopts), nil
}

// pickPath is the first dropped path, else the first.
func pickPath(ps []sim.Path) sim.Path {
	for _, p := range ps {
		if !p.Delivered {
			return p
		}
	}
	return ps[0]
}

// simulate builds the twin and its result, and points the diagrams at the
// twin's sessions when the result leaves them out for size.
func simulate(c *cobra.Command, sc *topology.Scenario, opts sim.Options, vopts *viz.Options) (*sim.Result, error) {
	tw, err := sim.Build(c.Context(), sc, opts)
	if err != nil {
		return nil, err
	}
	res, err := tw.Result(c.Context())
	if err != nil {
		return nil, err
	}
	if len(res.BGP.Peerings) == 0 {
		vopts.Peerings = tw.Peerings()
	}
	return res, nil
}
