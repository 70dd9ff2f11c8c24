package topology

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// aliasBomb is the "billion laughs" document: nine levels of ten aliases.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// hostile are inputs that must be refused quickly with bounded memory.
func hostile() []struct {
	name, data, msg string
	line            int
} {
	return []struct {
		name, data, msg string
		line            int
	}{
		{"alias bomb", aliasBomb(), "alias expansion exceeds 10000 nodes", 5},
		{"alias bomb in scenario", "apiVersion: calisim/v1alpha1\nkind: Scenario\nx: &x [1,1,1,1,1,1,1,1,1,1]\n" +
			"y: &y [*x,*x,*x,*x,*x,*x,*x,*x,*x,*x]\n", `unknown field "x"`, 3},
		{"range", head + "  nodes:\n    - {name: \"n-{1..50000000}\", subnet: a}\n", "50000000 nodes after range expansion; at most 100000", 18},
		{"nul", "apiVersion: v1\nkind: Pod\x00\x01\x02", "NUL byte", 2},
		{"invalid utf-8", "apiVersion: v1\nkind: \xff\xfe\n", "not valid UTF-8", 2},
		{"empty", "", "no documents", 0},
		{"only comments", "# nothing\n---\n# here\n", "no documents", 0},
		{"flow nesting", strings.Repeat("[", 100_000), "nested deeper than 256", 1},
		{"block nesting", strings.Repeat("- ", 100_000) + "x\n", "nesting deeper than 2048", 1},
		{"deep but parseable", strings.Repeat("[", 200) + strings.Repeat("]", 200), "nested deeper than 100 levels", 1},
		{"documents", strings.Repeat("---\na: 1\n", MaxDocuments+1), "more than 10000 documents", 20001},
		{"undefined alias", "a: *nope\n", "names no anchor", 1},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL byte", 3},
	}
}

func TestHostileInputs(t *testing.T) {
	for _, tc := range hostile() {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := LoadBytes("h.yaml", []byte(tc.data))
			if err == nil {
				t.Fatalf("loaded: %d nodes", len(sc.Nodes))
			}
			fes := fieldErrors(t, err)
			if tc.msg == "" {
				return
			}
			for _, fe := range fes {
				if strings.Contains(fe.Error(), tc.msg) && (tc.line == 0 || fe.Line == tc.line) {
					return
				}
			}
			t.Errorf("want %q at line %d, got %v", tc.msg, tc.line, err)
		})
	}
}

// allocated returns the bytes f allocates (allocation totals are stable,
// unlike time, so bounds on them do not flake).
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestHostileMemory bounds the memory each hostile input costs.
func TestHostileMemory(t *testing.T) {
	for _, tc := range hostile() {
		data := []byte(tc.data)
		got := allocated(func() {
			if _, err := LoadBytes("h.yaml", data); err == nil {
				t.Errorf("%s: loaded", tc.name)
			}
		})
		// 64 MiB for inputs under 1 MiB: a bomb expanded even once would
		// take far more.
		if got > 64<<20 {
			t.Errorf("%s: %d bytes per load", tc.name, got)
		}
	}
}

// TestLargeFileRefusedUnread refuses a 100 MB (sparse) file from its size.
func TestLargeFileRefusedUnread(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got := allocated(func() { _, err = Load(p) })
	if err == nil || !strings.Contains(err.Error(), "at most 16777216") {
		t.Fatalf("got %v", err)
	}
	fieldErrors(t, err)
	if got > 1<<20 {
		t.Errorf("%d bytes allocated to refuse it: the file was read", got)
	}
	if _, err := LoadBytes("big.yaml", make([]byte, MaxFileSize+1)); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("LoadBytes: %v", err)
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	fes := fieldErrors(t, err)
	if len(fes) != 1 || !strings.Contains(fes[0].Error(), "no such file") {
		t.Errorf("got %v", err)
	}
	_, err = Load()
	fieldErrors(t, err)
}

func BenchmarkHostile(b *testing.B) {
	for _, tc := range hostile() {
		data := []byte(tc.data)
		b.Run(strings.ReplaceAll(tc.name, " ", "-"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := LoadBytes("h.yaml", data); err == nil {
					b.Fatal("loaded")
				}
			}
		})
	}
}
