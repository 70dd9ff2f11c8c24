package main

import (
	"fmt"
	"io"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/calisim/calisim/sim"
	"github.com/spf13/cobra"
)

type runFlags struct {
	simFlags
	output   string
	timeline bool
}

func newRunCommand() *cobra.Command {
	f := &runFlags{}
	c := &cobra.Command{
		Use:   "run FILE|DIR",
		Short: "Simulate a scenario: nodes, BGP, paths, policy and findings",
		Long: `Run builds the digital twin of a scenario — IPAM blocks, BGP sessions and routes,
each node's route table and MTUs — walks the scenario's flows as real packets
(or, with no flows, a sample of every subnet pair and workload pair), applies
network policy, and reports what the reference architecture would change.

Exit 1 when a finding has error severity (traffic the design breaks), 2 when
the input is wrong.

` + modelledVersion,
		Example: `  calisim run scenarios/onprem-l3-crosssubnet.yaml
  calisim run scenarios/aws-two-az.yaml -o json | jq .findings
  calisim run scenarios/large-mesh-no-typha.yaml --engine gobgp
  calisim run scenarios/rr-failure.yaml --timeline`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			out, err := printer.ParseFormat(f.output, printer.Table, printer.JSON, printer.YAML)
			if err != nil {
				return usageError{err}
			}
			tw, done, err := f.twin(c, args[0])
			if err != nil {
				return err
			}
			defer done()
			res, err := tw.Result(c.Context())
			if err != nil {
				return err
			}
			if !f.timeline {
				if out != printer.Table {
					// The timeline is in the JSON only when asked for: it
					// can be long.
					res.BGP.Timeline = nil
				}
			}
			w := c.OutOrStdout()
			if err := printer.Write(w, out, res, func(w io.Writer) error {
				if err := printer.Result(w, res); err != nil {
					return err
				}
				if f.timeline {
					fmt.Fprintf(w, "\nTIMELINE (virtual time)\n")
					printer.Timeline(w, res.BGP.Timeline)
				}
				return nil
			}); err != nil {
				return err
			}
			for _, fd := range res.Findings {
				if fd.Severity == sim.SeverityError {
					return failed()
				}
			}
			return nil
		},
	}
	f.register(c, true)
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table|json|yaml")
	c.Flags().BoolVar(&f.timeline, "timeline", false, "print the BGP events that changed state, in virtual time")
	_ = c.RegisterFlagCompletionFunc("engine", completeWords("model", "gobgp"))
	_ = c.RegisterFlagCompletionFunc("output", completeWords("table", "json", "yaml"))
	return c
}
