package policy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// TestConformanceNetpolAnalyzerAsLoaded reads each case the way
// `calisim policy DIR -o connlist` does: the folder as given (the loader
// reads subfolders and names bare pods by their ownerReferences), addresses
// from ipam, no help from the test. Every case that loads and names no
// Calico difference must agree line for line.
func TestConformanceNetpolAnalyzerAsLoaded(t *testing.T) {
	root := requireCases(t, "netpol-analyzer")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var agree, compared int
	for _, d := range entries {
		if !d.IsDir() {
			continue
		}
		name := d.Name()
		t.Run(name, func(t *testing.T) {
			input := filepath.Join(root, name, "input")
			want := expectedConnlist(t, filepath.Join(root, name, "expected"))
			sc, err := topology.Load(input)
			if err != nil {
				t.Skipf("the loader refuses the case: %s", firstLine(err))
			}
			if len(netpolAnalyzerDiffers[name]) > 0 {
				t.Skipf("differs as Calico does: %v", netpolAnalyzerDiffers[name])
			}
			compared++
			missing, extra := lineDiff(want, connlistLines(t, sc, podAddrs(t, sc), options{}))
			if len(missing)+len(extra) > 0 {
				reportDiff(t, missing, extra)
				return
			}
			agree++
		})
	}
	t.Logf("netpol-analyzer as loaded: %d of %d compared cases agree line for line", agree, compared)
	if compared < 10 {
		t.Errorf("only %d cases compared; the loader refuses or skips too many", compared)
	}
}
