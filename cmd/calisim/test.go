package main

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

type testFlags struct {
	simFlags
	junit   string
	verbose bool
}

func newTestCommand() *cobra.Command {
	f := &testFlags{}
	c := &cobra.Command{
		Use:   "test [FILE|DIR...]",
		Short: "Check scenarios' expectations; ends \"N passed, N failed\"",
		Long: `Test runs every scenario named (default: scenarios/) and checks its
expectations. Each expectation entry is one test: a flow, a node entry, the
bgp block, the ipam block, the findings block. A scenario that fails to load
counts as one failed test and the run goes on. A failure names the scenario
file and the line of the expectation, and what was found instead.

The last line is exactly "N passed, N failed". Exit 1 when any failed.`,
		Example: `  calisim test scenarios/
  calisim test scenarios/aws-two-az.yaml --junit report.xml
  calisim test scenarios/ --engine gobgp`,
		RunE: func(c *cobra.Command, args []string) error {
			opts, err := f.options()
			if err != nil {
				return err
			}
			if len(args) == 0 {
				args = []string{"scenarios"}
			}
			groups, err := sim.Discover(args)
			if err != nil {
				return usageError{err}
			}
			pr := newProgress(c.ErrOrStderr(), len(groups))
			pr.Stage("scenarios")
			suites := runSuites(c.Context(), groups, opts, pr.Step)
			pr.Done()
			w := c.OutOrStdout()
			passed, failedN := 0, 0
			for _, s := range suites {
				for _, o := range s.outcomes {
					if o.Passed {
						passed++
						if f.verbose {
							fmt.Fprintf(w, "PASS %s %s\n", o.Pos, o.Name)
						}
						continue
					}
					failedN++
					fmt.Fprintf(w, "FAIL %s %s\n", o.Pos, o.Name)
					for _, p := range o.Problems {
						fmt.Fprintf(w, "    %s\n", p)
					}
				}
			}
			fmt.Fprintf(w, "%d passed, %d failed\n", passed, failedN)
			if f.junit != "" {
				if err := writeJUnit(f.junit, suites); err != nil {
					return err
				}
			}
			if failedN > 0 {
				return failed()
			}
			return nil
		},
	}
	f.register(c, false)
	c.Flags().StringVar(&f.junit, "junit", "", "also write a JUnit XML report to this file")
	c.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "print passing tests too")
	return c
}

// suite is one scenario's outcomes.
type suite struct {
	name     string
	outcomes []sim.Outcome
	elapsed  time.Duration
}

// runSuites runs the scenarios in parallel and returns them in input order.
func runSuites(ctx context.Context, groups [][]string, opts sim.Options, step func()) []suite {
	out := make([]suite, len(groups))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			out[i] = runSuite(ctx, g, opts)
			out[i].elapsed = time.Since(start)
			step()
		}()
	}
	wg.Wait()
	return out
}

func runSuite(ctx context.Context, paths []string, opts sim.Options) suite {
	s := suite{name: strings.Join(paths, ",")}
	fail := func(err error) suite {
		pos := topology.Pos{File: paths[0]}
		var fe *topology.FieldError
		if errors.As(err, &fe) && fe.File != "" {
			pos = topology.Pos{File: fe.File, Line: fe.Line, Col: fe.Col}
		}
		s.outcomes = []sim.Outcome{{Scenario: s.name, Name: "load and simulate", Pos: pos, Problems: strings.Split(err.Error(), "\n")}}
		return s
	}
	sc, err := topology.Load(paths...)
	if err != nil {
		return fail(err)
	}
	s.name = sc.Name
	tw, err := sim.Build(ctx, sc, opts)
	if err != nil {
		return fail(err)
	}
	res, err := tw.Result(ctx)
	if err != nil {
		return fail(err)
	}
	outs, err := sim.Check(ctx, tw, res)
	if err != nil {
		return fail(err)
	}
	s.outcomes = outs
	return s
}

// JUnit XML, as CI systems read it.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func writeJUnit(name string, suites []suite) error {
	var js junitSuites
	for _, s := range suites {
		su := junitSuite{Name: s.name, Time: fmt.Sprintf("%.3f", s.elapsed.Seconds())}
		for _, o := range s.outcomes {
			jc := junitCase{Name: o.Name, Classname: s.name, File: o.Pos.File, Line: o.Pos.Line}
			if !o.Passed {
				su.Failures++
				jc.Failure = &junitFailure{Message: o.Pos.String() + ": " + o.Name, Text: strings.Join(o.Problems, "\n")}
			}
			su.Cases = append(su.Cases, jc)
			su.Tests++
		}
		js.Suites = append(js.Suites, su)
	}
	fh, err := os.Create(name)
	if err != nil {
		return usageError{fmt.Errorf("--junit: %w", err)}
	}
	if err := encodeJUnit(fh, js); err != nil {
		fh.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return fh.Close()
}

func encodeJUnit(w io.Writer, js junitSuites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(js); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
