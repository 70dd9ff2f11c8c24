package topology

import (
	"strings"
	"testing"
)

func TestSplitDocuments(t *testing.T) {
	src := "%YAML 1.2\n---\na: |\n  text\n---\n# comment only\n---\nb: 1\n...\n---\nc: [1,\n"
	var got []string
	for _, c := range splitDocuments([]byte(src)) {
		got = append(got, strings.ReplaceAll(string(c.data), "\n", "|")+"@"+string(rune('0'+c.line)))
	}
	want := []string{"%YAML 1.2|---|a: ||  text|@1", "---|# comment only|@5", "---|b: 1|...|@7", "---|c: [1,|@:"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// A syntax error in a later document keeps its line in the file.
	_, err := LoadBytes("s.yaml", []byte(src))
	fes := fieldErrors(t, err)
	if len(fes) != 1 || fes[0].Line != 11 || !strings.Contains(fes[0].Error(), "YAML syntax") {
		t.Errorf("got %v", err)
	}
}

func TestDocumentSizeBound(t *testing.T) {
	big := "apiVersion: v1\nkind: List\nitems:\n" + strings.Repeat("- {apiVersion: v1, kind: Namespace, metadata: {name: n}}\n", MaxDocumentSize/50)
	got := allocated(func() {
		_, err := LoadBytes("s.yaml", []byte("a: 1\n---\n"+big))
		fes := fieldErrors(t, err)
		if len(fes) != 1 || fes[0].Line != 2 || !strings.Contains(fes[0].Error(), "at most 4194304") {
			t.Errorf("got %v", err)
		}
	})
	if got > 64<<20 {
		t.Errorf("refusing a large document allocated %d bytes", got)
	}
}

func TestAliasesAndMerge(t *testing.T) {
	sc := mustLoadBytes(t, `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets: [{name: a, cidr: 10.0.0.0/24}]
  nodes:
    - &base {name: n1, labels: &l {rack: a}}
    - {<<: *base, name: n2}
    - {name: n3, labels: *l}
`)
	if len(sc.Nodes) != 3 || sc.Nodes[1].Name != "n2" || sc.Nodes[1].Labels["rack"] != "a" || sc.Nodes[2].Labels["rack"] != "a" {
		t.Errorf("nodes %+v", sc.Nodes)
	}
}
