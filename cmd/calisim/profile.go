package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addProfiling adds --cpuprofile and --memprofile to every command, for
// measuring calisim on large scenarios with `go tool pprof`. The returned
// stop ends the CPU profile; Run calls it whatever the command returned
// (cobra skips PersistentPostRunE after an error).
func addProfiling(root *cobra.Command) (stop func()) {
	var cpu, mem string
	var cpuFile *os.File
	stop = func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
			cpuFile = nil
		}
	}
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
		stop()
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
	return stop
}
