package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

type selectFlags struct {
	labels string
	output string
}

func newSelectCommand() *cobra.Command {
	f := &selectFlags{}
	c := &cobra.Command{
		Use:   "select EXPR [FILE|DIR]",
		Short: "Evaluate a Calico selector against a label set or a scenario",
		Long: `Select parses EXPR in Calico's selector language (==, !=, in {..}, not in {..},
has(k), !, &&, ||, parentheses, contains, starts with, ends with, all(),
global()). With --labels JSON it prints true or false for that one label set;
with a scenario it lists the nodes, pods and network sets the selector matches
(pods with their namespace's labels as Calico sees them). A selector Calico
refuses exits 2 with the column of the problem.`,
		Example: `  calisim select "app == 'web' && !has(canary)" --labels '{"app":"web"}'
  calisim select "rack in {'a','b'}" scenarios/tor-peering-per-rack.yaml`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			sel, err := selector.Parse(args[0])
			if err != nil {
				return usageError{fmt.Errorf("selector %q: %w", args[0], err)}
			}
			if f.labels != "" {
				if len(args) > 1 {
					return usageError{fmt.Errorf("give either --labels or a scenario, not both")}
				}
				var m map[string]string
				if err := json.Unmarshal([]byte(f.labels), &m); err != nil {
					return usageError{fmt.Errorf("--labels: want a JSON object of strings: %w", err)}
				}
				fmt.Fprintln(c.OutOrStdout(), sel.Matches(selector.Map(m)))
				return nil
			}
			if len(args) < 2 {
				return usageError{fmt.Errorf("give --labels JSON or a scenario FILE|DIR")}
			}
			out, err := printer.ParseFormat(f.output, printer.Table, printer.JSON, printer.YAML)
			if err != nil {
				return usageError{err}
			}
			sc, err := topology.Load(args[1])
			if err != nil {
				return err
			}
			m := sim.Select(sc, sel)
			return printer.Write(c.OutOrStdout(), out, m, func(w io.Writer) error {
				for _, kind := range []struct {
					name  string
					items []string
				}{{"node", m.Nodes}, {"pod", m.Pods}, {"networkset", m.NetworkSets}} {
					for _, it := range kind.items {
						fmt.Fprintf(w, "%s/%s\n", kind.name, it)
					}
				}
				if len(m.Nodes)+len(m.Pods)+len(m.NetworkSets) == 0 {
					fmt.Fprintln(w, "no match")
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&f.labels, "labels", "", `a JSON label set, e.g. '{"app":"web"}'`)
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table|json|yaml")
	_ = c.RegisterFlagCompletionFunc("output", completeWords("table", "json", "yaml"))
	return c
}
