package sim

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/policy"
	"github.com/calisim/calisim/sim/topology"
)

// PolicyView is the policy engine of a scenario without the routing stages:
// `calisim policy` needs pod addresses (IPAM) and the policies, not BGP, so
// large policy matrices stay fast.
type PolicyView struct {
	Scenario *topology.Scenario
	Alloc    *ipam.Allocation
	Engine   *policy.Engine
}

// NewPolicyView allocates addresses and compiles the policies.
func NewPolicyView(sc *topology.Scenario) (*PolicyView, error) {
	alloc, err := ipam.Allocate(sc)
	if err != nil {
		return nil, err
	}
	addrs := make([]netip.Addr, len(sc.Pods))
	for i, p := range alloc.Pods {
		addrs[i] = p.Addr
	}
	eng, err := policy.New(sc, addrs)
	if err != nil {
		return nil, err
	}
	return &PolicyView{Scenario: sc, Alloc: alloc, Engine: eng}, nil
}

// Endpoints resolves a reference to policy endpoints: ns/workload or ns/pod
// (pods), node/NAME (the host), router/NAME and external/NAME (addresses), or
// a literal IP (the pod that has it, else the address).
func (v *PolicyView) Endpoints(ref topology.Ref) ([]policy.Endpoint, error) {
	sc := v.Scenario
	switch ref.Kind {
	case topology.RefIP:
		return []policy.Endpoint{v.Engine.EndpointFor(ref.Addr)}, nil
	case topology.RefNode:
		for i := range sc.Nodes {
			if sc.Nodes[i].Name == ref.Name {
				return []policy.Endpoint{policy.HostEndpoint(sc.Nodes[i].Addr)}, nil
			}
		}
		return nil, fmt.Errorf("%s: no such node", ref)
	case topology.RefRouter:
		for _, r := range sc.Underlay.Routers {
			if r.Name == ref.Name && len(r.Interfaces) > 0 {
				return []policy.Endpoint{policy.AddrEndpoint(r.Interfaces[0].Addr)}, nil
			}
		}
		return nil, fmt.Errorf("%s: no such router", ref)
	case topology.RefExternal:
		for _, e := range sc.Externals {
			if e.Name == ref.Name {
				return []policy.Endpoint{policy.AddrEndpoint(e.Addr)}, nil
			}
		}
		return nil, fmt.Errorf("%s: no such external", ref)
	}
	var own, wl []policy.Endpoint
	for i := range sc.Pods {
		p := &sc.Pods[i]
		if p.Namespace != ref.Namespace {
			continue
		}
		if p.Name == ref.Name {
			own = append(own, v.Engine.Pod(i))
		} else if p.Workload == ref.Name {
			wl = append(wl, v.Engine.Pod(i))
		}
	}
	if len(own) > 0 {
		return own, nil
	}
	if len(wl) > 0 {
		return wl, nil
	}
	return nil, fmt.Errorf("%s: no pod or workload %q in namespace %q", ref, ref.Name, ref.Namespace)
}

// MaxMatrixPods bounds the pods of an all-pairs view (the matrix, the
// verdict list): 20,000 pods are 400 million pairs; beyond, ask about pairs
// with --explain.
const MaxMatrixPods = 20_000

// CheckMatrixSize refuses an all-pairs view of too many pods.
func (v *PolicyView) CheckMatrixSize() error {
	if n := len(v.Scenario.Pods); n > MaxMatrixPods {
		return fmt.Errorf("%d pods are %d pairs; the all-pairs views stop at %d pods: use --explain --from REF --to REF for the pairs you need",
			n, int64(n)*int64(n-1), MaxMatrixPods)
	}
	return nil
}

// PolicyVerdict is one pod pair's verdict.
type PolicyVerdict struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Port      string `json:"port"`
	Verdict   string `json:"verdict"` // allow|deny
	DecidedBy string `json:"decidedBy"`
	Egress    string `json:"egress,omitempty"`  // the egress side's decider
	Ingress   string `json:"ingress,omitempty"` // the ingress side's decider
}

// Verdicts judges every ordered pair of distinct pods on one port, in pod
// order.
func (v *PolicyView) Verdicts(ctx context.Context, port topology.Port) ([]PolicyVerdict, error) {
	sc := v.Scenario
	var out []PolicyVerdict
	for i := range sc.Pods {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for j := range sc.Pods {
			if i == j {
				continue
			}
			vd := v.Engine.Verdict(v.Engine.Pod(i), v.Engine.Pod(j), port)
			pv := PolicyVerdict{
				From: sc.Pods[i].Namespace + "/" + sc.Pods[i].Name, To: sc.Pods[j].Namespace + "/" + sc.Pods[j].Name,
				Port: port.String(), Verdict: "allow", DecidedBy: vd.DecidedBy,
				Egress: vd.Egress.DecidedBy, Ingress: vd.Ingress.DecidedBy,
			}
			if !vd.Allowed {
				pv.Verdict = "deny"
			}
			out = append(out, pv)
		}
	}
	return out, nil
}
