package sim

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/packet"
	"github.com/calisim/calisim/sim/policy"
	"github.com/calisim/calisim/sim/topology"
)

// Options steer a simulation.
type Options struct {
	// Engine names the BGP engine: "model" (default) or "gobgp".
	Engine string
	// Seed drives the model engine's random choices.
	Seed uint64
	// At, when set, stops BGP at that virtual time: the twin shows the
	// network as it was then (failures after At have not happened).
	At time.Duration
	// MaxSampledPaths bounds the flows sampled when the scenario names none
	// (0: DefaultSampledPaths).
	MaxSampledPaths int
	// Progress, when set, is told each stage as it starts (for a progress
	// bar); it must be safe to call from the caller's goroutine.
	Progress func(stage string)
}

// stage reports a stage to the progress callback, if any.
func (o Options) stage(s string) {
	if o.Progress != nil {
		o.Progress(s)
	}
}

// DefaultSampledPaths bounds the sample of flows of a scenario without flows.
const DefaultSampledPaths = 2000

// Twin is a built scenario: every stage's output, immutable once built and
// safe for concurrent reads.
type Twin struct {
	Scenario  *topology.Scenario
	Graph     *topology.Graph
	Alloc     *ipam.Allocation
	Plan      *bgp.Plan
	BGP       *bgp.Result
	Dataplane *dataplane.Dataplane
	Network   *packet.Network
	Policy    *policy.Engine
	Options   Options
}

// Build runs the pipeline once: topology → ipam → bgp → dataplane → packet →
// policy.
func Build(ctx context.Context, sc *topology.Scenario, opts Options) (*Twin, error) {
	if opts.Engine == "" {
		opts.Engine = "model"
	}
	eng, err := engines().get(opts.Engine)
	if err != nil {
		return nil, err
	}
	tw := &Twin{Scenario: sc, Options: opts}
	opts.stage("underlay graph")
	tw.Graph = topology.NewGraph(sc)
	opts.stage("IPAM")
	if tw.Alloc, err = ipam.Allocate(sc); err != nil {
		return nil, err
	}
	opts.stage("BGP peering plan")
	if tw.Plan, err = bgp.NewPlan(sc, tw.Graph, tw.Alloc); err != nil {
		return nil, err
	}
	failures := sc.Failures
	if opts.At > 0 {
		failures = slices.DeleteFunc(slices.Clone(failures), func(f topology.Failure) bool { return f.At > opts.At })
	}
	opts.stage("BGP (" + eng.Name() + " engine)")
	if tw.BGP, err = eng.Run(ctx, tw.Plan, bgp.Options{Seed: opts.Seed, Until: opts.At, Failures: failures}); err != nil {
		return nil, fmt.Errorf("running BGP (%s engine): %w", eng.Name(), err)
	}
	opts.stage("dataplane")
	if tw.Dataplane, err = dataplane.Build(sc, tw.Graph, tw.Alloc, tw.Plan, tw.BGP); err != nil {
		return nil, err
	}
	if tw.Network, err = packet.NewNetwork(sc, tw.Graph, tw.Alloc, tw.Plan, tw.BGP, tw.Dataplane); err != nil {
		return nil, err
	}
	addrs := make([]netip.Addr, len(sc.Pods))
	for i, p := range tw.Alloc.Pods {
		addrs[i] = p.Addr
	}
	opts.stage("policy")
	if tw.Policy, err = policy.New(sc, addrs); err != nil {
		return nil, err
	}
	return tw, nil
}

// Run builds the twin and summarises it.
func Run(ctx context.Context, sc *topology.Scenario, opts Options) (*Result, error) {
	tw, err := Build(ctx, sc, opts)
	if err != nil {
		return nil, err
	}
	return tw.Result(ctx)
}

// Routes is node i's route table as `ip route` prints it.
func (tw *Twin) Routes(i int) []string {
	return tw.Dataplane.Table(i).Lines()
}

// NodeIndex finds a node by name.
func (tw *Twin) NodeIndex(name string) (int, bool) {
	i := slices.IndexFunc(tw.Scenario.Nodes, func(n topology.Node) bool { return n.Name == name })
	return i, i >= 0
}

// Trace walks every pair of endpoints the two references name (a pod never
// to itself), with policy applied at both ends.
func (tw *Twin) Trace(ctx context.Context, from, to topology.Ref, port topology.Port, size int) ([]Path, error) {
	traces, err := tw.Traces(ctx, from, to, port, size)
	if err != nil {
		return nil, err
	}
	out := make([]Path, len(traces))
	for i, t := range traces {
		out[i] = tw.path(t)
	}
	return out, nil
}

