package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Options tune a run.
type Options struct {
	// RunID names the run's namespaces (cs-RUNID-...); empty: a random one.
	RunID string
	// Keep leaves the build in place; the report then says how to remove it.
	Keep bool
	// SessionTimeout bounds the wait for BGP sessions (default 20s);
	// SettleTimeout the wait for predicted routes after that (default 10s).
	SessionTimeout time.Duration
	SettleTimeout  time.Duration
	// Parallel is how many flows are probed at once (default 8).
	Parallel int
	// TempDir is where the run's folder goes (default os.TempDir()).
	TempDir string
	// Progress, when set, gets a line per phase.
	Progress io.Writer
}

func (o Options) withDefaults() Options {
	if o.RunID == "" {
		o.RunID = NewRunID()
	}
	if o.SessionTimeout <= 0 {
		o.SessionTimeout = 20 * time.Second
	}
	if o.SettleTimeout <= 0 {
		o.SettleTimeout = 10 * time.Second
	}
	if o.Parallel <= 0 {
		o.Parallel = 8
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	return o
}

// verifier is the state of one run.
type verifier struct {
	in  *Input
	lab *Lab
	opt Options
	rep *Report
}

// Run builds in for real, waits for BGP to settle, compares, and removes
// everything it made (unless opt.Keep) — also when ctx is cancelled or a
// step fails. The report holds every check; an error means the run could
// not finish (a missing tool, a failed build step, cancellation).
func Run(ctx context.Context, in *Input, opt Options) (rep *Report, err error) {
	start := time.Now()
	opt = opt.withDefaults()
	if err := Requirements(); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	names := Names{RunID: opt.RunID}
	progress := func(format string, args ...any) {
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "verify: "+format+"\n", args...)
		}
	}
	env, err := ProbeKernel(ctx, names)
	if err != nil {
		return nil, err
	}
	lopt := LabOptions{}
	if env.IPIP != "available" {
		lopt.IPIPReason = env.IPIP
	}
	if env.VXLAN != "available" {
		lopt.VXLANReason = env.VXLAN
	}
	dir := filepath.Join(opt.TempDir, "calisim-verify-"+opt.RunID)
	lab, err := PlanLab(in, names, dir, lopt)
	if err != nil {
		return nil, err
	}
	rep = &Report{Scenario: in.Scenario.Name, RunID: opt.RunID, Environment: env,
		Namespaces: len(lab.Namespaces), Birds: len(lab.Birds), Notes: lab.Notes}
	if lab.IPIPSkipped != "" {
		rep.Notes = append(rep.Notes, "ipip checks skipped: "+lab.IPIPSkipped)
	}
	if lab.VXLANSkipped != "" {
		rep.Notes = append(rep.Notes, "vxlan checks skipped: "+lab.VXLANSkipped)
	}
	defer func() {
		if opt.Keep {
			rep.Kept, rep.Teardown = true, lab.TeardownScript()
			return
		}
		t := time.Now()
		if terr := lab.Teardown(); terr != nil {
			err = errors.Join(err, fmt.Errorf("verify: cleanup: %w", terr))
		}
		rep.Timing.CleanupMillis = time.Since(t).Milliseconds()
		rep.Timing.TotalMillis = time.Since(start).Milliseconds()
	}()

	v := &verifier{in: in, lab: lab, opt: opt, rep: rep}
	progress("run %s: building %d namespaces", opt.RunID, len(lab.Namespaces))
	t := time.Now()
	if err := lab.Build(ctx); err != nil {
		return rep, err
	}
	if err := lab.StartBirds(ctx, opt.Keep); err != nil {
		return rep, err
	}
	rep.Timing.BuildMillis = time.Since(t).Milliseconds()
	progress("built in %s; waiting for %d BIRD daemons", time.Since(t).Round(time.Millisecond), len(lab.Birds))

	t = time.Now()
	if err := v.waitSettled(ctx); err != nil {
		return rep, err
	}
	rep.Timing.BGPMillis = time.Since(t).Milliseconds()
	progress("settled in %s; probing %d flows", time.Since(t).Round(time.Millisecond), len(in.Flows))

	t = time.Now()
	if err := v.checkNodes(ctx); err != nil {
		return rep, err
	}
	if err := v.checkFlows(ctx); err != nil {
		return rep, err
	}
	rep.Timing.ProbeMillis = time.Since(t).Milliseconds()
	rep.count()
	rep.Timing.TotalMillis = time.Since(start).Milliseconds()
	return rep, nil
}
