package sim

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"net/netip"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/packet"
	"github.com/calisim/calisim/sim/topology"
)

// maxNodesRouteCount bounds the clusters whose nodes' route counts the
// result carries: counting costs a lookup per node and block, 100 million
// at 10,000 nodes. `calisim routes --node` prints any node's table.
const maxNodesRouteCount = 1000

// maxPeeringsListed bounds Result.BGP.Peerings: a 2,000-node mesh has two
// million sessions, which diagrams collapse anyway.
const maxPeeringsListed = 50000

// Result summarises the twin: nodes, BGP, IPAM, the scenario's flows (or a
// bounded sample when it names none), policy counts and findings.
func (tw *Twin) Result(ctx context.Context) (*Result, error) {
	sc := tw.Scenario
	res := &Result{
		Scenario: ScenarioInfo{Name: sc.Name, Description: sc.Description, File: sc.File, Cloud: string(sc.Cloud),
			Engine: tw.Options.Engine, Seed: tw.Options.Seed},
		Nodes: make([]NodeResult, len(sc.Nodes)),
	}
	if res.Scenario.Cloud == "" {
		res.Scenario.Cloud = string(topology.CloudNone)
	}
	for i := range sc.Nodes {
		res.Nodes[i] = tw.nodeResult(i)
	}
	res.BGP = tw.bgpResult()
	res.IPAM = tw.ipamResult()

	tw.Options.stage("packets")
	flows, err := tw.flows(ctx)
	if err != nil {
		return nil, err
	}
	res.Paths = make([]Path, 0, len(flows))
	res.Policy.Verdicts = make([]PolicyVerdict, 0, len(flows))
	for _, f := range flows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := tw.path(tw.walk(f))
		res.Paths = append(res.Paths, p)
		if p.Policy.Verdict == "deny" {
			res.Policy.Denied++
		} else {
			res.Policy.Allowed++
		}
		res.Policy.Verdicts = append(res.Policy.Verdicts, PolicyVerdict{From: p.From, To: p.To, Port: p.Port,
			Verdict: p.Policy.Verdict, DecidedBy: p.Policy.DecidedBy})
	}
	r := sc.Resources
	res.Policy.Policies = len(r.GlobalNetworkPolicies) + len(r.NetworkPolicies) + len(r.KubeNetworkPolicies)

	tw.Options.stage("findings")
	adv := tw.advisor()
	adv.paths = res.Paths
	res.Findings = adv.findings()
	for _, w := range sc.Warnings {
		res.Warnings = append(res.Warnings, w.String())
	}
	for _, w := range tw.Policy.Warnings() {
		res.Warnings = append(res.Warnings, w.String())
	}
	return res, nil
}

func (tw *Twin) nodeResult(i int) NodeResult {
	sc := tw.Scenario
	n := &sc.Nodes[i]
	info := tw.Dataplane.Node(i)
	nr := NodeResult{
		Name: n.Name, IP: n.Addr.String(), Subnet: n.Subnet, Blocks: []string{},
		HostMTU: info.HostMTU, PodMTU: info.PodMTU, Reflector: n.IsReflector(),
	}
	if len(sc.Nodes) <= maxNodesRouteCount {
		nr.Routes = tw.Dataplane.RouteCount(i)
	}
	for _, b := range tw.Alloc.NodeBlocks(i) {
		nr.Blocks = append(nr.Blocks, b.String())
	}
	if na := tw.Alloc.Nodes[i]; na.Tunnel.IsValid() {
		nr.Tunnel = na.Tunnel.String() + " " + na.TunnelDev
	}
	if sp, ok := tw.Plan.NodeSpeaker(i); ok {
		nr.Peers = tw.BGP.Established(sp)
	}
	return nr
}

func (tw *Twin) bgpResult() BGPResult {
	p, r := tw.Plan, tw.BGP
	b := BGPResult{
		Topology: p.Topology, Sessions: r.EstablishedSessions(), Configured: len(p.Sessions),
		Converged: r.Converged, ConvergenceMillis: r.ConvergenceTime.Milliseconds(), Updates: r.Updates,
	}
	for i := range tw.Scenario.Nodes {
		if sp, ok := p.NodeSpeaker(i); ok {
			b.MaxPeersPerNode = max(b.MaxPeersPerNode, r.Established(sp))
		}
	}
	for _, e := range r.Timeline {
		b.Timeline = append(b.Timeline, Event{AtMillis: e.At.Milliseconds(), What: e.What, Detail: e.Detail})
	}
	if len(p.Sessions) <= maxPeeringsListed {
		b.Peerings = slices.Collect(tw.Peerings())
	}
	return b
}

// Peerings yields every configured session, in plan order, as
// Result.BGP.Peerings lists them (which it leaves out for huge meshes).
func (tw *Twin) Peerings() iter.Seq[Peering] {
	return func(yield func(Peering) bool) {
		for i := range tw.Plan.Sessions {
			if !yield(tw.peering(i)) {
				return
			}
		}
	}
}

