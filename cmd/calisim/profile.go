package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addProfiling adds --cpuprofile and --memprofile to every command, for
// measuring calisim on large scenarios with `go tool pprof`.
func addProfiling(root *cobra.Command) {
	var cpu, mem string
	var cpuFile *os.File
	root.PersistentFlags().StringVar(&cpu, "cpuprofile", "", "write a CPU profile (pprof) to this file")
	root.PersistentFlags().StringVar(&mem, "memprofile", "", "write a heap profile (pprof) to this file when done")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpu == "" {
			return nil
		}
		f, err := os.Create(cpu)
		if err != nil {
			return usageError{fmt.Errorf("--cpuprofile: %w", err)}
		}
		cpuFile = f
		return pprof.StartCPUProfile(f)
	}
	root.PersistentPostRunE = func(*cobra.Command, []string) error {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem == "" {
			return nil
		}
		f, err := os.Create(mem)
		if err != nil {
			return usageError{fmt.Errorf("--memprofile: %w", err)}
		}
		defer f.Close()
		runtime.GC()
		return pprof.WriteHeapProfile(f)
	}
}
