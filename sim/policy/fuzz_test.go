package policy

import (
	"context"
	"slices"
	"testing"

	"github.com/calisim/calisim/sim/selector"
	"github.com/calisim/calisim/sim/topology"
)

// FuzzMatrixAgreesWithVerdict builds random scenarios (every policy kind and
// clause) and checks that the bitset Matrix agrees with the scalar Verdict,
// its slow reference, on every pod pair.
func FuzzMatrixAgreesWithVerdict(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(seed, uint8(20+seed), uint8(3+seed), uint8(10+2*seed))
	}
	f.Fuzz(func(t *testing.T, seed uint64, pods, namespaces, policies uint8) {
		w := genWorld(seed, int(pods%48)+1, int(namespaces%6)+1, int(policies%40))
		e, err := New(&w.sc, w.addrs)
		if err != nil {
			t.Fatalf("New on a generated scenario: %v", err)
		}
		ports := []topology.Port{tcpPort(80), tcpPort(uint16(seed)), udpPort(53), {Proto: topology.ProtoICMP}}
		for _, port := range ports {
			m, err := e.DecidedMatrix(context.Background(), port)
			if err != nil {
				t.Fatal(err)
			}
			for s := 0; s < m.Len(); s++ {
				for d := 0; d < m.Len(); d++ {
					v := e.Verdict(e.Pod(s), e.Pod(d), port)
					if got := m.Verdict(s, d); got != v {
						t.Fatalf("%v %s -> %s: DecidedMatrix.Verdict %+v, Verdict %+v", port, m.Names[s], m.Names[d], got, v)
					}
					if m.Allowed(s, d) != v.Allowed || m.EgressAllowed(s, d) != v.Egress.Allowed || m.IngressAllowed(s, d) != v.Ingress.Allowed {
						t.Fatalf("%v %s -> %s: matrix %t/%t/%t, verdict %+v", port, m.Names[s], m.Names[d],
							m.Allowed(s, d), m.EgressAllowed(s, d), m.IngressAllowed(s, d), v)
					}
				}
			}
		}
	})
}

// FuzzKubeSelector checks the Kubernetes label selector conversion against
// Kubernetes' own semantics, evaluated directly: the Calico selector it
// makes always parses and selects exactly the same label sets.
func FuzzKubeSelector(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{3, 0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2})
	f.Add([]byte("matchExpressions"))
	keys := []string{"app", "tier", "kubernetes.io/name", "a.b-c_d"}
	vals := []string{"web", "db", "", "x-1", "v.2"}
	ops := []string{"In", "NotIn", "Exists", "DoesNotExist"}
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() int {
			if len(data) == 0 {
				return 0
			}
			b := int(data[0])
			data = data[1:]
			return b
		}
		var ls topology.LabelSelector
		for range next() % 3 {
			if ls.MatchLabels == nil {
				ls.MatchLabels = map[string]string{}
			}
			ls.MatchLabels[keys[next()%len(keys)]] = vals[next()%len(vals)]
		}
		for range next() % 4 {
			req := topology.LabelRequirement{Key: keys[next()%len(keys)], Operator: ops[next()%len(ops)]}
			if req.Operator == "In" || req.Operator == "NotIn" {
				for range next()%3 + 1 {
					req.Values = append(req.Values, vals[next()%len(vals)])
				}
			}
			ls.MatchExpressions = append(ls.MatchExpressions, req)
		}
		labels := map[string]string{}
		for range next() % 4 {
			labels[keys[next()%len(keys)]] = vals[next()%len(vals)]
		}
		c := &compiler{e: &Engine{}}
		expr, ok := c.kubeSelector(&ls, topology.Pos{}, "spec.podSelector")
		if !ok {
			t.Fatalf("valid selector %+v refused: %v", ls, c.errs)
		}
		sel, err := selector.Parse(expr)
		if err != nil {
			t.Fatalf("%+v converts to %q, which does not parse: %v", ls, expr, err)
		}
		if got, want := sel.Matches(selector.Map(labels)), kubeMatches(&ls, labels); got != want {
			t.Fatalf("%+v as %q on %v: %t, Kubernetes says %t", ls, expr, labels, got, want)
		}
	})
}

// kubeMatches is Kubernetes' label selector semantics, directly.
func kubeMatches(ls *topology.LabelSelector, labels map[string]string) bool {
	for k, v := range ls.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, r := range ls.MatchExpressions {
		v, ok := labels[r.Key]
		switch r.Operator {
		case "In":
			if !ok || !slices.Contains(r.Values, v) {
				return false
			}
		case "NotIn":
			if ok && slices.Contains(r.Values, v) {
				return false
			}
		case "Exists":
			if !ok {
				return false
			}
		case "DoesNotExist":
			if ok {
				return false
			}
		}
	}
	return true
}
