//go:build unix

package bgp

import (
	"syscall"
	"time"
)

// cpuTime is the process's user and system CPU time so far, so that
// benchmarks can report CPU seconds besides wall time on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
