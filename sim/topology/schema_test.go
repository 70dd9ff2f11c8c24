package topology

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestSchema(t *testing.T) {
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"srcDstCheck"`, `"blockProtocols"`, `"routeReflectorClusterID"`, `"convergedWithin"`,
		`"enum": [` + "\n" + `            "none",`, `"additionalProperties": false`, `"required": [`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("schema lacks %s", want)
		}
	}
	if strings.Contains(string(b), `"Pos"`) || strings.Contains(string(b), `"pos"`) {
		t.Error("schema shows positions")
	}
	const golden = "testdata/schema.golden.json"
	if *update {
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != string(b) {
		t.Errorf("schema differs from %s (run go test -update and review)", golden)
	}
}
