package topology

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestGolden loads each scenario of testdata/load and compares the whole
// model, as JSON, with its .golden file (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, name := range []string{"aws-two-az", "k8s-mix"} {
		t.Run(name, func(t *testing.T) {
			sc, err := Load("testdata/load/" + name + ".yaml")
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(sc, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := "testdata/load/" + name + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(got) != string(want) {
				gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("%s differs at line %d:\n got  %s\n want %s\n(run go test -update and review)", golden, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s differs in length (run go test -update and review)", golden)
			}
		})
	}
}
