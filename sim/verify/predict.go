package verify

import (
	"context"
	"fmt"
	"slices"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/packet"
	"github.com/calisim/calisim/sim/topology"
)

// Stages are the twin's stage outputs that verify reads its prediction
// from: IPAM, the BGP plan and where it settled, the dataplane, and the
// network packets are walked over.
type Stages struct {
	Scenario  *topology.Scenario
	Graph     *topology.Graph
	Alloc     *ipam.Allocation
	Plan      *bgp.Plan   // nil with BGP off
	BGP       *bgp.Result // nil with BGP off
	Dataplane *dataplane.Dataplane
	Network   *packet.Network
}

// Simulate runs the twin's stages on sc (IPAM, the BGP model engine with
// the scenario's failures, the dataplane) and bundles them.
func Simulate(ctx context.Context, sc *topology.Scenario) (*Stages, error) {
	st := &Stages{Scenario: sc, Graph: topology.NewGraph(sc)}
	var err error
	if st.Alloc, err = ipam.Allocate(sc); err != nil {
		return nil, err
	}
	if st.Plan, err = bgp.NewPlan(sc, st.Graph, st.Alloc); err != nil {
		return nil, err
	}
	if st.BGP, err = bgp.NewModel().Run(ctx, st.Plan, bgp.Options{Failures: sc.Failures}); err != nil {
		return nil, err
	}
	if st.Dataplane, err = dataplane.Build(sc, st.Graph, st.Alloc, st.Plan, st.BGP); err != nil {
		return nil, err
	}
	if st.Network, err = packet.NewNetwork(sc, st.Graph, st.Alloc, st.Plan, st.BGP, st.Dataplane); err != nil {
		return nil, err
	}
	return st, nil
}

// MaxSample bounds the flows verify makes up when the scenario lists none.
const MaxSample = 32

// Predict reads verify's Input from the stages: every node's table, pod
// MTU, VTEP MAC and sessions, and a walk of every flow of the scenario (or,
// when it lists none, of a sample: each pod to a pod on the next node that
// has one, each node to the next node, at most MaxSample flows).
func Predict(st *Stages) (*Input, error) {
	sc := st.Scenario
	if sc == nil || st.Alloc == nil || st.Dataplane == nil || st.Network == nil {
		return nil, fmt.Errorf("verify: incomplete prediction stages")
	}
	in := &Input{Scenario: sc, Alloc: st.Alloc, Nodes: make([]NodePrediction, len(sc.Nodes))}
	for i := range sc.Nodes {
		np := &in.Nodes[i]
		np.Routes = st.Dataplane.Table(i).Lines()
		info := st.Dataplane.Node(i)
		np.PodMTU = info.PodMTU
		if d, ok := info.Device(dataplane.DevVXLAN); ok && !d.MAC.IsZero() {
			np.VTEPMAC = d.MAC.String()
		}
		if st.Plan == nil || st.BGP == nil {
			continue
		}
		sp, ok := st.Plan.NodeSpeaker(i)
		if !ok {
			continue
		}
		for k := range st.Plan.Sessions {
			s := &st.Plan.Sessions[k]
			peer := s.BAddr
			switch sp {
			case s.A:
			case s.B:
				peer = s.AAddr
			default:
				continue
			}
			np.Peers = append(np.Peers, PeerPrediction{Addr: peer,
				Established: k < len(st.BGP.Sessions) && st.BGP.Sessions[k].State == bgp.StateEstablished})
		}
	}
	flows, err := flowPairs(st)
	if err != nil {
		return nil, err
	}
	for _, f := range flows {
		t := packet.Walk(st.Network, f)
		fp := FlowPrediction{From: endpointOf(sc, f.Src), To: endpointOf(sc, f.Dst), Port: f.Port, Size: f.Size,
			Delivered: t.Delivered, Encap: t.Encap, PathMTU: t.PathMTU}
		if t.Drop != nil {
			fp.DropReason, fp.DropAt = t.Drop.Reason.String(), t.Drop.At
		}
		in.Flows = append(in.Flows, fp)
	}
	return in, nil
}

