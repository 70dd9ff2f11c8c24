package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/plan"
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

type planFlags struct {
	simFlags
	output string
}

func newPlanCommand() *cobra.Command {
	f := &planFlags{}
	c := &cobra.Command{
		Use:   "plan FILE|DIR [-o table|json]",
		Short: "Every encapsulation and BGP layout side by side, and the one to pick",
		Long: `Plan re-runs the scenario on copies of it under every encapsulation (none,
ipip, ipip-crosssubnet, vxlan, vxlan-crosssubnet: every IPPool set to it) and
every BGP layout (full mesh; route reflectors, the first two nodes of each
subnet with one cluster ID, mesh off, nodes peering with the reflectors and
the reflectors with each other, as the reference architecture configures
them; and the scenario's own layout when it is not the plain mesh).

For each option it shows the pairs the network carries, the pod MTU, the
encapsulation overhead, BGP sessions, the most peers on one node, the
convergence time and the findings. Exactly one option is recommended, by the
reference architecture's rules: everything reachable first; then no
encapsulation where the underlay routes pods, CrossSubnet across subnet
boundaries, VXLAN where IPIP or BGP is blocked, route reflectors beyond 50
nodes; then the larger pod MTU. The reason is printed in words.`,
		Example: `  calisim plan scenarios/aws-two-az.yaml
  calisim plan scenarios/azure-ipip-blocked.yaml -o json | jq .recommendation`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			out, err := printer.ParseFormat(f.output, printer.Table, printer.JSON)
			if err != nil {
				return usageError{err}
			}
			opts, err := f.options()
			if err != nil {
				return err
			}
			sc, err := topology.Load(args[0])
			if err != nil {
				return err
			}
			p, err := plan.Make(c.Context(), sc, func(ctx context.Context, v *topology.Scenario) (*sim.Result, error) {
				return sim.Run(ctx, v, opts)
			})
			if err != nil {
				return err
			}
			return printer.Write(c.OutOrStdout(), out, p, func(w io.Writer) error { return planTable(w, p) })
		},
	}
	f.register(c, false)
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table|json")
	return c
}

// planTable prints the options, the recommended one starred, and the reason.
func planTable(w io.Writer, p *plan.Plan) error {
	ew := &errWriterTo{w: w}
	fmt.Fprintf(ew, "Plan for %s: %d nodes, %d subnets, %d options\n\n", p.Scenario, p.Nodes, p.Subnets, len(p.Options))
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tENCAPSULATION\tBGP\tREACHABLE\tPOD MTU\tOVERHEAD\tSESSIONS\tMAX PEERS\tCONVERGED\tFINDINGS")
	for _, o := range p.Options {
		star := ""
		if o.Recommended {
			star = "*"
		}
		conv := "no"
		if o.Converged {
			conv = (time.Duration(o.ConvergenceMillis) * time.Millisecond).String()
		}
		findings := strings.Join(o.Findings, ",")
		if findings == "" {
			findings = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%d\t%d\t%d\t%d\t%s\t%s\n", star, o.Encapsulation, o.BGP, o.Reachable, o.Pairs,
			o.PodMTU, o.OverheadBytes, o.Sessions, o.MaxPeersPerNode, conv, findings)
	}
	tw.Flush()
	fmt.Fprintf(ew, "\nRecommended (*): %s\n", p.Recommendation)
	return ew.err
}

// errWriterTo remembers the first write error.
type errWriterTo struct {
	w   io.Writer
	err error
}

func (e *errWriterTo) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}
