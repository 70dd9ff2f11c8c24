package policy

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// Where calisim follows Calico and netpol-analyzer does not, a case names
// the semantics that differ. The test then checks that calisim differs from
// the expected answer, that it agrees exactly once calisim is switched to
// netpol-analyzer's semantics for exactly those points, and that every point
// named is needed. Every other difference is a bug.
const (
	// nets: Calico matches nets (and a Kubernetes ipBlock, which becomes
	// nets) against every address, pods' included; netpol-analyzer and NCA
	// match them against external addresses only (NCA's pods have none).
	diffNets = "nets"
	// hostNetwork: a hostNetwork pod has no Calico workload endpoint, so
	// no policy applies to it and no selector selects it; netpol-analyzer
	// treats it as any other pod.
	diffHostNetwork = "hostNetwork"
	// icmp: Calico filters every protocol, so a policy whose rules all name
	// ports denies ICMP; netpol-analyzer models TCP, UDP and SCTP only and
	// says "All Connections" when all their ports are open.
	diffICMP = "icmp"
	// order: Calico breaks ties between policies of equal order by name;
	// NCA keeps them in the order they were given.
	diffOrder = "order"
	// emptyProfile: a Calico Profile without rules for a direction matches
	// nothing there, and an endpoint whose profiles match nothing is dropped;
	// NCA lets such a profile allow everything.
	diffEmptyProfile = "emptyProfile"
)

func diffOptions(diffs []string) options {
	var o options
	for _, d := range diffs {
		switch d {
		case diffNets:
			o.netsExternalOnly = true
		case diffHostNetwork:
			o.hostNetworkPolicy = true
		case diffICMP:
			o.portProtocolsOnly = true
		case diffOrder:
			o.tieByInput = true
		case diffEmptyProfile:
			o.emptyProfileAllows = true
		}
	}
	return o
}

// netpolAnalyzerDiffers lists, per case, where Calico and netpol-analyzer
// part (see the diff constants for each reason).
var netpolAnalyzerDiffers = map[string][]string{
	"ipblockstest":                      {diffHostNetwork},
	"ipblockstest_3":                    {diffHostNetwork},
	"semanticDiff-same-topologies-old1": {diffHostNetwork},
	"with_end_port_example":             {diffICMP},
}

// TestConformanceNetpolAnalyzer compares Connlist with netpol-analyzer's
// expected connectivity lists.
func TestConformanceNetpolAnalyzer(t *testing.T) {
	root := requireCases(t, "netpol-analyzer")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var cases, loaded, agree, agreeAsAnalyzer, lines, lineAgree int
	for _, d := range entries {
		if !d.IsDir() {
			continue
		}
		cases++
		name := d.Name()
		t.Run(name, func(t *testing.T) {
			input := filepath.Join(root, name, "input")
			want := expectedConnlist(t, filepath.Join(root, name, "expected"))
			lines += len(want)
			sc, err := topology.Load(folders(input)...)
			if err != nil {
				t.Skipf("the loader refuses the case (not policy's to fix): %s", firstLine(err))
			}
			loaded++
			own := owners(t, manifestFiles(input))
			applyOwners(sc, own)
			addrs := recordedAddrs(sc, podAddrs(t, sc), own)
			diffs := netpolAnalyzerDiffers[name]
			calico := connlistLines(t, sc, addrs, options{})
			missing, extra := lineDiff(want, calico)
			lineAgree += len(want) - len(missing)
			if len(missing)+len(extra) == 0 {
				agree++
				agreeAsAnalyzer++
				if len(diffs) > 0 {
					t.Errorf("listed as differing (%v) but agrees", diffs)
				}
				return
			}
			if len(diffs) == 0 {
				reportDiff(t, missing, extra)
				t.Errorf("calisim differs from netpol-analyzer on %d lines and the case names no Calico semantics that explain it", len(missing)+len(extra))
				return
			}
			m, x := lineDiff(want, connlistLines(t, sc, addrs, diffOptions(diffs)))
			if len(m)+len(x) > 0 {
				reportDiff(t, m, x)
				t.Errorf("with netpol-analyzer's semantics for %v, still %d lines differ", diffs, len(m)+len(x))
				return
			}
			agreeAsAnalyzer++
			for i := range diffs {
				fewer := append(slices.Clone(diffs[:i]), diffs[i+1:]...)
				if m, x := lineDiff(want, connlistLines(t, sc, addrs, diffOptions(fewer))); len(m)+len(x) == 0 {
					t.Errorf("%q is listed but not needed", diffs[i])
				}
			}
			t.Logf("differs from netpol-analyzer on %d of %d lines, as Calico does (%v)", len(missing)+len(extra), len(want), diffs)
		})
	}
	t.Logf("netpol-analyzer: %d cases, %d loaded; %d agree as they are, %d once the listed Calico differences are switched to netpol-analyzer's semantics; %d of %d expected lines listed as they are",
		cases, loaded, agree, agreeAsAnalyzer, lineAgree, lines)
}

func reportDiff(t *testing.T, missing, extra []string) {
	t.Helper()
	for i, l := range missing {
		if i == 10 {
			t.Errorf("... and %d more expected lines not listed", len(missing)-10)
			break
		}
		t.Errorf("expected, not listed: %s", l)
	}
	for i, l := range extra {
		if i == 10 {
			t.Errorf("... and %d more lines listed, not expected", len(extra)-10)
			break
		}
		t.Errorf("listed, not expected: %s", l)
	}
}

// expectedConnlist reads the case's expected .txt, without the lines about
// {ingress-controller} (Routes and Ingresses are not modelled).
func expectedConnlist(t *testing.T, dir string) []string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, "*_connlist_output.txt"))
	if len(matches) != 1 {
		t.Fatalf("%s: %d expected .txt files", dir, len(matches))
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if l != "" && !strings.HasPrefix(l, "{ingress-controller}") {
			out = append(out, l)
		}
	}
	return out
}

func connlistLines(t *testing.T, sc *topology.Scenario, addrs []netip.Addr, opts options) []string {
	t.Helper()
	e, err := newEngine(sc, addrs, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	conns, err := e.Connlist(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(conns))
	for i, c := range conns {
		out[i] = c.String()
	}
	return out
}