// peering describes session i.
func (tw *Twin) peering(i int) Peering {
	p := tw.Plan
	s := &p.Sessions[i]
	pe := Peering{AAddr: s.AAddr.String(), BAddr: s.BAddr.String(), Kind: sessionKind(s), EBGP: s.EBGP}
	pe.A = p.Speakers[s.A].Ref()
	if s.B >= 0 {
		pe.B = p.Speakers[s.B].Ref()
	} else {
		pe.B = "peer/" + s.BAddr.String()
	}
	st := bgp.SessionState{State: bgp.StateIdle}
	if i < len(tw.BGP.Sessions) {
		st = tw.BGP.Sessions[i]
	}
	pe.State = st.State.String()
	pe.Established = st.State == bgp.StateEstablished
	switch {
	case pe.Established:
	case s.Refused != "":
		pe.Reason = s.Refused
	case !s.Reachable:
		pe.Reason = "TCP/179 blocked by " + s.Blocked
	default:
		pe.Reason = st.Reason
	}
	return pe
}

func sessionKind(s *bgp.Session) string {
	if s.Client >= 0 || s.RRClient[0] || s.RRClient[1] {
		return "rr-client"
	}
	return s.Kind.String()
}

func (tw *Twin) ipamResult() IPAMResult {
	sc, a := tw.Scenario, tw.Alloc
	ir := IPAMResult{BlocksPerNode: a.BlocksPerNode, PodCapacity: a.PodCapacity, PodsWithoutIP: len(a.Exhausted)}
	for i := range sc.Resources.IPPools {
		pool := &sc.Resources.IPPools[i]
		pr := PoolResult{Name: pool.Name, CIDR: pool.CIDR.String(), BlockSize: pool.BlockSize, Encap: pool.Encap().String(),
			Mode: string(pool.EncapMode()), NATOutgoing: pool.NATOutgoing}
		if pr.Mode == "" {
			pr.Mode = string(topology.EncapNever)
		}
		if i < len(a.Pools) {
			pr.BlocksUsed, pr.BlocksTotal = a.Pools[i].BlocksUsed, a.Pools[i].BlocksTotal
		}
		ir.Pools = append(ir.Pools, pr)
	}
	for _, p := range a.Pods {
		if p.Addr.IsValid() {
			ir.PodsAddressed++
		}
	}
	return ir
}

// advisor collects the facts the findings rules read.
func (tw *Twin) advisor() *advisor {
	sc, p := tw.Scenario, tw.Plan
	a := &advisor{sc: sc, g: tw.Graph, alloc: tw.Alloc, bgpTopology: p.Topology, bgpInUse: len(p.Sessions) > 0}
	for i := range p.Sessions {
		s := &p.Sessions[i]
		if s.Reachable || s.Blocked == "" || s.Blocked == "no path" {
			continue
		}
		a.blockedBGP = append(a.blockedBGP, p.SessionName(i))
		if !slices.Contains(a.blockers, s.Blocked) {
			a.blockers = append(a.blockers, s.Blocked)
		}
	}
	slices.Sort(a.blockers)
	a.routerKnows = func(r int, dst netip.Addr) bool {
		for _, st := range sc.Underlay.Routers[r].StaticRoutes {
			if st.Dst.Contains(dst) {
				return true
			}
		}
		sp, ok := p.RouterSpeaker(r)
		if !ok {
			return false
		}
		_, ok = tw.BGP.Lookup(sp, dst)
		return ok
	}
	for i := range sc.Nodes {
		if info := tw.Dataplane.Node(i); info.MTUMismatch {
			a.mtuMismatch = append(a.mtuMismatch, fmt.Sprintf("node/%s: %s", sc.Nodes[i].Name, info.MTUMismatchReason))
		}
	}
	a.mtuMismatch = collapseNodes(a.mtuMismatch)
	a.externalRefs = len(sc.Externals) > 0
	for _, f := range sc.Flows {
		a.externalRefs = a.externalRefs || f.To.Kind == topology.RefIP
	}
	for _, f := range sc.Expect.Flows {
		a.externalRefs = a.externalRefs || f.To.Kind == topology.RefIP
	}
	return a
}

// collapseNodes keeps a long list of per-node reasons readable: the first
// five, then a count.
func collapseNodes(lines []string) []string {
	if len(lines) <= 5 {
		return lines
	}
	return append(lines[:5:5], fmt.Sprintf("and %d more nodes", len(lines)-5))
}

// flows are the scenario's flows resolved to endpoint pairs, or a bounded
// sample of every subnet pair, workload pair and external when it names none.
func (tw *Twin) flows(ctx context.Context) ([]packet.Flow, error) {
	sc := tw.Scenario
	var out []packet.Flow
	if sc.Flows != nil {
		for _, f := range sc.Flows {
			srcs, err := tw.Network.Resolve(f.From)
			if err != nil {
				return nil, topology.Errorf(f.Pos, "", "from %s: %v", f.From, err)
			}
			dsts, err := tw.Network.Resolve(f.To)
			if err != nil {
				return nil, topology.Errorf(f.Pos, "", "to %s: %v", f.To, err)
			}
			size := f.Size
			if size <= 0 {
				size = packet.DefaultSize
			}
			for _, s := range srcs {
				for _, d := range dsts {
					if s.Name == d.Name {
						continue
					}
					out = append(out, packet.Flow{Src: s, Dst: d, Port: f.Port, Size: size})
				}
			}
		}
		return out, nil
	}
	return tw.sample(ctx), nil
}

