package sim

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// scenarioDoc spots a Scenario document without parsing the file.
var scenarioDoc = regexp.MustCompile(`(?m)^kind:[ \t]*["']?Scenario["']?[ \t]*(#.*)?$`)

// Discover turns command-line arguments into scenarios to load: a file is a
// scenario; a folder holding scenario files (files with a Scenario document)
// gives one scenario per such file, in name order; a folder of plain
// manifests is one scenario of its own (topology.Load makes its underlay).
// Each element of the result is the path list for one topology.Load call.
func Discover(args []string) ([][]string, error) {
	var out [][]string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		if !fi.IsDir() {
			out = append(out, []string{a})
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("reading folder %s: %w", a, err)
		}
		var scen []string
		for _, e := range ents {
			name := e.Name()
			if e.IsDir() || !isManifest(name) {
				continue
			}
			p := filepath.Join(a, name)
			if hasScenarioDoc(p) {
				scen = append(scen, p)
			}
		}
		if len(scen) == 0 {
			out = append(out, []string{a})
			continue
		}
		slices.Sort(scen)
		for _, p := range scen {
			out = append(out, []string{p})
		}
	}
	return out, nil
}

func isManifest(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml" || ext == ".json"
}

// hasScenarioDoc peeks at the first 64 KiB of a file for a Scenario document.
func hasScenarioDoc(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	n, _ := f.Read(buf)
	b := buf[:n]
	return scenarioDoc.Match(b) || bytes.Contains(b, []byte(`"kind":"Scenario"`)) || bytes.Contains(b, []byte(`"kind": "Scenario"`))
}
