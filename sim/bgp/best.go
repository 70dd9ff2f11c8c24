package bgp

import (
	"cmp"
	"net/netip"
)

// candidate is one path to a prefix as a receiver sees it, after import:
// the advertisement and the session facts best-path selection needs.
type candidate struct {
	adv       *adv
	group     int32      // the update group it came from
	localPref uint32     // after import: kept over iBGP, 100 from eBGP
	ebgp      bool       // learned over eBGP
	peerAS    uint32     // the sender's AS (for MED comparison)
	peerID    netip.Addr // the sender's router ID
	peerAddr  netip.Addr // the sender's address on the session
}

// routerID is the ID best-path compares: the ORIGINATOR_ID of a reflected
// route (RFC 4456 section 9), else the sender's router ID.
func (c *candidate) routerID() netip.Addr {
	if c.adv.originator.IsValid() {
		return c.adv.originator
	}
	return c.peerID
}

// reason says why a best path won. The zero value, reasonNone, means there
// is no route.
type reason uint8

const (
	reasonNone reason = iota
	reasonLocal
	reasonOnly
	reasonLocalPref
	reasonASPath
	reasonOrigin
	reasonMED
	reasonEBGP
	reasonRouterID
	reasonClusterList
	reasonNeighbor
	reasonGroup
	reasonOther // set by another engine, which did not say why (reads as "")
)

var reasonNames = [...]string{
	"", "local", "only path", "higher local-pref", "shorter AS path", "lower origin",
	"lower MED", "eBGP over iBGP", "lower router ID", "shorter cluster list",
	"lower neighbour address", "first update group", "",
}

func (r reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "unknown"
}

// A tie-break compares two candidates; negative means a is better. The list
// is BIRD's order (proto/bgp/attrs.c, bgp_rte_better): local-pref, AS path
// length, origin, MED (only between routes from the same neighbour AS, BIRD's
// default), eBGP over iBGP, router ID (ORIGINATOR_ID when reflected),
// cluster list length, neighbour address. IGP metrics are all equal in the
// model (the underlay carries no IGP costs into BGP), so that step is left
// out. The last step, the update group's index, only separates two paths
// from the same neighbour address, which the plan never makes; it keeps the
// order total.
type tieBreak struct {
	cmp    func(a, b *candidate) int
	reason reason
}

var tieBreaks = [...]tieBreak{
	{compareLocalPref, reasonLocalPref},
	{compareASPathLen, reasonASPath},
	{compareOrigin, reasonOrigin},
	{compareMED, reasonMED},
	{compareEBGP, reasonEBGP},
	{compareRouterID, reasonRouterID},
	{compareClusterList, reasonClusterList},
	{compareNeighbor, reasonNeighbor},
	{compareGroup, reasonGroup},
}

func compareLocalPref(a, b *candidate) int { return cmp.Compare(b.localPref, a.localPref) }

func compareASPathLen(a, b *candidate) int {
	return cmp.Compare(len(a.adv.asPath), len(b.adv.asPath))
}

func compareOrigin(a, b *candidate) int { return cmp.Compare(a.adv.originCode, b.adv.originCode) }

// compareMED compares MEDs only between routes from the same neighbouring
// AS (the first AS of the path, or the local AS for iBGP-originated routes).
func compareMED(a, b *candidate) int {
	if neighborAS(a) != neighborAS(b) {
		return 0
	}
	return cmp.Compare(a.adv.med, b.adv.med)
}

func neighborAS(c *candidate) uint32 {
	if len(c.adv.asPath) > 0 {
		return c.adv.asPath[0]
	}
	return 0
}

func compareEBGP(a, b *candidate) int {
	switch {
	case a.ebgp == b.ebgp:
		return 0
	case a.ebgp:
		return -1
	}
	return 1
}

func compareRouterID(a, b *candidate) int { return a.routerID().Compare(b.routerID()) }

func compareClusterList(a, b *candidate) int {
	return cmp.Compare(len(a.adv.clusters), len(b.adv.clusters))
}

func compareNeighbor(a, b *candidate) int { return a.peerAddr.Compare(b.peerAddr) }

func compareGroup(a, b *candidate) int { return cmp.Compare(a.group, b.group) }

// better compares two candidates by every tie-break in turn and says which
// one decided.
func better(a, b *candidate) (int, reason) {
	for i := range tieBreaks {
		if c := tieBreaks[i].cmp(a, b); c != 0 {
			return c, tieBreaks[i].reason
		}
	}
	return 0, reasonGroup
}
