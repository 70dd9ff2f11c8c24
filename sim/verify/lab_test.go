package verify

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

var update = flag.Bool("update", false, "rewrite golden files")

// loadInput loads a bundled scenario with its allocation (no prediction).
func loadInput(t *testing.T, name string) *Input {
	t.Helper()
	sc, err := topology.Load(filepath.Join("..", "..", "scenarios", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		t.Fatal(err)
	}
	return &Input{Scenario: sc, Alloc: alloc}
}

var bundled = []string{"verify-native", "verify-crosssubnet", "verify-vxlan", "verify-reflectors", "verify-aws-srcdst", "verify-tor-10"}

// TestLabGolden pins the whole build of each bundled scenario: every
// command, the BIRD daemons, and the teardown.
func TestLabGolden(t *testing.T) {
	for _, name := range bundled {
		t.Run(name, func(t *testing.T) {
			in := loadInput(t, name)
			l, err := PlanLab(in, Names{RunID: "golden"}, "/tmp/calisim-verify-golden", LabOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			b.WriteString("# build\n")
			b.WriteString(l.Script())
			b.WriteString("# teardown\n")
			b.WriteString(l.TeardownScript())
			for _, bd := range l.Birds {
				for _, f := range bd.Files {
					b.WriteString("# " + filepath.Join(bd.Dir, f.Name) + "\n")
					b.Write(f.Data)
				}
			}
			file := filepath.Join("testdata", name+".lab.golden")
			if *update {
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs; run go test -update and review the diff", file)
			}
		})
	}
}

// TestLabNamesStayInside checks that every command acts inside one of the
// run's namespaces and that every interface name fits IFNAMSIZ.
func TestLabNamesStayInside(t *testing.T) {
	for _, name := range bundled {
		in := loadInput(t, name)
		names := Names{RunID: "abc123"}
		l, err := PlanLab(in, names, "/tmp/x", LabOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, ns := range l.Namespaces {
			if !names.Owns(ns) {
				t.Errorf("%s: namespace %s lacks the run prefix", name, ns)
			}
		}
		for _, s := range l.Steps {
			if !names.Owns(stepNS(s)) {
				t.Errorf("%s: step acts outside the run's namespaces: %s", name, s)
			}
			for k, a := range s.Argv {
				if k > 0 && (s.Argv[k-1] == "name" || s.Argv[k-1] == "add" && s.Argv[k-2] == "link") && len(a) > 15 {
					t.Errorf("%s: interface name %q longer than 15 bytes", name, a)
				}
			}
		}
		for _, b := range l.Birds {
			if !names.Owns(b.Netns) || !strings.HasPrefix(b.Dir, "/tmp/x/") {
				t.Errorf("%s: BIRD %s outside the run: %s %s", name, b.Owner, b.Netns, b.Dir)
			}
		}
	}
}

func TestTeardownScriptRemovesEverything(t *testing.T) {
	in := loadInput(t, "verify-tor-10")
	l, err := PlanLab(in, Names{RunID: "td"}, "/tmp/calisim-verify-td", LabOptions{})
	if err != nil {
		t.Fatal(err)
	}
	td := l.TeardownScript()
	for _, ns := range l.Namespaces {
		if !strings.Contains(td, "ip netns del "+ns+"\n") {
			t.Errorf("teardown does not delete %s", ns)
		}
	}
	for _, b := range l.Birds {
		if !strings.Contains(td, "kill $(cat "+b.PIDFile()+")") {
			t.Errorf("teardown does not stop BIRD of %s", b.Owner)
		}
	}
	if !strings.HasSuffix(td, "rm -rf /tmp/calisim-verify-td\n") {
		t.Errorf("teardown does not remove the run folder last:\n%s", td)
	}
	// BIRDs are stopped before their namespaces go.
	if strings.Index(td, "kill") > strings.Index(td, "ip netns del") {
		t.Error("teardown deletes namespaces before stopping BIRD")
	}
}

func TestPhasesKeepOrderInsideANamespace(t *testing.T) {
	in := loadInput(t, "verify-crosssubnet")
	l, err := PlanLab(in, Names{RunID: "ph"}, "/tmp/x", LabOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Flattened phases, per namespace, must be the plan's order for that
	// namespace within each phase, and every link is added before use.
	added := map[string]bool{}
	for _, phase := range l.phases() {
		for _, group := range phase {
			for _, s := range group {
				a := s.Argv
				if len(a) > 5 && a[3] == "link" && a[4] == "add" {
					added[stepNS(s)+"/"+a[5]] = true
					peer, peerNS := "", ""
					for k := range a {
						if a[k] == "peer" && k+2 < len(a) {
							peer = a[k+2]
						}
						if a[k] == "netns" && k+1 < len(a) {
							peerNS = a[k+1]
						}
					}
					if peer != "" && peerNS != "" {
						added[peerNS+"/"+peer] = true
					}
				}
				for k := range a {
					if a[k] == "dev" && k+1 < len(a) && a[k+1] != "lo" && !added[stepNS(s)+"/"+a[k+1]] {
						t.Errorf("%s uses %s before it exists", s, a[k+1])
					}
				}
			}
		}
	}
}

func TestPlanLabBound(t *testing.T) {
	h := twoNodesNative()
	h.podsEach = MaxNamespaces
	in := h.build(t)
	if _, err := PlanLab(in, Names{RunID: "big"}, "/tmp/x", LabOptions{}); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("a scenario beyond MaxNamespaces must be refused, got %v", err)
	}
}

func BenchmarkPlanLab(b *testing.B) {
	sc, err := topology.Load(filepath.Join("..", "..", "scenarios", "verify-tor-10.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{Scenario: sc, Alloc: alloc}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PlanLab(in, Names{RunID: "bench"}, "/tmp/x", LabOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
