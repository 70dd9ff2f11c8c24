package topology

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad: LoadBytes never panics, every error is a FieldError, and a
// scenario that loads is consistent (every pod on a known node, every node
// addressed inside its subnet).
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/load/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(head))
	f.Add([]byte(aliasBomb()))
	f.Add([]byte("a: &a {b: 1}\nc: {<<: *a, d: 2}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := LoadBytes("f.yaml", data)
		if err != nil {
			var check func(error)
			check = func(e error) {
				if j, ok := e.(interface{ Unwrap() []error }); ok {
					for _, x := range j.Unwrap() {
						check(x)
					}
					return
				}
				var fe *FieldError
				if !errors.As(e, &fe) {
					t.Fatalf("not a FieldError: %T %v", e, e)
				}
			}
			check(err)
			return
		}
		if len(sc.Nodes) > MaxNodes {
			t.Fatalf("%d nodes", len(sc.Nodes))
		}
		nodes := map[string]Node{}
		for _, n := range sc.Nodes {
			nodes[n.Name] = n
			if !n.Addr.IsValid() || !n.Prefix.IsValid() {
				t.Fatalf("node %s without address", n.Name)
			}
		}
		for _, s := range sc.Underlay.Subnets {
			for _, n := range sc.Nodes {
				if n.Subnet == s.Name && !s.CIDR.Contains(n.Addr) {
					t.Fatalf("node %s %s outside %s", n.Name, n.Addr, s.CIDR)
				}
			}
		}
		for _, p := range sc.Pods {
			if _, ok := nodes[p.Node]; !ok {
				t.Fatalf("pod %s on unknown node %q", p.Name, p.Node)
			}
		}
		if len(sc.Resources.IPPools) == 0 && !hasInstallation(sc) {
			t.Fatal("no pool and no Installation")
		}
	})
}

func hasInstallation(sc *Scenario) bool {
	for _, w := range sc.Warnings {
		if strings.HasPrefix(w.Message, "the Installation lists no IP pools") {
			return true
		}
	}
	return false
}
