package bgp

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden runs each testdata/*.yaml scenario and compares everything the
// result says (sessions, timeline, every speaker's routes with their
// reasons) with testdata/NAME.bgp.golden.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) == 0 {
		t.Fatal("no testdata scenarios")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			sc, err := topology.Load(f)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			alloc, err := ipam.Allocate(sc)
			if err != nil {
				t.Fatalf("ipam: %v", err)
			}
			p, err := NewPlan(sc, topology.NewGraph(sc), alloc)
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			r, err := NewModel().Run(context.Background(), p, Options{Seed: 1, Failures: sc.Failures})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			got := dump(p, r)
			golden := strings.TrimSuffix(f, ".yaml") + ".bgp.golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("result differs from %s (run with -update and review the diff):\n%s", golden, got)
			}
		})
	}
}
