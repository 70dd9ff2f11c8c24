package main

import (
	"fmt"
	"io"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/policy"
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

type policyFlags struct {
	matrix   bool
	explain  bool
	from, to string
	port     string
	output   string
}

func newPolicyCommand() *cobra.Command {
	f := &policyFlags{}
	c := &cobra.Command{
		Use:   "policy FILE|DIR [--matrix | --explain --from REF --to REF | -o connlist]",
		Short: "Network policy verdicts for every pod pair, with the deciding policy",
		Long: `Policy evaluates Calico GlobalNetworkPolicy and NetworkPolicy, Kubernetes
NetworkPolicy (as Calico converts it: knp.default.<name>, order 1000), tiers,
profiles (kns.<namespace>) and network sets exactly as Felix applies them:
egress on the source, ingress on the destination, both must allow; policies in
order (lower first, ties by name); Pass to the next tier; no rule matched
where a policy applied: implicit-deny at the end of the tier.

Modes:
  (none)      every ordered pod pair: allow|deny and the deciding policy
  --matrix    one line per pod "ns/pod " then one character per destination
              pod in the same order ('.' allowed, 'X' denied)
  --explain   per direction, each policy considered in order, whether it
              applied, the rule that matched and the result
  -o connlist connectivity per workload in np-guard netpol-analyzer's format
              (src => dst : conns)`,
		Example: `  calisim policy scenarios/policy-global-default-deny.yaml
  calisim policy scenarios/policy-tenant-isolation.yaml --matrix --port tcp/80
  calisim policy manifests/ --explain --from shop/front-0 --to shop/db-0 --port tcp/5432
  calisim policy manifests/ -o connlist`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			out, err := printer.ParseFormat(f.output, printer.Table, printer.JSON, printer.YAML, "connlist")
			if err != nil {
				return usageError{err}
			}
			modes := 0
			for _, on := range []bool{f.matrix, f.explain, out == "connlist"} {
				if on {
					modes++
				}
			}
			if modes > 1 {
				return usageError{fmt.Errorf("choose one of --matrix, --explain and -o connlist")}
			}
			port, err := topology.ParsePort(f.port)
			if err != nil {
				return usageError{fmt.Errorf("--port: %w", err)}
			}
			sc, err := topology.Load(args[0])
			if err != nil {
				return err
			}
			v, err := sim.NewPolicyView(sc)
			if err != nil {
				return err
			}
			w := c.OutOrStdout()
			switch {
			case out == "connlist":
				conns, err := v.Engine.Connlist(c.Context())
				if err != nil {
					return err
				}
				return policy.FormatConnlist(w, conns)
			case f.matrix:
				if err := v.CheckMatrixSize(); err != nil {
					return usageError{err}
				}
				m, err := v.Engine.Matrix(c.Context(), port)
				if err != nil {
					return err
				}
				return m.Format(w)
			case f.explain:
				if f.from == "" || f.to == "" {
					return usageError{fmt.Errorf("--explain needs --from and --to")}
				}
				srcs, dsts, err := policyRefs(v, f.from, f.to)
				if err != nil {
					return err
				}
				var xs []policy.Explanation
				for _, s := range srcs {
					for _, d := range dsts {
						xs = append(xs, v.Engine.Explain(s, d, port))
					}
				}
				return printer.Write(w, out, xs, func(w io.Writer) error {
					for i, x := range xs {
						if i > 0 {
							fmt.Fprintln(w)
						}
						if err := x.Format(w); err != nil {
							return err
						}
					}
					return nil
				})
			}
			if err := v.CheckMatrixSize(); err != nil {
				return usageError{err}
			}
			vs, err := v.Verdicts(c.Context(), port)
			if err != nil {
				return err
			}
			return printer.Write(w, out, vs, func(w io.Writer) error {
				for _, x := range vs {
					fmt.Fprintf(w, "%s -> %s %s: %s (%s)\n", x.From, x.To, x.Port, x.Verdict, x.DecidedBy)
				}
				return nil
			})
		},
	}
	c.Flags().BoolVar(&f.matrix, "matrix", false, "print the pod-by-pod allow matrix")
	c.Flags().BoolVar(&f.explain, "explain", false, "explain the verdict between --from and --to")
	c.Flags().StringVar(&f.from, "from", "", "source reference (with --explain)")
	c.Flags().StringVar(&f.to, "to", "", "destination reference (with --explain)")
	c.Flags().StringVar(&f.port, "port", "tcp/80", "tcp/N, udp/N, sctp/N or icmp")
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table|json|yaml|connlist")
	_ = c.RegisterFlagCompletionFunc("from", completeRefs)
	_ = c.RegisterFlagCompletionFunc("to", completeRefs)
	_ = c.RegisterFlagCompletionFunc("output", completeWords("table", "json", "yaml", "connlist"))
	return c
}

func policyRefs(v *sim.PolicyView, from, to string) ([]policy.Endpoint, []policy.Endpoint, error) {
	fr, err := topology.ParseRef(from)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("--from: %w", err)}
	}
	tr, err := topology.ParseRef(to)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("--to: %w", err)}
	}
	srcs, err := v.Endpoints(fr)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("--from: %w", err)}
	}
	dsts, err := v.Endpoints(tr)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("--to: %w", err)}
	}
	return srcs, dsts, nil
}
