package main

import (
	"fmt"
	"io"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/calisim/calisim/sim"
	"github.com/spf13/cobra"
)

type bgpFlags struct {
	simFlags
	node   string
	output string
}

// maxStatusNodes bounds how many nodes `bgp` prints without --node.
const maxStatusNodes = 20

func newBGPCommand() *cobra.Command {
	f := &bgpFlags{}
	c := &cobra.Command{
		Use:   "bgp FILE|DIR [--node NAME]",
		Short: "BGP peers per node, as `calicoctl node status` prints them",
		Long: `BGP prints each node's BGP peers with their type (node-to-node mesh, global,
node specific), state and since-when in virtual time, as calicoctl node
status does. Without --node it prints the first 20 nodes.`,
		Example: `  calisim bgp scenarios/route-reflectors-global.yaml --node worker-1
  calisim bgp scenarios/rr-failure.yaml --node worker-1 --at 12s`,
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
			var nodes []int
			if f.node != "" {
				i, ok := tw.NodeIndex(f.node)
				if !ok {
					return usageError{fmt.Errorf("--node %q: no such node in %s", f.node, args[0])}
				}
				nodes = []int{i}
			} else {
				for i := range tw.Scenario.Nodes {
					if i == maxStatusNodes {
						break
					}
					nodes = append(nodes, i)
				}
			}
			var st []sim.NodeStatus
			for _, i := range nodes {
				st = append(st, tw.Status(i))
			}
			return printer.Write(c.OutOrStdout(), out, st, func(w io.Writer) error {
				for k, s := range st {
					if k > 0 || f.node == "" {
						if k > 0 {
							fmt.Fprintln(w)
						}
						fmt.Fprintf(w, "Node %s (%s)\n", s.Node, s.Addr)
					}
					printer.NodeStatus(w, s)
				}
				if f.node == "" && len(tw.Scenario.Nodes) > maxStatusNodes {
					fmt.Fprintf(w, "\n... %d more nodes (use --node NAME)\n", len(tw.Scenario.Nodes)-maxStatusNodes)
				}
				return nil
			})
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&f.node, "node", "", "the node whose peers to print")
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table|json|yaml")
	_ = c.RegisterFlagCompletionFunc("node", completeNodes)
	_ = c.RegisterFlagCompletionFunc("engine", completeWords("model", "gobgp"))
	_ = c.RegisterFlagCompletionFunc("output", completeWords("table", "json", "yaml"))
	return c
}
