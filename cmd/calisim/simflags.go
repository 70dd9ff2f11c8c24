package main

import (
	"fmt"
	"time"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

// simFlags are the flags of every command that simulates.
type simFlags struct {
	engine string
	seed   uint64
	at     string
}

func (f *simFlags) register(c *cobra.Command, withAt bool) {
	c.Flags().StringVar(&f.engine, "engine", "model", "BGP engine: model (discrete-event, virtual time) or gobgp (real GoBGP speakers on loopback, up to 200)")
	c.Flags().Uint64Var(&f.seed, "seed", 1, "seed of the model engine's random choices (same seed, same output)")
	if withAt {
		c.Flags().StringVar(&f.at, "at", "", "show the state at this virtual time (e.g. 12s) of a failure scenario")
	}
}

// options are the sim options of the flags; the progress reporter, when
// given, is told each stage.
func (f *simFlags) options(pr ...*progress) (sim.Options, error) {
	o := sim.Options{Engine: f.engine, Seed: f.seed}
	if len(pr) > 0 && pr[0] != nil {
		o.Progress = pr[0].Stage
	}
	if f.at != "" {
		d, err := time.ParseDuration(f.at)
		if err != nil || d <= 0 {
			return o, usageError{fmt.Errorf("--at %q: want a positive duration such as 12s", f.at)}
		}
		o.At = d
	}
	return o, nil
}

// twin loads the scenario at path and builds its twin, showing progress on
// a terminal; done ends the progress bar (call it when the work is over).
func (f *simFlags) twin(c *cobra.Command, path string) (tw *sim.Twin, done func(), err error) {
	pr := newProgress(c.ErrOrStderr(), -1)
	opts, err := f.options(pr)
	if err != nil {
		pr.Done()
		return nil, nil, err
	}
	sc, err := topology.Load(path)
	if err != nil {
		pr.Done()
		return nil, nil, err
	}
	tw, err = sim.Build(c.Context(), sc, opts)
	if err != nil {
		pr.Done()
		return nil, nil, err
	}
	return tw, pr.Done, nil
}
