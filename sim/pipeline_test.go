package sim

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/calisim/calisim"

// stageRank orders the packages as the pipeline runs: a package may import
// only packages of a lower rank (or its own internal packages).
var stageRank = map[string]int{
	"sim/selector":  0,
	"sim/iproute":   0,
	"sim/topology":  1,
	"sim/ipam":      2,
	"sim/bgp":       3,
	"sim/bgp/gobgp": 4,
	"sim/dataplane": 5,
	"sim/packet":    6,
	"sim/policy":    7,
	"sim":           8,
	"sim/plan":      9,
	"sim/diff":      9,
	"sim/verify":    9,
	"viz":           10,
	"viz/report":    11,
	"cmd/calisim":   12,
}

// rank finds a package's rank: its own, or its nearest listed parent's for
// internal packages.
func rank(pkg string) (int, bool) {
	for p := pkg; p != "." && p != ""; p = filepath.Dir(p) {
		if r, ok := stageRank[p]; ok {
			return r, true
		}
	}
	return 0, false
}

// TestPipelineImports fails on a backward edge: a stage importing a later
// one (topology -> ipam -> bgp -> dataplane -> packet -> policy -> sim ->
// viz -> cmd).
func TestPipelineImports(t *testing.T) {
	root := ".."
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		from, ok := rank(rel)
		if !ok {
			t.Errorf("%s: package %s has no place in the pipeline (add it to stageRank)", path, rel)
			return nil
		}
		files++
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(p, module+"/")
			if strings.HasPrefix(dep, rel+"/") && strings.Contains(dep, "/internal") {
				continue // its own internal package
			}
			to, ok := rank(dep)
			if !ok {
				t.Errorf("%s imports %s, which has no place in the pipeline", path, dep)
				continue
			}
			if to >= from && dep != rel {
				t.Errorf("%s: %s imports %s: a backward edge in the pipeline", path, rel, dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("read %d Go files; the walk missed the tree", files)
	}
}

func TestRank(t *testing.T) {
	for pkg, want := range map[string]int{"sim/verify/internal/birdcfg": 9, "cmd/calisim/internal/printer": 12, "sim/packet": 6} {
		if got, ok := rank(pkg); !ok || got != want {
			t.Errorf("rank(%s) = %d, %v; want %d", pkg, got, ok, want)
		}
	}
	if _, ok := rank("util"); ok {
		t.Error("rank(util) found a place for an unlisted package")
	}
}
