package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/calisim/calisim/sim/topology"
)

// MeshLimit is the node count beyond which the reference architecture
// recommends route reflectors over the full mesh.
const MeshLimit = 50

// recommend picks one option by the reference architecture's rules, in
// order: everything reachable; then the encapsulation (native where the
// underlay routes pods, CrossSubnet across subnet boundaries, full
// overlays otherwise, IPIP before VXLAN: a blocked IPIP or BGP fails
// reachability and so leaves VXLAN); then route reflectors beyond
// MeshLimit nodes and the full mesh below; then the larger pod MTU, fewer
// sessions, faster convergence. It returns the option's index and the
// reason in words.
func recommend(p *Plan, sc *topology.Scenario) (int, string) {
	large := len(sc.Nodes) > MeshLimit
	layoutRank := func(l Layout) int {
		order := []Layout{LayoutMesh, LayoutScenario, LayoutReflectors}
		if large {
			order = []Layout{LayoutReflectors, LayoutScenario, LayoutMesh}
		}
		return slices.Index(order, l)
	}
	idx := make([]int, len(p.Options))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		x, y := &p.Options[a], &p.Options[b]
		return cmp.Or(
			cmp.Compare(y.Reachable, x.Reachable),
			cmp.Compare(slices.Index(Encapsulations, x.Encapsulation), slices.Index(Encapsulations, y.Encapsulation)),
			cmp.Compare(layoutRank(x.BGP), layoutRank(y.BGP)),
			cmp.Compare(y.PodMTU, x.PodMTU),
			cmp.Compare(x.Sessions, y.Sessions),
			cmp.Compare(x.ConvergenceMillis, y.ConvergenceMillis),
		)
	})
	best := idx[0]
	return best, reason(p, best, len(sc.Nodes))
}

func reason(p *Plan, best, nodes int) string {
	o := &p.Options[best]
	var b strings.Builder
	if o.AllReachable() {
		fmt.Fprintf(&b, "%s: reaches %s with pod MTU %d (overhead %d B).", o.Name(), allPairs(o.Pairs), o.PodMTU, o.OverheadBytes)
	} else {
		fmt.Fprintf(&b, "%s: no option reaches every pair; this one reaches the most, %d of %d (%s), with pod MTU %d.",
			o.Name(), o.Reachable, o.Pairs, dropText(o.Drops), o.PodMTU)
	}
	// Why not an encapsulation the reference prefers (same layout)?
	var rejected []string
	for _, e := range Encapsulations {
		if e == o.Encapsulation {
			break
		}
		if x := find(p, e, o.BGP); x != nil {
			rejected = append(rejected, fmt.Sprintf("%s reaches %d of %d (%s)", e, x.Reachable, x.Pairs, dropText(x.Drops)))
		}
	}
	if len(rejected) > 0 {
		fmt.Fprintf(&b, " Preferred choices fail: %s.", strings.Join(rejected, "; "))
	}
	switch {
	case o.Encapsulation == EncapNone:
		b.WriteString(" The underlay routes pod addresses, so no encapsulation is needed: native routing has no overhead.")
	case o.Encapsulation == EncapIPIPCrossSubnet:
		b.WriteString(" CrossSubnet encapsulates only across subnet boundaries and stays native inside each subnet (reference: IP-in-IP in CrossSubnet mode for multi-subnet clusters).")
	case o.Encapsulation == EncapVXLANCrossSubnet:
		b.WriteString(" VXLAN CrossSubnet stays native inside each subnet and needs neither BGP nor IP protocol 4 across subnets (reference: VXLAN where IP-in-IP or BGP is blocked).")
	case o.Encapsulation == EncapIPIP:
		b.WriteString(" IPIP Always carries node addresses on every hop, so source/destination checks pass (reference: full IP-in-IP where native routing inside a subnet is not possible).")
	case o.Encapsulation == EncapVXLAN:
		b.WriteString(" VXLAN needs no BGP and is not IP protocol 4 (reference: VXLAN where IP-in-IP or BGP is blocked, as on Azure).")
	}
	mesh, rr := find(p, o.Encapsulation, LayoutMesh), find(p, o.Encapsulation, LayoutReflectors)
	switch {
	case o.Sessions == 0 && o.Encapsulation.vxlan():
		b.WriteString(" No BGP session is up, and none is needed: Felix routes VXLAN from the IPAM block affinities.")
	case o.BGP == LayoutReflectors && nodes > MeshLimit && mesh != nil:
		fmt.Fprintf(&b, " With %d nodes (over %d) route reflectors, two per subnet, cut the BGP sessions of a node from %d to %d and of the cluster from %d to %d (reference: route reflectors beyond %d nodes).",
			nodes, MeshLimit, mesh.MaxClientPeers, o.MaxClientPeers, mesh.Sessions, o.Sessions, MeshLimit)
	case o.BGP == LayoutReflectors:
		fmt.Fprintf(&b, " Route reflectors, two per subnet: %d sessions per node, %d on a reflector.", o.MaxClientPeers, o.MaxPeersPerNode)
	case o.BGP == LayoutMesh && nodes <= MeshLimit:
		fmt.Fprintf(&b, " With %d nodes (%d or fewer) the full mesh is adequate: %d sessions per node.", nodes, MeshLimit, o.MaxPeersPerNode)
	case o.BGP == LayoutMesh && rr != nil:
		fmt.Fprintf(&b, " Route reflectors would reach only %d of %d pairs here, so the full mesh stays despite %d nodes.", rr.Reachable, rr.Pairs, nodes)
	case o.BGP == LayoutScenario:
		fmt.Fprintf(&b, " The scenario's own BGP layout (%s) does better here than the generated ones.", o.BGPTopology)
	}
	return b.String()
}

func allPairs(n int) string {
	if n == 1 {
		return "its one pair"
	}
	return fmt.Sprintf("all %d pairs", n)
}

func find(p *Plan, e Encapsulation, l Layout) *Option {
	for i := range p.Options {
		if p.Options[i].Encapsulation == e && p.Options[i].BGP == l {
			return &p.Options[i]
		}
	}
	return nil
}

func dropText(ds []DropCount) string {
	if len(ds) == 0 {
		return "no drops"
	}
	var parts []string
	for _, d := range ds {
		s := fmt.Sprintf("%d %s", d.Count, d.Reason)
		if d.At != "" {
			s += " at " + d.At
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}
