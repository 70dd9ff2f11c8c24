package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
	"github.com/calisim/calisim/sim/verify"
	"github.com/spf13/cobra"
)

type verifyFlags struct {
	simFlags
	output         string
	keep           bool
	runID          string
	sessionTimeout time.Duration
}

func newVerifyCommand() *cobra.Command {
	f := &verifyFlags{}
	c := &cobra.Command{
		Use:   "verify FILE",
		Short: "Build the scenario for real (namespaces, BIRD, VXLAN) and compare with the twin",
		Long: `Verify builds the scenario for real on this machine and compares it, check by
check, with what the twin predicts:

  - a network namespace per node, router, external and pod; a bridge per
    subnet (in a namespace of its own: nothing touches the host) with the
    subnet's MTU; routers forward between their subnets;
  - pods behind a veth (caliXXXXXXXXXXX on the node, a /32 route to it, proxy
    ARP answering the pod's default gateway 169.254.1.1), as Calico's CNI
    plugin does;
  - BIRD 1.6 per node, configured as Calico's confd templates configure it
    (mesh, route reflectors, BGPPeers, blackholed blocks), and per router
    with an asNumber;
  - vxlan.calico devices, neighbours, FDB entries and routes as Felix
    programs them; the fabric's rules (srcDstCheck, blockProtocols,
    blockBGP) as nftables rules on the subnet bridges and routers.

Then it waits for BGP (at most --session-timeout) and compares every node's
routes and BGP sessions, the pods' MTU, and every flow with real packets
(ping with DF set at the flow's size, a TCP connect for tcp flows, the path
MTU). IPIP checks are skipped where the kernel has no ipip module (and
stock BIRD cannot program tunl0 routes); flows network policy denies are
skipped (no policy is built). The last line is "N checks, N agree, N differ".

Needs root, iproute2, nftables, iputils ping and bird (exit 2 naming what is
missing). Exit 1 when any check differs. Everything made is removed at the
end, on failure and on Ctrl-C; --keep leaves it and prints how to remove it.`,
		Example: `  sudo calisim verify scenarios/verify-native.yaml
  sudo calisim verify scenarios/verify-tor-10.yaml -o json | jq .timing
  sudo calisim verify scenarios/verify-aws-srcdst.yaml --keep`,
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
			if err := verify.Requirements(); err != nil {
				return usageError{err}
			}
			sc, err := topology.Load(args[0])
			if err != nil {
				return err
			}
			tw, err := sim.Build(c.Context(), sc, opts)
			if err != nil {
				return err
			}
			in, err := verify.FromTwin(c.Context(), tw)
			if err != nil {
				return err
			}
			rep, err := verify.Run(c.Context(), in, verify.Options{
				RunID: f.runID, Keep: f.keep, SessionTimeout: f.sessionTimeout, Progress: c.ErrOrStderr(),
			})
			if err != nil {
				var miss *verify.MissingError
				if errors.As(err, &miss) {
					return usageError{err}
				}
				if c.Context().Err() != nil {
					return fmt.Errorf("verify interrupted; everything it made was removed: %w", err)
				}
				return fmt.Errorf("verify could not finish (everything it made was removed): %w", err)
			}
			w := c.OutOrStdout()
			if out == printer.JSON {
				err = rep.WriteJSON(w)
			} else {
				err = rep.WriteText(w)
			}
			if err != nil {
				return err
			}
			if rep.Differ > 0 {
				return failed()
			}
			return nil
		},
	}
	f.register(c, false)
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table or json")
	c.Flags().BoolVar(&f.keep, "keep", false, "leave the build in place and print the commands that remove it")
	c.Flags().StringVar(&f.runID, "run-id", "", "name the run's namespaces cs-RUNID-... (default: random)")
	c.Flags().DurationVar(&f.sessionTimeout, "session-timeout", 20*time.Second, "how long to wait for BGP sessions to establish")
	return c
}
