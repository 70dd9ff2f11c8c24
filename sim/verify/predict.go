package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/packet"
	"github.com/calisim/calisim/sim/topology"
)

// MaxSample bounds the flows verify makes up when the scenario lists none.
const MaxSample = 32

// FromTwin reads verify's Input from a built twin: every node's table, pod
// MTU, VTEP MAC and sessions, and the twin's trace (policy joined) of every
// flow of the scenario, or, when it lists none, of a sample: each pod to a
// pod on the next node that has one, then each node to the next node, at
// most MaxSample flows.
func FromTwin(ctx context.Context, tw *sim.Twin) (*Input, error) {
	sc := tw.Scenario
	if sc == nil || tw.Alloc == nil || tw.Dataplane == nil || tw.Network == nil {
		return nil, fmt.Errorf("verify: the twin is not built")
	}
	in := &Input{Scenario: sc, Alloc: tw.Alloc, Nodes: make([]NodePrediction, len(sc.Nodes))}
	for i := range sc.Nodes {
		np := &in.Nodes[i]
		np.Routes = tw.Dataplane.Table(i).Lines()
		info := tw.Dataplane.Node(i)
		np.PodMTU = info.PodMTU
		if d, ok := info.Device(dataplane.DevVXLAN); ok && !d.MAC.IsZero() {
			np.VTEPMAC = d.MAC.String()
		}
		if tw.Plan == nil || tw.BGP == nil {
			continue
		}
		sp, ok := tw.Plan.NodeSpeaker(i)
		if !ok {
			continue
		}
		for k := range tw.Plan.Sessions {
			s := &tw.Plan.Sessions[k]
			peer := s.BAddr
			switch sp {
			case s.A:
			case s.B:
				peer = s.AAddr
			default:
				continue
			}
			np.Peers = append(np.Peers, PeerPrediction{Addr: peer,
				Established: k < len(tw.BGP.Sessions) && tw.BGP.Sessions[k].State == bgp.StateEstablished})
		}
	}
	for _, q := range flowQueries(tw) {
		traces, err := tw.Traces(ctx, q.from, q.to, q.port, q.size)
		if err != nil {
			var fe *topology.FieldError
			if errors.As(err, &fe) && q.pos.IsValid() {
				return nil, topology.Errorf(q.pos, q.pos.Path+"."+fe.Path, "%v", fe.Err)
			}
			return nil, err
		}
		for _, t := range traces {
			f := t.Flow
			fp := FlowPrediction{From: endpointOf(sc, f.Src), To: endpointOf(sc, f.Dst), Port: f.Port, Size: f.Size,
				Delivered: t.Delivered, Encap: t.Encap, PathMTU: t.PathMTU}
			if t.Drop != nil {
				fp.DropReason, fp.DropAt = t.Drop.Reason.String(), t.Drop.At
			}
			in.Flows = append(in.Flows, fp)
		}
	}
	return in, nil
}

// flowQuery is one flow to ask the twin about.
type flowQuery struct {
	from, to topology.Ref
	port     topology.Port
	size     int
	pos      topology.Pos
}

// flowQueries lists the flows to predict and test: the scenario's, or a
// sample.
func flowQueries(tw *sim.Twin) []flowQuery {
	sc := tw.Scenario
	var out []flowQuery
	if sc.Flows != nil {
		for _, f := range sc.Flows {
			out = append(out, flowQuery{from: f.From, to: f.To, port: f.Port, size: f.Size, pos: f.Pos})
		}
		return out
	}
	podRef := func(p int) topology.Ref {
		pod := &sc.Pods[p]
		return topology.Ref{Kind: topology.RefWorkload, Namespace: pod.Namespace, Name: pod.Name, Raw: pod.Namespace + "/" + pod.Name}
	}
	nodeRef := func(i int) topology.Ref {
		return topology.Ref{Kind: topology.RefNode, Name: sc.Nodes[i].Name, Raw: "node/" + sc.Nodes[i].Name}
	}
	podsOn := make([][]int, len(sc.Nodes))
	nodeIdx := map[string]int{}
	for i, n := range sc.Nodes {
		if _, dup := nodeIdx[n.Name]; !dup {
			nodeIdx[n.Name] = i
		}
	}
	for p, pod := range sc.Pods {
		if i, ok := nodeIdx[pod.Node]; ok && tw.Alloc.Pods[p].Addr.IsValid() && !pod.HostNetwork {
			podsOn[i] = append(podsOn[i], p)
		}
	}
	port := topology.Port{Proto: topology.ProtoTCP, Num: 80}
	for i := range sc.Nodes {
		for _, src := range podsOn[i] {
			for k := 1; k < len(sc.Nodes); k++ {
				if j := (i + k) % len(sc.Nodes); len(podsOn[j]) > 0 {
					out = append(out, flowQuery{from: podRef(src), to: podRef(podsOn[j][0]), port: port})
					break
				}
			}
		}
	}
	for i := range sc.Nodes {
		if len(sc.Nodes) > 1 {
			out = append(out, flowQuery{from: nodeRef(i), to: nodeRef((i + 1) % len(sc.Nodes)), port: port})
		}
	}
	if len(out) > MaxSample {
		out = out[:MaxSample]
	}
	return out
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
