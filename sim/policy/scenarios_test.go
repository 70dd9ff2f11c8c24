package policy

import (
	"path/filepath"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// TestPolicyScenarios checks the policy expectations (policy, decidedBy) of
// the scenario library's policy-*.yaml files with the engine alone, so that
// a change of policy semantics shows here, not only in `calisim test`.
func TestPolicyScenarios(t *testing.T) {
	files, err := filepath.Glob("../../scenarios/policy-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no policy scenarios")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			sc, err := topology.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			e, err := New(sc, podAddrs(t, sc))
			if err != nil {
				t.Fatal(err)
			}
			checked := 0
			for _, fe := range sc.Expect.Flows {
				if fe.Policy == "" && fe.DecidedBy == "" {
					continue
				}
				for _, src := range resolveRef(t, e, sc, fe.From) {
					for _, dst := range resolveRef(t, e, sc, fe.To) {
						if src.Pod >= 0 && src.Pod == dst.Pod {
							continue
						}
						checked++
						v := e.Verdict(src, dst, fe.Port)
						policy := "deny"
						if v.Allowed {
							policy = "allow"
						}
						if fe.Policy != "" && policy != fe.Policy || fe.DecidedBy != "" && v.DecidedBy != fe.DecidedBy {
							t.Errorf("%s: %s -> %s %v: %s by %q, want %s by %q", fe.Pos, e.name(src), e.name(dst), fe.Port, policy, v.DecidedBy, fe.Policy, fe.DecidedBy)
						}
					}
				}
			}
			if checked == 0 {
				t.Error("no policy expectation checked")
			}
		})
	}
}

// resolveRef lists the endpoints a reference names.
func resolveRef(t *testing.T, e *Engine, sc *topology.Scenario, r topology.Ref) []Endpoint {
	t.Helper()
	var out []Endpoint
	switch r.Kind {
	case topology.RefWorkload:
		for i, p := range sc.Pods {
			if p.Namespace == r.Namespace && (p.Name == r.Name || p.Workload == r.Name) {
				out = append(out, e.Pod(i))
			}
		}
	case topology.RefExternal:
		for _, x := range sc.Externals {
			if x.Name == r.Name {
				out = append(out, AddrEndpoint(x.Addr))
			}
		}
	case topology.RefNode:
		for _, n := range sc.Nodes {
			if n.Name == r.Name {
				out = append(out, HostEndpoint(n.Addr))
			}
		}
	case topology.RefIP:
		out = append(out, e.EndpointFor(r.Addr))
	}
	if len(out) == 0 {
		t.Fatalf("%s names no endpoint", r.Raw)
	}
	return out
}
