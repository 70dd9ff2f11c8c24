package verify

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/topology"
)

// needLab skips a test unless this machine can build labs.
func needLab(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no real build")
	}
	if err := Requirements(); err != nil {
		t.Skip(err)
	}
}

// twoNodesPrediction is what the twin says about twoNodesNative, written by
// hand from Calico's rules.
func twoNodesPrediction(in *Input) {
	in.Nodes = []NodePrediction{
		{
			Routes: []string{
				"10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10",
				"blackhole 10.244.0.0/26 proto bird",
				"10.244.0.0 dev " + CaliName("default", "web-0-0") + " scope link",
				"10.244.0.64/26 via 10.0.1.11 dev eth0 proto bird",
			},
			PodMTU: 1500,
			Peers:  []PeerPrediction{{Addr: mustAddr("10.0.1.11"), Established: true}},
		},
		{
			Routes: []string{
				"10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.11",
				"10.244.0.0/26 via 10.0.1.10 dev eth0 proto bird",
				"blackhole 10.244.0.64/26 proto bird",
				"10.244.0.64 dev " + CaliName("default", "web-1-0") + " scope link",
			},
			PodMTU: 1500,
			Peers:  []PeerPrediction{{Addr: mustAddr("10.0.1.10"), Established: true}},
		},
	}
	pod := func(i int) Endpoint {
		return Endpoint{Kind: EndpointPod, Index: i, Addr: in.Alloc.Pods[i].Addr, Name: "default/" + in.Scenario.Pods[i].Name}
	}
	node := func(i int) Endpoint {
		return Endpoint{Kind: EndpointNode, Index: i, Addr: in.Scenario.Nodes[i].Addr, Name: "node/" + in.Scenario.Nodes[i].Name}
	}
	in.Flows = []FlowPrediction{
		{From: pod(0), To: pod(1), Port: topology.Port{Proto: topology.ProtoTCP, Num: 80}, Size: 64, Delivered: true, PathMTU: 1500},
		{From: pod(1), To: node(0), Port: topology.Port{Proto: topology.ProtoICMP}, Size: 1472, Delivered: true, PathMTU: 1500},
		{From: pod(0), To: pod(1), Port: topology.Port{Proto: topology.ProtoICMP}, Size: 1473, Delivered: false, DropReason: "mtu-exceeded", DropAt: "node/a"},
	}
}

func TestIntegrationTwoNodes(t *testing.T) {
	needLab(t)
	in := twoNodesNative().build(t)
	twoNodesPrediction(in)
	tmp := t.TempDir()
	id := NewRunID()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	rep, err := Run(ctx, in, Options{RunID: id, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := rep.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	if rep.Differ != 0 || rep.Agree == 0 {
		t.Errorf("want 0 differ and some agree, got %s", rep.Summary())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; last != rep.Summary() || !strings.HasSuffix(last, " 0 differ") {
		t.Errorf("last line %q", last)
	}
	assertNothingLeft(t, Names{RunID: id}, filepath.Join(tmp, "calisim-verify-"+id))
}

// TestIntegrationDiffers gives a wrong prediction: a route, a session and a
// flow the real build cannot have. Each must be found as a difference.
func TestIntegrationDiffers(t *testing.T) {
	needLab(t)
	in := twoNodesNative().build(t)
	twoNodesPrediction(in)
	in.Nodes[0].Routes = append(in.Nodes[0].Routes, "10.244.9.0/26 via 10.0.1.99 dev eth0 proto bird")
	in.Nodes[0].Peers = append(in.Nodes[0].Peers, PeerPrediction{Addr: mustAddr("10.0.1.99"), Established: true})
	in.Flows[2].Delivered, in.Flows[2].DropReason = true, ""
	tmp := t.TempDir()
	id := NewRunID()
	rep, err := Run(context.Background(), in, Options{RunID: id, TempDir: tmp, SessionTimeout: 4 * time.Second, SettleTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{KindRoute: false, KindBGP: false, KindFlow: false}
	for _, c := range rep.Checks {
		if c.Status == Differ {
			want[c.Kind] = true
		}
	}
	for k, found := range want {
		if !found {
			t.Errorf("no %s difference found: %s", k, rep.Summary())
		}
	}
	if rep.Differ != 3 {
		var b bytes.Buffer
		_ = rep.WriteText(&b)
		t.Errorf("want exactly 3 differences:\n%s", b.String())
	}
	assertNothingLeft(t, Names{RunID: id}, filepath.Join(tmp, "calisim-verify-"+id))
}

// TestIntegrationCancel cancels a run while BGP settles: everything must
// still be removed.
func TestIntegrationCancel(t *testing.T) {
	needLab(t)
	in := twoNodesNative().build(t)
	twoNodesPrediction(in)
	in.Nodes[0].Peers = append(in.Nodes[0].Peers, PeerPrediction{Addr: mustAddr("10.0.1.99"), Established: true})
	tmp := t.TempDir()
	id := NewRunID()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(2500*time.Millisecond, cancel)
	_, err := Run(ctx, in, Options{RunID: id, TempDir: tmp})
	if err == nil {
		t.Fatal("a cancelled run must return an error")
	}
	assertNothingLeft(t, Names{RunID: id}, filepath.Join(tmp, "calisim-verify-"+id))
}

func assertNothingLeft(t *testing.T, names Names, dir string) {
	t.Helper()
	live, err := ListNetns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range live {
		if names.Owns(ns) {
			t.Errorf("namespace %s left behind", ns)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("run folder %s left behind", dir)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(dir)) {
			stat, _ := os.ReadFile(strings.TrimSuffix(p, "cmdline") + "stat")
			if i := bytes.LastIndexByte(stat, ')'); i > 0 && len(stat) > i+2 && stat[i+2] == 'Z' {
				continue // exited, waiting for its parent
			}
			t.Errorf("process left behind: %s", bytes.ReplaceAll(b, []byte{0}, []byte{' '}))
		}
	}
}

// TestIntegrationScenarios verifies bundled scenarios against the twin
// itself (sim.Build): every check must agree and nothing may be left.
func TestIntegrationScenarios(t *testing.T) {
	needLab(t)
	for _, name := range []string{"verify-native", "verify-reflectors"} {
		t.Run(name, func(t *testing.T) {
			in0 := loadInput(t, name)
			ctx := context.Background()
			tw, err := sim.Build(ctx, in0.Scenario, sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			in, err := FromTwin(ctx, tw)
			if err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			id := NewRunID()
			rep, err := Run(ctx, in, Options{RunID: id, TempDir: tmp})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Differ != 0 || rep.Agree < 20 {
				var b bytes.Buffer
				_ = rep.WriteText(&b)
				t.Errorf("want 0 differ:\n%s", b.String())
			}
			assertNothingLeft(t, Names{RunID: id}, filepath.Join(tmp, "calisim-verify-"+id))
		})
	}
}
