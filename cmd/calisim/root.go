package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// modelledVersion is said in --help: where later Calico releases differ,
// calisim follows this one.
const modelledVersion = `Modelled: Calico v3.28–v3.30 with the BIRD backend. BIRD programs IPIP and
native pools (blackholes and remote blocks "proto bird"); Felix programs VXLAN
pools (blackholes and same-subnet routes "proto 80", vxlan.calico routes with
no proto), as those versions do. Where later releases differ (newer Felix
programs IPIP and blackhole routes itself with "proto 80"), calisim follows
the modelled version.`

// commands lists the constructors of every subcommand, in help order.
var commands = []func() *cobra.Command{
	newValidateCommand,
	newRunCommand,
	newTraceCommand,
	newRoutesCommand,
	newBGPCommand,
	newTestCommand,
	newPolicyCommand,
	newSelectCommand,
	newSchemaCommand,
	newVerifyCommand,
	newDiagramCommand,
	newPlanCommand,
	newDiffCommand,
	newReportCommand,
}

// newRoot builds the command tree; stop ends profiling when a command is
// done, whether it failed or not.
func newRoot() (root *cobra.Command, stop func()) {
	root = &cobra.Command{
		Use:   "calisim",
		Short: "A digital twin of a Calico-networked Kubernetes cluster",
		Long: `calisim simulates a Calico-networked Kubernetes cluster before it is deployed:
which packets get through and in which encapsulation (native, IPIP, VXLAN,
CrossSubnet), with what MTU; what BGP looks like and how it converges; what
network policy allows; and what the Calico reference architecture recommends.

` + modelledVersion,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	for _, mk := range commands {
		root.AddCommand(mk())
	}
	stop = addProfiling(root)
	return root, stop
}

// usageError is a wrong command line: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitError carries an exit code; with silent set the command already said why.
type exitError struct {
	code   int
	silent bool
	err    error
}

func (e exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e exitError) Unwrap() error { return e.err }

// failed is the exit-1 result of a run whose output already says what failed.
func failed() error { return exitError{code: 1, silent: true} }

func exitCode(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Everything else is the input or the command line: a *topology.FieldError,
	// a usageError, cobra's own argument errors, an unreadable file.
	return 2
}

func isSilent(err error) bool {
	var ee exitError
	return errors.As(err, &ee) && ee.silent
}
