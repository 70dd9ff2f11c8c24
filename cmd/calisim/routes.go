package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/spf13/cobra"
)

type routesFlags struct {
	simFlags
	node   string
	output string
}

func newRoutesCommand() *cobra.Command {
	f := &routesFlags{}
	c := &cobra.Command{
		Use:   "routes FILE|DIR --node NAME",
		Short: "A node's route table, exactly as `ip route` prints it",
		Long: `Routes prints what Felix and BIRD program on a node: the default and connected
routes, a blackhole for each of the node's own blocks, a route per remote block
(native via the node on eth0, IPIP via tunl0 onlink, VXLAN via the VTEP on
vxlan.calico onlink) and a /32 per local pod on its cali veth.

` + modelledVersion,
		Example: `  calisim routes scenarios/switching-modes-ipip.yaml --node master
  calisim routes scenarios/rr-failure.yaml --node worker-1 --at 12s`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			out, err := printer.ParseFormat(f.output, printer.Table, printer.JSON, printer.YAML)
			if err != nil {
				return usageError{err}
			}
			if f.node == "" {
				return usageError{fmt.Errorf("--node is required")}
			}
			tw, done, err := f.twin(c, args[0])
			if err != nil {
				return err
			}
			defer done()
			i, ok := tw.NodeIndex(f.node)
			if !ok {
				return usageError{fmt.Errorf("--node %q: no such node in %s", f.node, args[0])}
			}
			lines := tw.Routes(i)
			return printer.Write(c.OutOrStdout(), out, lines, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, strings.Join(lines, "\n"))
				return err
			})
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&f.node, "node", "", "the node whose table to print")
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table (ip route form)|json|yaml")
	_ = c.RegisterFlagCompletionFunc("node", completeNodes)
	_ = c.RegisterFlagCompletionFunc("engine", completeWords("model", "gobgp"))
	_ = c.RegisterFlagCompletionFunc("output", completeWords("table", "json", "yaml"))
	return c
}
