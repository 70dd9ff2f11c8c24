package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

// inNetns runs fn on an OS thread switched into the named network
// namespace, then switches the thread back. Sockets fn opens stay in that
// namespace for their whole life, so a listener or a dialer made here
// serves or connects from inside it while the rest of the program stays
// where it was. If the thread cannot be switched back it is not returned to
// the scheduler: the goroutine ends with the thread locked, and Go
// discards it.
func inNetns(name string, fn func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("verify: %w", err)
	}
	defer orig.Close()
	target, err := os.Open(filepath.Join("/run/netns", name))
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("verify: namespace %s: %w", name, err)
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("verify: entering %s: %w", name, err)
	}
	ferr := fn()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		// Leave the thread locked: it dies with this goroutine.
		return fmt.Errorf("verify: leaving %s: %w", name, err)
	}
	runtime.UnlockOSThread()
	return ferr
}
