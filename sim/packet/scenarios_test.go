package packet

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// pipeline runs a scenario file through every stage this package reads:
// load, underlay graph, IPAM, the BGP plan and the model engine, the
// dataplane, and the walk's network.
func pipeline(tb testing.TB, file string) *Network {
	tb.Helper()
	sc, err := topology.Load(file)
	if err != nil {
		tb.Fatalf("load: %v", err)
	}
	g := topology.NewGraph(sc)
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		tb.Fatalf("ipam: %v", err)
	}
	plan, err := bgp.NewPlan(sc, g, alloc)
	if err != nil {
		tb.Fatalf("bgp plan: %v", err)
	}
	res, err := bgp.NewModel().Run(context.Background(), plan, bgp.Options{Failures: sc.Failures})
	if err != nil {
		tb.Fatalf("bgp run: %v", err)
	}
	dp, err := dataplane.Build(sc, g, alloc, plan, res)
	if err != nil {
		tb.Fatalf("dataplane: %v", err)
	}
	n, err := NewNetwork(sc, g, alloc, plan, res, dp)
	if err != nil {
		tb.Fatalf("network: %v", err)
	}
	return n
}

// TestScenarioFlowExpectations walks every flow expectation of the
// scenario library and of testdata/*.yaml and checks what this package
// decides: delivered, encapsulation, drop reason and place, path MTU.
// Policy is sim's to join: expectations about policy (or that only policy
// explains) are skipped. The walks of testdata/*.yaml are golden.
func TestScenarioFlowExpectations(t *testing.T) {
	library, _ := filepath.Glob("../../scenarios/*.yaml")
	own, _ := filepath.Glob("testdata/*.yaml")
	files := append(library, own...)
	var golden strings.Builder
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			n := pipeline(t, file)
			for k, fe := range n.sc.Expect.Flows {
				if fe.Policy != "" || fe.DecidedBy != "" || fe.DropReason == PolicyDenied.String() {
					continue
				}
				froms, err1 := n.Resolve(fe.From)
				tos, err2 := n.Resolve(fe.To)
				if err1 != nil || err2 != nil {
					t.Errorf("expect.flows[%d]: %v %v", k, err1, err2)
					continue
				}
				port := fe.Port
				if port.Proto == topology.ProtoTCP && port.Num == 0 {
					port.Num = 80
				}
				size := fe.Size
				if size == 0 {
					size = DefaultSize
				}
				for _, src := range froms {
					for _, dst := range tos {
						if src.Name == dst.Name {
							continue
						}
						tr := Walk(n, Flow{Src: src, Dst: dst, Port: port, Size: size})
						if strings.HasPrefix(file, "testdata") {
							fmt.Fprintf(&golden, "## %s expect.flows[%d] %s -> %s %v/%d size %d\n%s", name, k, src.Name, dst.Name, port.Proto, port.Num, size, summary(tr))
						}
						if msg := checkFlow(fe, tr); msg != "" {
							t.Errorf("%s:%d: %s -> %s: %s\n%s", file, fe.Pos.Line, src.Name, dst.Name, msg, summary(tr))
						}
					}
				}
			}
		})
	}
	if !t.Failed() || *update {
		goldenFile(t, "scenarios.walks.golden", golden.String())
	}
}

func checkFlow(fe topology.FlowExpect, tr *Trace) string {
	var bad []string
	if fe.Delivered != nil && tr.Delivered != *fe.Delivered {
		bad = append(bad, fmt.Sprintf("delivered %v, want %v", tr.Delivered, *fe.Delivered))
	}
	if fe.Encapsulation != nil && tr.Encap != *fe.Encapsulation {
		bad = append(bad, fmt.Sprintf("encapsulation %v, want %v", tr.Encap, *fe.Encapsulation))
	}
	if fe.DropReason != "" && (tr.Drop == nil || tr.Drop.Reason.String() != fe.DropReason) {
		bad = append(bad, fmt.Sprintf("drop %+v, want reason %s", tr.Drop, fe.DropReason))
	}
	if fe.DropAt != "" && (tr.Drop == nil || strings.TrimPrefix(tr.Drop.At, "pod/") != strings.TrimPrefix(fe.DropAt, "pod/")) {
		bad = append(bad, fmt.Sprintf("drop %+v, want at %s", tr.Drop, fe.DropAt))
	}
	if fe.PathMTU != nil && tr.PathMTU != *fe.PathMTU {
		bad = append(bad, fmt.Sprintf("pathMTU %d, want %d", tr.PathMTU, *fe.PathMTU))
	}
	return strings.Join(bad, "; ")
}
