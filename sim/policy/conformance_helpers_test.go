package policy

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// casesRoot is the oracle cases, read in place (never copied here).
const casesRoot = "../../../shared/conformance/netpol-cases"

func requireCases(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join(casesRoot, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("conformance cases absent: %v", err)
	}
	return dir
}

// podAddrs allocates the scenario's pod addresses with ipam.
func podAddrs(t *testing.T, sc *topology.Scenario) []netip.Addr {
	t.Helper()
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		t.Fatalf("ipam: %v", err)
	}
	addrs := make([]netip.Addr, len(sc.Pods))
	for i := range alloc.Pods {
		addrs[i] = alloc.Pods[i].Addr
	}
	return addrs
}

// owner is a pod's first ownerReference, and its status.podIP.
type owner struct {
	kind, name string
	ip         netip.Addr
	ordinal    int // NCA's pod number within its workload (see podOrdinal)
}

// owners reads the ownerReferences and status.podIP of every Pod in the
// files (documents, List items), keyed by namespace/name: calisim's loader
// lists ownerReferences and status as not modelled, while the other tools
// name a pod by its owner and match ipBlocks against its recorded address,
// so the tests do the same.
func owners(t *testing.T, files []string) map[string]owner {
	t.Helper()
	out := map[string]owner{}
	var walk func(v any)
	walk = func(v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if items, ok := m["items"].([]any); ok {
			for _, it := range items {
				walk(it)
			}
		}
		if k, _ := m["kind"].(string); k != "Pod" && k != "" {
			return
		}
		md, _ := m["metadata"].(map[string]any)
		if md == nil {
			return
		}
		name, _ := md["name"].(string)
		ns, _ := md["namespace"].(string)
		if ns == "" {
			ns = "default"
		}
		if name == "" {
			return
		}
		o := owner{}
		if st, ok := m["status"].(map[string]any); ok {
			if ip, ok := st["podIP"].(string); ok {
				o.ip, _ = netip.ParseAddr(ip)
			}
		}
		if refs, _ := md["ownerReferences"].([]any); len(refs) > 0 {
			ref, _ := refs[0].(map[string]any)
			o.kind, _ = ref["kind"].(string)
			o.name, _ = ref["name"].(string)
			if o.kind == "" {
				o.kind = "Pod"
			}
		}
		out[ns+"/"+name] = o
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var v any
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				break // not our business: the loader already accepted the file
			}
			walk(v)
		}
	}
	return out
}

// applyOwners names pods by their owners as netpol-analyzer does.
func applyOwners(sc *topology.Scenario, own map[string]owner) {
	for i := range sc.Pods {
		p := &sc.Pods[i]
		if o, ok := own[p.Namespace+"/"+p.Name]; ok && o.name != "" {
			p.Workload, p.Kind = o.name, topology.WorkloadKind(o.kind)
		}
	}
}

// recordedAddrs replaces the allocated addresses by the pods' recorded
// status.podIP where the input has one.
func recordedAddrs(sc *topology.Scenario, addrs []netip.Addr, own map[string]owner) []netip.Addr {
	out := slices.Clone(addrs)
	for i := range sc.Pods {
		if o, ok := own[sc.Pods[i].Namespace+"/"+sc.Pods[i].Name]; ok && o.ip.IsValid() {
			out[i] = o.ip
		}
	}
	return out
}

// folders lists dir and every folder below it: netpol-analyzer reads a case's
// folder recursively, topology.Load one folder level per path.
func folders(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// manifestFiles lists the files topology.Load reads in a folder.
func manifestFiles(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			switch filepath.Ext(p) {
			case ".yaml", ".yml", ".json":
				out = append(out, p)
			}
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// lineDiff returns the lines only in a and only in b.
func lineDiff(a, b []string) (onlyA, onlyB []string) {
	inB := map[string]bool{}
	for _, l := range b {
		inB[l] = true
	}
	inA := map[string]bool{}
	for _, l := range a {
		inA[l] = true
		if !inB[l] {
			onlyA = append(onlyA, l)
		}
	}
	for _, l := range b {
		if !inA[l] {
			onlyB = append(onlyB, l)
		}
	}
	return onlyA, onlyB
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