// Traces is Trace with the packet-level traces (frames included), for pcap
// export and diagrams.
func (tw *Twin) Traces(ctx context.Context, from, to topology.Ref, port topology.Port, size int) ([]*PolicyTrace, error) {
	srcs, err := tw.Network.Resolve(from)
	if err != nil {
		return nil, fmt.Errorf("from %s: %w", from, err)
	}
	dsts, err := tw.Network.Resolve(to)
	if err != nil {
		return nil, fmt.Errorf("to %s: %w", to, err)
	}
	if size <= 0 {
		size = packet.DefaultSize
	}
	var out []*PolicyTrace
	for _, s := range srcs {
		for _, d := range dsts {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if s.Addr == d.Addr && s.Kind == d.Kind && s.Name == d.Name {
				continue
			}
			out = append(out, tw.walk(packet.Flow{Src: s, Dst: d, Port: port, Size: size}))
		}
	}
	return out, nil
}

// PolicyTrace is a packet walk with the policy verdict joined in.
type PolicyTrace struct {
	*packet.Trace
	Verdict policy.Verdict
}

// walk walks one flow and applies policy: egress on the source pod before it
// leaves its node, ingress on the destination pod when it arrives.
func (tw *Twin) walk(f packet.Flow) *PolicyTrace {
	t := packet.Walk(tw.Network, f)
	v := tw.Policy.Verdict(tw.policyEndpoint(f.Src), tw.policyEndpoint(f.Dst), f.Port)
	pt := &PolicyTrace{Trace: t, Verdict: v}
	sc := tw.Scenario
	switch {
	case !v.Egress.Allowed && f.Src.Kind == packet.EndpointPod:
		node := "node/" + sc.Nodes[f.Src.Node].Name
		// The packet dies in the source node's policy chain: keep what
		// happened in the pod, drop the rest.
		keep := 0
		for keep < len(t.Hops) && t.Hops[keep].At != node {
			keep++
		}
		hops := slices.Clone(t.Hops[:keep])
		hops = append(hops, packet.Hop{At: node, Device: "cali (egress policy)", Action: packet.ActionDrop,
			Detail: "egress denied by " + v.Egress.DecidedBy})
		cp := *t
		cp.Hops, cp.Delivered = hops, false
		cp.Drop = &packet.Drop{At: node, Reason: packet.PolicyDenied, Detail: "egress denied by " + v.Egress.DecidedBy}
		pt.Trace = &cp
	case !v.Ingress.Allowed && t.Delivered && f.Dst.Kind == packet.EndpointPod:
		node := "node/" + sc.Nodes[f.Dst.Node].Name
		cp := *t
		cp.Hops = slices.Clone(t.Hops)
		if n := len(cp.Hops); n > 0 && cp.Hops[n-1].Action == packet.ActionDeliver {
			cp.Hops = cp.Hops[:n-1]
		}
		cp.Hops = append(cp.Hops, packet.Hop{At: node, Device: "cali (ingress policy)", Action: packet.ActionDrop,
			Detail: "ingress denied by " + v.Ingress.DecidedBy})
		cp.Delivered = false
		cp.Drop = &packet.Drop{At: node, Reason: packet.PolicyDenied, Detail: "ingress denied by " + v.Ingress.DecidedBy}
		pt.Trace = &cp
	}
	return pt
}

func (tw *Twin) policyEndpoint(e packet.Endpoint) policy.Endpoint {
	switch e.Kind {
	case packet.EndpointPod:
		return tw.Policy.Pod(e.Pod)
	case packet.EndpointHost:
		return policy.HostEndpoint(e.Addr)
	}
	return policy.AddrEndpoint(e.Addr)
}

// path turns a trace into its JSON summary.
func (tw *Twin) path(t *PolicyTrace) Path {
	p := Path{
		From: refName(t.Flow.Src.Name), To: refName(t.Flow.Dst.Name), Port: t.Flow.Port.String(), Size: t.Flow.Size,
		Delivered: t.Delivered, Encapsulation: t.Encap.String(), OverheadBytes: t.OverheadBytes, PathMTU: t.PathMTU,
		Hops: make([]Hop, len(t.Hops)),
	}
	if t.Drop != nil {
		p.Drop = &Drop{At: refName(t.Drop.At), Reason: t.Drop.Reason.String(), Detail: t.Drop.Detail}
	}
	verdict := "allow"
	if !t.Verdict.Allowed {
		verdict = "deny"
	}
	decided := t.Verdict.DecidedBy
	if decided == "" {
		decided = "none"
	}
	p.Policy = &PathPolicy{Verdict: verdict, DecidedBy: decided}
	for i, h := range t.Hops {
		p.Hops[i] = Hop{At: refName(h.At), Dev: h.Device, Action: h.Action.String(), Detail: h.Detail, Bytes: h.IPLen}
	}
	return p
}

// engineRegistry maps engine names to engines; built in one function.
type engineRegistry map[string]func() bgp.Engine

func (r engineRegistry) get(name string) (bgp.Engine, error) {
	mk, ok := r[name]
	if !ok {
		names := make([]string, 0, len(r))
		for n := range r {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, &topology.FieldError{Path: "--engine", Err: fmt.Errorf("unknown BGP engine %q (known: %v)", name, names)}
	}
	return mk(), nil
}

// refName writes a place as an endpoint reference: a pod is ns/name, as
// flows and expectations name it (the packet stage says pod/ns/name).
func refName(s string) string { return strings.TrimPrefix(s, "pod/") }
