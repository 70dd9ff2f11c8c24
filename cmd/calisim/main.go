// Command calisim is the digital twin of a Calico-networked Kubernetes
// cluster: it loads a scenario, simulates IPAM, BGP, the dataplane, real
// packets and network policy, and reports what would happen.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Run runs one command line and returns its exit code. Only main exits.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root, stop := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	stop()
	if err == nil {
		return 0
	}
	code := exitCode(err)
	if !isSilent(err) {
		fmt.Fprintf(stderr, "calisim: %v\n", err)
	}
	return code
}
