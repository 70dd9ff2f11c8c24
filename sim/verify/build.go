package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// run runs one command and returns its combined output; a failure names
// the command and says what it printed.
func run(ctx context.Context, argv []string, stdin string) (string, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if err != nil {
		msg := strings.TrimSpace(out.String())
		if ctx.Err() != nil {
			return out.String(), ctx.Err()
		}
		return out.String(), fmt.Errorf("%s: %v: %s", Step{Argv: argv}.String(), err, msg)
	}
	return out.String(), nil
}

// Build makes the lab real: the namespaces, then the steps phase by phase
// (see phaseOf). Within a phase the namespaces are independent, so they are
// configured several at a time, and each namespace's consecutive `ip`
// commands go to one `ip -batch`. It stops at the first failure; whatever
// was made is still removed by Teardown.
func (l *Lab) Build(ctx context.Context) error {
	if err := os.MkdirAll(l.Dir, 0o700); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	// Never touch a namespace this run did not create: refuse to start when
	// any of its names is taken (a reused run ID).
	if live, err := ListNetns(ctx); err == nil {
		for _, ns := range live {
			if l.Names.Owns(ns) {
				return fmt.Errorf("verify: namespace %s already exists: run ID %s is in use", ns, l.Names.RunID)
			}
		}
	}
	var mu sync.Mutex
	jobs := make([]func() error, len(l.Namespaces))
	for i, ns := range l.Namespaces {
		jobs[i] = func() error {
			if _, err := run(ctx, []string{"ip", "netns", "add", ns}, ""); err != nil {
				return err
			}
			mu.Lock()
			l.created = append(l.created, ns)
			mu.Unlock()
			return nil
		}
	}
	err := parallel(ctx, buildParallel, jobs)
	slices.Sort(l.created)
	if err != nil {
		return err
	}
	for _, phase := range l.phases() {
		var jobs []func() error
		for _, group := range phase {
			jobs = append(jobs, func() error { return runGroup(ctx, group) })
		}
		if err := parallel(ctx, buildParallel, jobs); err != nil {
			return err
		}
	}
	return nil
}

// buildParallel is how many namespaces are configured at once.
const buildParallel = 4

