package gobgp

import (
	"context"
	"fmt"
	"net/netip"
	"slices"

	api "github.com/osrg/gobgp/v3/api"
)

// GoBGP's best path selection differs from BIRD's where route reflectors
// meet: between two iBGP paths it compares the router IDs of the peers they
// came from, where BIRD compares ORIGINATOR_IDs and then the CLUSTER_LIST
// lengths. Two reflectors that hear a client's route directly and through
// each other then each prefer the other's copy, withdraw theirs, and
// oscillate (two reflectors of different cluster IDs peering as each
// other's clients never settle). BIRD prefers the direct copy: same
// originator, shorter cluster list.
//
// The engine restores BIRD's choice with MED, which both compare before
// router IDs and which Calico never sets: a reflector adds 1 to the MED of
// every route it learns over iBGP. A route reflected once more carries one
// more, as its CLUSTER_LIST carries one more cluster ID, so of two copies of
// the same route the one through fewer reflectors wins, as in BIRD. (MED
// comes before the eBGP-over-iBGP and router ID steps, where BIRD's cluster
// list comes after them; the two orders differ only between paths of
// different originators for the same prefix, which Calico's blocks never
// give.)

// reflectorPolicy installs, on a reflector's server, the import policy that
// adds 1 to the MED of routes from its iBGP peers.
func (n *network) reflectorPolicy(ctx context.Context, sp int) error {
	me := &n.p.Speakers[sp]
	if !me.Reflector() {
		return nil
	}
	var peers []string
	for i := range n.p.Sessions {
		s := &n.p.Sessions[i]
		if s.B < 0 || (s.A != sp && s.B != sp) || s.EBGP {
			continue
		}
		other, addr := s.B, s.BAddr
		if sp == s.B {
			other, addr = s.A, s.AAddr
		}
		if loop, ok := n.addrs.loopOf(other, addr); ok {
			peers = append(peers, netip.PrefixFrom(loop, 32).String())
		}
	}
	if len(peers) == 0 {
		return nil
	}
	slices.Sort(peers)
	peers = slices.Compact(peers)
	srv := n.sp[sp].srv
	const set, policy = "ibgp-peers", "reflected-med"
	err := srv.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: &api.DefinedSet{
		DefinedType: api.DefinedType_NEIGHBOR, Name: set, List: peers,
	}})
	if err != nil {
		return fmt.Errorf("gobgp engine: %s: neighbor set: %w", me.Ref(), err)
	}
	p := &api.Policy{Name: policy, Statements: []*api.Statement{{
		Name:       "ibgp-med-plus-one",
		Conditions: &api.Conditions{NeighborSet: &api.MatchSet{Type: api.MatchSet_ANY, Name: set}},
		Actions: &api.Actions{RouteAction: api.RouteAction_ACCEPT,
			Med: &api.MedAction{Type: api.MedAction_MOD, Value: 1}},
	}}}
	if err := srv.AddPolicy(ctx, &api.AddPolicyRequest{Policy: p}); err != nil {
		return fmt.Errorf("gobgp engine: %s: policy: %w", me.Ref(), err)
	}
	err = srv.AddPolicyAssignment(ctx, &api.AddPolicyAssignmentRequest{Assignment: &api.PolicyAssignment{
		Name: "global", Direction: api.PolicyDirection_IMPORT,
		Policies: []*api.Policy{{Name: policy}}, DefaultAction: api.RouteAction_ACCEPT,
	}})
	if err != nil {
		return fmt.Errorf("gobgp engine: %s: policy assignment: %w", me.Ref(), err)
	}
	return nil
}
