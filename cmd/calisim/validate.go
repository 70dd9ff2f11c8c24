package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

type validateFlags struct {
	output string
}

func newValidateCommand() *cobra.Command {
	f := &validateFlags{}
	c := &cobra.Command{
		Use:   "validate FILE|DIR...",
		Short: "Parse and check scenarios; nothing is simulated",
		Long: `Validate loads every scenario named (a file, or a folder of scenario files, or a
folder of plain Kubernetes/Calico manifests), checks every field and reports
every problem at once as FILE:LINE:COL: FIELD.PATH: message. It prints a
one-screen summary per scenario. Exit 0 when all are valid, 2 otherwise.`,
		Example: `  calisim validate scenarios/aws-two-az.yaml
  calisim validate scenarios/
  calisim validate -o json my-cluster/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			out, err := printer.ParseFormat(f.output, printer.Table, printer.JSON, printer.YAML)
			if err != nil {
				return usageError{err}
			}
			groups, err := sim.Discover(args)
			if err != nil {
				return usageError{err}
			}
			var sums []sim.Summary
			var errs []error
			for _, g := range groups {
				sc, err := topology.Load(g...)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				sums = append(sums, sim.Summarize(sc))
			}
			if err := printer.Write(c.OutOrStdout(), out, sums, func(w io.Writer) error {
				for _, s := range sums {
					if err := s.Write(w); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return err
			}
			if len(errs) > 0 {
				for _, e := range errs {
					fmt.Fprintln(c.ErrOrStderr(), e)
				}
				return exitError{code: 2, silent: true, err: errors.Join(errs...)}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table|json|yaml")
	_ = c.RegisterFlagCompletionFunc("output", completeWords("table", "json", "yaml"))
	return c
}