// flowPairs lists the concrete flows to predict and test.
func flowPairs(st *Stages) ([]packet.Flow, error) {
	sc := st.Scenario
	var out []packet.Flow
	if sc.Flows != nil {
		for _, f := range sc.Flows {
			srcs, err := st.Network.Resolve(f.From)
			if err != nil {
				return nil, topology.Errorf(f.Pos, f.Pos.Path+".from", "%v", err)
			}
			dsts, err := st.Network.Resolve(f.To)
			if err != nil {
				return nil, topology.Errorf(f.Pos, f.Pos.Path+".to", "%v", err)
			}
			size := f.Size
			if size == 0 {
				size = packet.DefaultSize
			}
			for _, s := range srcs {
				for _, d := range dsts {
					if s.Addr == d.Addr {
						continue
					}
					out = append(out, packet.Flow{Src: s, Dst: d, Port: f.Port, Size: size})
				}
			}
		}
		return out, nil
	}
	// A sample: pod -> a pod on the next node that has one; node -> next node.
	podsOn := make([][]topology.Ref, len(sc.Nodes))
	nodeIdx := map[string]int{}
	for i, n := range sc.Nodes {
		nodeIdx[n.Name] = i
	}
	for p, pod := range sc.Pods {
		if i, ok := nodeIdx[pod.Node]; ok && st.Alloc.Pods[p].Addr.IsValid() {
			podsOn[i] = append(podsOn[i], topology.Ref{Kind: topology.RefWorkload, Namespace: pod.Namespace, Name: pod.Name, Raw: pod.Namespace + "/" + pod.Name})
		}
	}
	var refs [][2]topology.Ref
	for i := range sc.Nodes {
		for _, src := range podsOn[i] {
			for k := 1; k < len(sc.Nodes); k++ {
				j := (i + k) % len(sc.Nodes)
				if len(podsOn[j]) > 0 {
					refs = append(refs, [2]topology.Ref{src, podsOn[j][0]})
					break
				}
			}
		}
	}
	for i := range sc.Nodes {
		if len(sc.Nodes) > 1 {
			j := (i + 1) % len(sc.Nodes)
			refs = append(refs, [2]topology.Ref{
				{Kind: topology.RefNode, Name: sc.Nodes[i].Name, Raw: "node/" + sc.Nodes[i].Name},
				{Kind: topology.RefNode, Name: sc.Nodes[j].Name, Raw: "node/" + sc.Nodes[j].Name}})
		}
	}
	if len(refs) > MaxSample {
		refs = refs[:MaxSample]
	}
	for _, r := range refs {
		srcs, err := st.Network.Resolve(r[0])
		if err != nil {
			return nil, err
		}
		dsts, err := st.Network.Resolve(r[1])
		if err != nil {
			return nil, err
		}
		out = append(out, packet.Flow{Src: srcs[0], Dst: dsts[0], Port: topology.Port{Proto: topology.ProtoTCP, Num: 80}, Size: packet.DefaultSize})
	}
	return out, nil
}

// endpointOf converts a walk's endpoint to verify's.
func endpointOf(sc *topology.Scenario, e packet.Endpoint) Endpoint {
	out := Endpoint{Addr: e.Addr, Name: e.Name, Index: -1, Kind: EndpointAddr}
	switch e.Kind {
	case packet.EndpointPod:
		out.Kind, out.Index = EndpointPod, e.Pod
		if e.Pod >= 0 && e.Pod < len(sc.Pods) {
			out.Name = sc.Pods[e.Pod].Namespace + "/" + sc.Pods[e.Pod].Name
		}
	case packet.EndpointHost:
		out.Kind, out.Index = EndpointNode, e.Node
	case packet.EndpointRouter:
		out.Kind, out.Index = EndpointRouter, e.Router
	case packet.EndpointExternal:
		if k := slices.IndexFunc(sc.Externals, func(x topology.External) bool { return x.Addr == e.Addr }); k >= 0 {
			out.Kind, out.Index = EndpointExternal, k
		}
	}
	return out
}