// sample picks flows when the scenario names none: for every ordered pair of
// subnets with nodes, host to host and pod to pod between representative
// nodes; for every ordered pair of workloads, one pod to another (on another
// node where there is one); every workload to every external. Bounded by
// MaxSampledPaths, taken in that order.
func (tw *Twin) sample(ctx context.Context) []packet.Flow {
	sc := tw.Scenario
	limit := tw.Options.MaxSampledPaths
	if limit <= 0 {
		limit = DefaultSampledPaths
	}
	port := topology.DefaultPort()
	var out []packet.Flow
	add := func(s, d packet.Endpoint) bool {
		if s.Name == d.Name {
			return true
		}
		out = append(out, packet.Flow{Src: s, Dst: d, Port: port, Size: packet.DefaultSize})
		return len(out) < limit
	}
	ep := func(ref string) (packet.Endpoint, bool) {
		r, err := topology.ParseRef(ref)
		if err != nil {
			return packet.Endpoint{}, false
		}
		eps, err := tw.Network.Resolve(r)
		if err != nil || len(eps) == 0 {
			return packet.Endpoint{}, false
		}
		return eps[0], true
	}
	// Nodes by subnet, in scenario order; the first pod on each node.
	bySubnet := map[string][]int{}
	var subnets []string
	for i := range sc.Nodes {
		s := sc.Nodes[i].Subnet
		if _, ok := bySubnet[s]; !ok {
			subnets = append(subnets, s)
		}
		bySubnet[s] = append(bySubnet[s], i)
	}
	firstPod := make([]int, len(sc.Nodes))
	for i := range firstPod {
		firstPod[i] = -1
	}
	nodeIdx := make(map[string]int, len(sc.Nodes))
	for i := range sc.Nodes {
		nodeIdx[sc.Nodes[i].Name] = i
	}
	for i := range sc.Pods {
		if n, ok := nodeIdx[sc.Pods[i].Node]; ok && firstPod[n] < 0 && tw.Alloc.Pods[i].Addr.IsValid() && !sc.Pods[i].HostNetwork {
			firstPod[n] = i
		}
	}
	podRef := func(i int) string { return sc.Pods[i].Namespace + "/" + sc.Pods[i].Name }
	for _, s1 := range subnets {
		for _, s2 := range subnets {
			if ctx.Err() != nil {
				return out
			}
			a := bySubnet[s1][0]
			cands := bySubnet[s2]
			b := -1
			for _, c := range cands {
				if c != a {
					b = c
					break
				}
			}
			if b < 0 {
				continue
			}
			sa, okA := ep("node/" + sc.Nodes[a].Name)
			sb, okB := ep("node/" + sc.Nodes[b].Name)
			if okA && okB && !add(sa, sb) {
				return out
			}
			if firstPod[a] >= 0 && firstPod[b] >= 0 {
				pa, okA := ep(podRef(firstPod[a]))
				pb, okB := ep(podRef(firstPod[b]))
				if okA && okB && !add(pa, pb) {
					return out
				}
			}
		}
	}
	// Workload pairs: the first pod of each to a pod of the other, on another
	// node where possible.
	type wl struct{ pods []int }
	var wls []wl
	wlIdx := map[string]int{}
	for i := range sc.Pods {
		p := &sc.Pods[i]
		if !tw.Alloc.Pods[i].Addr.IsValid() {
			continue
		}
		key := p.Namespace + "/" + p.Workload
		if p.Workload == "" {
			key = p.Namespace + "/" + p.Name
		}
		j, ok := wlIdx[key]
		if !ok {
			j = len(wls)
			wlIdx[key] = j
			wls = append(wls, wl{})
		}
		wls[j].pods = append(wls[j].pods, i)
	}
	for _, w1 := range wls {
		for _, w2 := range wls {
			if ctx.Err() != nil {
				return out
			}
			src := w1.pods[0]
			dst := -1
			for _, c := range w2.pods {
				if c != src && sc.Pods[c].Node != sc.Pods[src].Node {
					dst = c
					break
				}
			}
			if dst < 0 {
				for _, c := range w2.pods {
					if c != src {
						dst = c
						break
					}
				}
			}
			if dst < 0 {
				continue
			}
			ps, ok1 := ep(podRef(src))
			pd, ok2 := ep(podRef(dst))
			if ok1 && ok2 && !add(ps, pd) {
				return out
			}
		}
	}
	for _, w := range wls {
		for _, e := range sc.Externals {
			ps, ok1 := ep(podRef(w.pods[0]))
			pe, ok2 := ep("external/" + e.Name)
			if ok1 && ok2 && !add(ps, pe) {
				return out
			}
		}
	}
	return out
}
