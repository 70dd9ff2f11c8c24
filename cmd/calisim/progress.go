package main

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressDelay is how long work runs before a progress bar appears: quick
// commands never show one.
const progressDelay = time.Second

// progress shows a bar on stderr for work that takes over a second, and only
// when stderr is a terminal, so pipes, files and CI logs stay clean.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	max   int // -1: a spinner
	desc  string
	done  int
	bar   *progressbar.ProgressBar
	timer *time.Timer
	ended bool
}

// newProgress starts a progress reporter over max steps (-1: unknown).
func newProgress(stderr io.Writer, max int) *progress {
	p := &progress{w: stderr, max: max}
	if !isTerminal(stderr) {
		p.ended = true
		return p
	}
	p.timer = time.AfterFunc(progressDelay, p.show)
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) show() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(p.desc),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionThrottle(100 * time.Millisecond),
	}
	if p.max > 0 {
		opts = append(opts, progressbar.OptionShowCount())
	}
	p.bar = progressbar.NewOptions(p.max, opts...)
	if p.done > 0 {
		_ = p.bar.Set(p.done)
	}
}

// Stage names the work under way.
func (p *progress) Stage(desc string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.desc = desc
	if p.bar != nil {
		p.bar.Describe(desc)
		if p.max < 0 {
			_ = p.bar.Add(1)
		}
	}
}

// Step counts one unit of work done.
func (p *progress) Step() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if p.bar != nil {
		_ = p.bar.Add(1)
	}
}

// Done removes the bar.
func (p *progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ended = true
	if p.timer != nil {
		p.timer.Stop()
	}
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}
