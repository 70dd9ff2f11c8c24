package policy

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

var probePorts = []topology.Port{
	tcpPort(80), tcpPort(22), tcpPort(443), tcpPort(5432), tcpPort(8080), tcpPort(9090),
	udpPort(53), udpPort(5010), {Proto: topology.ProtoICMP}, {Proto: topology.ProtoSCTP, Num: 80},
}

// checkMatrixAgrees compares the bitset matrix with Verdict, the scalar
// reference, on every ordered pod pair.
func checkMatrixAgrees(t *testing.T, e *Engine, w *world, ps []topology.Port) {
	t.Helper()
	if ps == nil {
		ps = probePorts
	}
	for _, port := range ps {
		m, err := e.Matrix(context.Background(), port)
		if err != nil {
			t.Fatal(err)
		}
		dm, err := e.DecidedMatrix(context.Background(), port)
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for s := 0; s < m.Len(); s++ {
			for d := 0; d < m.Len(); d++ {
				v := e.Verdict(e.Pod(s), e.Pod(d), port)
				if got := dm.Verdict(s, d); got != v {
					if bad++; bad <= 5 {
						t.Errorf("%v %s -> %s: DecidedMatrix.Verdict %+v, Verdict %+v", port, m.Names[s], m.Names[d], got, v)
					}
				}
				if m.Allowed(s, d) != v.Allowed || m.EgressAllowed(s, d) != v.Egress.Allowed || m.IngressAllowed(s, d) != v.Ingress.Allowed {
					if bad++; bad <= 5 {
						t.Errorf("%v %s -> %s: matrix %t/%t/%t, verdict %t/%t/%t (%+v)", port, m.Names[s], m.Names[d],
							m.Allowed(s, d), m.EgressAllowed(s, d), m.IngressAllowed(s, d), v.Allowed, v.Egress.Allowed, v.Ingress.Allowed, v)
					}
				}
			}
		}
	}
}

func TestMatrixFormat(t *testing.T) {
	w := newWorld("a", "bb").pod("a/x", "app", "x").pod("a/y").pod("bb/long-name").
		gnp(topology.Policy{Name: "x-in", Selector: "app == 'x'", Ingress: []topology.Rule{{Action: "Allow", Source: topology.EntityRule{NamespaceSelector: "projectcalico.org/name == 'a'"}}}})
	e := w.engine(t)
	m, err := e.Matrix(context.Background(), tcpPort(80))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := m.Format(&b); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"a/x ...\n" +
		"a/y ...\n" +
		"bb/long-name X..\n"
	if b.String() != want {
		t.Errorf("Format:\n%s\nwant:\n%s", b.String(), want)
	}
	// The contract: ns/pod, one space, one character per destination pod.
	for i, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		name, cells, ok := strings.Cut(l, " ")
		if !ok || name != m.Names[i] || len(cells) != len(m.Names) || strings.Trim(cells, ".X") != "" {
			t.Errorf("line %d %q: not %q, a space and %d cells", i, l, m.Names[i], len(m.Names))
		}
	}
	if got := m.AllowedCount(); got != 8 {
		t.Errorf("AllowedCount = %d, want 8", got)
	}
}

func TestMatrixCancelled(t *testing.T) {
	w := newWorld("a")
	for range 100 {
		w.pod("a/p")
	}
	e := w.engine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Matrix(ctx, tcpPort(80)); err == nil {
		t.Fatal("Matrix with a cancelled context: no error")
	}
}

// TestMatrixAgreesWithVerdict compares the bitset matrix with the scalar
// Verdict on random scenarios mixing every policy kind and clause.
func TestMatrixAgreesWithVerdict(t *testing.T) {
	for seed := range uint64(12) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			w := genWorld(seed, 60, 6, 25)
			e := w.engine(t)
			checkMatrixAgrees(t, e, w, nil)
		})
	}
}
