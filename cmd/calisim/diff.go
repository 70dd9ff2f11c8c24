package main

import (
	"fmt"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/diff"
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

type diffFlags struct {
	simFlags
	output string
}

func newDiffCommand() *cobra.Command {
	f := &diffFlags{}
	c := &cobra.Command{
		Use:   "diff A B [-o text|json]",
		Short: "What changes between two design variants; exit 1 when they differ",
		Long: `Diff simulates two scenarios (two variants of one design, say IPIP against
VXLAN, or mesh against route reflectors) and lists what changes: reachability,
encapsulation, overhead, path MTU and policy per flow; the pools; BGP
sessions, the most peers on one node and convergence; each node's tunnel,
pod MTU, BGP peers and route table (lines removed "-", added "+"); and the
findings. Flows are matched by from, to and port; nodes by name.

Exit 0 when the variants behave the same, 1 when they differ, 2 when an
input is wrong.`,
		Example: `  calisim diff scenarios/azure-ipip-blocked.yaml scenarios/azure-vxlan.yaml
  calisim diff mesh.yaml reflectors.yaml -o json | jq '.changes[] | select(.section=="bgp")'`,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			// The text diff is this command's table.
			var out printer.Format
			switch f.output {
			case "text":
				out = printer.Table
			case "json":
				out = printer.JSON
			default:
				return usageError{fmt.Errorf("-o %q: want text or json", f.output)}
			}
			opts, err := f.options()
			if err != nil {
				return err
			}
			var sides [2]diff.Side
			for i, file := range args {
				if sides[i], err = diffSide(c, file, opts); err != nil {
					return err
				}
			}
			d := diff.Compare(sides[0], sides[1])
			if err := printer.Write(c.OutOrStdout(), out, d, d.WriteText); err != nil {
				return err
			}
			if !d.Empty() {
				return failed()
			}
			return nil
		},
	}
	f.register(c, false)
	c.Flags().StringVarP(&f.output, "output", "o", "text", "output format: text|json")
	return c
}

// diffSide simulates one variant and collects every node's route table.
func diffSide(c *cobra.Command, file string, opts sim.Options) (diff.Side, error) {
	sc, err := topology.Load(file)
	if err != nil {
		return diff.Side{}, err
	}
	tw, err := sim.Build(c.Context(), sc, opts)
	if err != nil {
		return diff.Side{}, err
	}
	res, err := tw.Result(c.Context())
	if err != nil {
		return diff.Side{}, err
	}
	routes := make(map[string][]string, len(sc.Nodes))
	for i, n := range sc.Nodes {
		routes[n.Name] = tw.Routes(i)
	}
	return diff.Side{Name: file, Result: res, Routes: routes}, nil
}