// parallel runs jobs, at most n at a time, and returns the first error (in
// job order).
func parallel(ctx context.Context, n int, jobs []func() error) error {
	errs := make([]error, len(jobs))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, job := range jobs {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = job()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// runGroup runs one namespace's steps of a phase in order, consecutive
// `ip -n NS` commands as one batch.
func runGroup(ctx context.Context, steps []Step) error {
	for i := 0; i < len(steps); {
		s := steps[i]
		if !isIPN(s) {
			if _, err := run(ctx, s.Argv, s.Stdin); err != nil {
				return err
			}
			i++
			continue
		}
		j := i
		var batch strings.Builder
		for j < len(steps) && isIPN(steps[j]) && steps[j].Argv[2] == s.Argv[2] {
			batch.WriteString(strings.Join(steps[j].Argv[3:], " "))
			batch.WriteByte('\n')
			j++
		}
		if j-i == 1 {
			if _, err := run(ctx, s.Argv, ""); err != nil {
				return err
			}
		} else if _, err := run(ctx, []string{"ip", "-n", s.Argv[2], "-batch", "-"}, batch.String()); err != nil {
			return fmt.Errorf("%w\nbatch:\n%s", err, batch.String())
		}
		i = j
	}
	return nil
}

// isIPN reports whether a step is a plain `ip -n NS ...` command.
func isIPN(s Step) bool {
	return len(s.Argv) > 3 && s.Argv[0] == "ip" && s.Argv[1] == "-n" && s.Stdin == ""
}

// StartBirds writes every BIRD's files and starts it in its namespace, in
// the foreground as a child of this process. Unless keep is set, each child
// gets SIGKILL when this process dies (PR_SET_PDEATHSIG), so an interrupted
// run leaves no daemon behind; with keep they outlive it and the pid files
// say which processes to stop.
func (l *Lab) StartBirds(ctx context.Context, keep bool) error {
	for i := range l.Birds {
		b := &l.Birds[i]
		if err := os.MkdirAll(b.Dir, 0o700); err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		for _, f := range b.Files {
			if err := os.WriteFile(filepath.Join(b.Dir, f.Name), f.Data, 0o600); err != nil {
				return fmt.Errorf("verify: %w", err)
			}
		}
		argv := append(b.Argv(), "-f")
		cmd := exec.Command(argv[0], argv[1:]...)
		logf, err := os.Create(filepath.Join(b.Dir, "bird.log"))
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		cmd.Stdout, cmd.Stderr = logf, logf
		if !keep {
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		}
		err = cmd.Start()
		logf.Close()
		if err != nil {
			return fmt.Errorf("starting BIRD for %s: %w", b.Owner, err)
		}
		b.cmd = cmd
		b.done = make(chan struct{})
		go func() { _ = cmd.Wait(); close(b.done) }()
	}
	// Wait for every pid file: BIRD writes it once its configuration parsed.
	deadline := time.Now().Add(5 * time.Second)
	for i := range l.Birds {
		b := &l.Birds[i]
		for {
			if _, err := readPID(b.PIDFile()); err == nil {
				break
			}
			select {
			case <-b.done:
				log, _ := os.ReadFile(filepath.Join(b.Dir, "bird.log"))
				return fmt.Errorf("BIRD for %s exited: %s", b.Owner, strings.TrimSpace(string(log)))
			default:
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("BIRD for %s wrote no pid file", b.Owner)
			}
			if err := sleep(ctx, 20*time.Millisecond); err != nil {
				return err
			}
		}
	}
	return nil
}

func readPID(file string) (int, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return 0, fmt.Errorf("%s: not a pid: %q", file, b)
	}
	return pid, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Teardown removes everything the lab made: it stops each BIRD it started
// (and only that process), deletes the namespaces it created (which takes
// their links, bridges, routes and rules with them) and the temporary
// folder. It does not take a context: it must run even when the run was
// cancelled.
func (l *Lab) Teardown() error {
	var errs []error
	for i := range l.Birds {
		if err := stopBird(&l.Birds[i]); err != nil {
			errs = append(errs, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := len(l.created) - 1; i >= 0; i-- {
		if err := deleteNetns(ctx, l.created[i]); err != nil {
			errs = append(errs, err)
		}
	}
	l.created = nil
	if l.Dir != "" {
		if err := os.RemoveAll(l.Dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func deleteNetns(ctx context.Context, ns string) error {
	if _, err := os.Stat(filepath.Join("/run/netns", ns)); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	_, err := run(ctx, []string{"ip", "netns", "del", ns}, "")
	return err
}

// ListNetns lists the named network namespaces (`ip netns list`).
func ListNetns(ctx context.Context) ([]string, error) {
	out, err := run(ctx, []string{"ip", "netns", "list"}, "")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			names = append(names, f[0])
		}
	}
	return names, nil
}

// stopBird sends SIGTERM to the BIRD the lab started, then SIGKILL if it
// has not gone within two seconds, and reaps it.
func stopBird(b *Bird) error {
	if b.cmd != nil && b.cmd.Process != nil {
		_ = b.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-b.done:
			return nil
		case <-time.After(2 * time.Second):
		}
		_ = b.cmd.Process.Kill()
		select {
		case <-b.done:
			return nil
		case <-time.After(2 * time.Second):
			return fmt.Errorf("BIRD for %s (pid %d) did not stop", b.Owner, b.cmd.Process.Pid)
		}
	}
	// A BIRD this process did not start (a kept lab): by its pid file.
	pid, err := readPID(b.PIDFile())
	if err != nil || !isOurBird(pid, b) {
		return nil
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if !isOurBird(pid, b) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	time.Sleep(50 * time.Millisecond)
	if isOurBird(pid, b) {
		return fmt.Errorf("BIRD for %s (pid %d) did not stop", b.Owner, pid)
	}
	return nil
}

// isOurBird reports whether pid is alive and is the bird that reads this
// Bird's configuration (so a recycled pid is never signalled).
func isOurBird(pid int, b *Bird) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err == nil {
		// A zombie has exited: field 3 is the state.
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && len(stat) > i+2 && stat[i+2] == 'Z' {
			return false
		}
	}
	return bytes.Contains(cmdline, []byte(b.Socket()))
}
