package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/plan"
	"github.com/calisim/calisim/sim/topology"
	"github.com/calisim/calisim/viz"
	"github.com/calisim/calisim/viz/report"
	"github.com/spf13/cobra"
)

type reportFlags struct {
	simFlags
	output string
	noPlan bool
	expand bool
}

func newReportCommand() *cobra.Command {
	f := &reportFlags{}
	c := &cobra.Command{
		Use:   "report FILE|DIR -o F.html",
		Short: "One self-contained HTML page: diagrams, tables, charts, findings, plan",
		Long: `Report simulates the scenario and writes one HTML file that needs nothing
else to open: the topology, BGP and failed-path diagrams as inline SVG, the
node and path tables, the findings, the plan comparison (every encapsulation
and BGP layout, the recommended one marked; --no-plan leaves it out, which is
faster on large scenarios) and charts drawn with gonum/plot: established BGP
sessions over virtual time with the failures marked, the most peers per node
of full mesh against route reflectors, and the path MTU of each path. Styles
are inline; there is no script and no link to any other resource.`,
		Example: `  calisim report scenarios/aws-two-az.yaml -o aws-two-az.html
  calisim report scenarios/large-mesh-no-typha.yaml --no-plan -o mesh.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts, err := f.options()
			if err != nil {
				return err
			}
			sc, err := topology.Load(args[0])
			if err != nil {
				return err
			}
			in := report.Input{Scenario: sc, Diagrams: viz.Options{Expand: f.expand}}
			res, err := simulate(c, sc, opts, &in.Diagrams)
			if err != nil {
				return err
			}
			in.Result = res
			if opts.At > 0 {
				at := opts.At
				in.Diagrams.At = &at
			}
			if !f.noPlan {
				planOpts := opts
				planOpts.At = 0
				in.Plan, err = plan.Make(c.Context(), sc, func(ctx context.Context, v *topology.Scenario) (*sim.Result, error) {
					return sim.Run(ctx, v, planOpts)
				})
				if err != nil {
					return err
				}
			}
			var buf bytes.Buffer
			if err := report.Write(c.Context(), &buf, in); err != nil {
				return err
			}
			if f.output == "" || f.output == "-" {
				_, err := c.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := os.WriteFile(f.output, buf.Bytes(), 0o644); err != nil {
				return usageError{fmt.Errorf("-o: %w", err)}
			}
			fmt.Fprintf(c.OutOrStdout(), "wrote %s (%d bytes)\n", f.output, buf.Len())
			return nil
		},
	}
	f.register(c, true)
	c.Flags().StringVarP(&f.output, "output", "o", "", "write the page to this file (default: standard output)")
	c.Flags().BoolVar(&f.noPlan, "no-plan", false, "leave out the plan comparison (it runs the scenario 10 to 15 times)")
	c.Flags().BoolVar(&f.expand, "expand", false, "draw every node in the diagrams, even in a large scenario")
	return c
}
