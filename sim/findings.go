package sim

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// advisor holds what the findings rules read: the scenario and the facts the
// stages established. Rules read; they never change anything.
type advisor struct {
	sc    *topology.Scenario
	g     *topology.Graph
	alloc *ipam.Allocation

	bgpTopology string
	bgpInUse    bool     // BIRD runs and at least one session is configured
	blockedBGP  []string // sessions that cannot establish because TCP/179 is blocked
	blockers    []string // what blocks them: subnet/x, router/y (sorted, unique)
	// routerKnows reports whether router r can forward to dst (a BGP-learned
	// or static route).
	routerKnows func(r int, dst netip.Addr) bool
	// mtuMismatch lists nodes whose configured pod MTU does not fit the path,
	// with the reason.
	mtuMismatch []string
	// paths are the simulated paths: drops they show back the rules up
	// (see evidence).
	paths []Path
	// externalRefs says flows or expectations name addresses outside the
	// cluster (externals or literal IPs).
	externalRefs bool
}

// findings applies every rule, in code order, and returns what they found.
func (a *advisor) findings() []Finding {
	var out []Finding
	for _, rule := range []func() []Finding{
		a.meshTooLarge, a.reflectors, a.typha, a.etcd,
		a.encapUnneeded, a.crossSubnet, a.nativeUnroutable, a.srcDstCheck,
		a.protocolBlocked, a.bgpBlocked, a.mtu, a.pools,
	} {
		out = append(out, rule()...)
	}
	out = append(out, a.evidence(out)...)
	slices.SortStableFunc(out, func(x, y Finding) int { return strings.Compare(x.Code, y.Code) })
	return out
}

// usedPools returns the pools that hold at least one node's block, with the
// nodes (indexes) of each, in pool order.
func (a *advisor) usedPools() (pools []int, nodes map[int][]int) {
	nodes = map[int][]int{}
	for i, na := range a.alloc.Nodes {
		seen := map[int]bool{}
		for _, b := range na.Blocks {
			p := a.alloc.Blocks[b].Pool
			if !seen[p] {
				seen[p] = true
				nodes[p] = append(nodes[p], i)
			}
		}
	}
	for p := range a.sc.Resources.IPPools {
		if len(nodes[p]) > 0 {
			pools = append(pools, p)
		}
	}
	return pools, nodes
}

// subnetsOf returns the subnets (indexes, sorted) the given nodes stand on.
func (a *advisor) subnetsOf(nodes []int) []int {
	var out []int
	for _, n := range nodes {
		if s, ok := a.g.SubnetOf(a.sc.Nodes[n].Addr); ok && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func (a *advisor) meshTooLarge() []Finding {
	if !a.bgpInUse || !a.sc.Resources.BGP.NodeToNodeMeshEnabled {
		return nil
	}
	n := 0
	for i := range a.sc.Nodes {
		if !a.sc.Nodes[i].IsReflector() {
			n++
		}
	}
	if n <= meshAdviceNodes {
		return nil
	}
	return []Finding{{
		Code:     CodeMeshTooLarge,
		Severity: SeverityWarning,
		Message: fmt.Sprintf("full node-to-node mesh of %d nodes: every node holds %d BGP sessions, %d in all; "+
			"the reference architecture adds global route reflectors for clusters capable of growing above %d nodes: "+
			"set nodeToNodeMeshEnabled: false and peer every node with two or more reflectors",
			n, n-1, n*(n-1)/2, meshAdviceNodes),
		Subjects: []string{"bgpconfiguration/default"},
	}}
}

func (a *advisor) reflectors() []Finding {
	if !a.bgpInUse {
		return nil
	}
	var rrs []int
	for i := range a.sc.Nodes {
		if a.sc.Nodes[i].IsReflector() {
			rrs = append(rrs, i)
		}
	}
	if len(rrs) == 0 {
		return nil
	}
	var out []Finding
	if len(rrs) < 2 {
		out = append(out, Finding{
			Code:     CodeRRSingle,
			Severity: SeverityWarning,
			Message: fmt.Sprintf("only %d route reflector (%s): reflectors are a centralised point of failure; "+
				"the reference architecture runs at least 2 route reflectors per cluster", len(rrs), a.sc.Nodes[rrs[0]].Name),
			Subjects: []string{"node/" + a.sc.Nodes[rrs[0]].Name},
		})
	}
	var all []int
	for i := range a.sc.Nodes {
		all = append(all, i)
	}
	withNodes := a.subnetsOf(all)
	withRR := a.subnetsOf(rrs)
	if len(withNodes) > 1 {
		var missing []string
		for _, s := range withNodes {
			if !slices.Contains(withRR, s) {
				missing = append(missing, "subnet/"+a.sc.Underlay.Subnets[s].Name)
			}
		}
		if len(missing) > 0 {
			out = append(out, Finding{
				Code:     CodeRRSubnetMissing,
				Severity: SeverityWarning,
				Message: fmt.Sprintf("%s has nodes but no route reflector; in multi-subnet environments the reference "+
					"architecture runs at least 1 route reflector per subnet", strings.Join(missing, ", ")),
				Subjects: missing,
			})
		}
	}
	return out
}

// typhaReplicas is the recommended Typha replica count: one per 200 nodes
// plus two (the operator's rule), at least three above four nodes, and
// fewer than the nodes so that rolling upgrades have room.
func typhaReplicas(nodes int) int {
	want := nodes/200 + 2
	if nodes > 4 && want < 3 {
		want = 3
	}
	if nodes <= 4 {
		want = max(1, min(want, nodes-1))
	}
	return want
}

func (a *advisor) typha() []Finding {
	n := len(a.sc.Nodes)
	t := a.sc.Calico.Typha
	if t == nil {
		if n > meshAdviceNodes && a.sc.Calico.Datastore == topology.DatastoreKubernetes {
			return []Finding{{
				Code:     CodeTyphaMissing,
				Severity: SeverityWarning,
				Message: fmt.Sprintf("%d nodes on the Kubernetes datastore without Typha: every calico-node opens its own "+
					"watch on the API server, which creates scaling issues above %d nodes; install Typha with %d replicas",
					n, meshAdviceNodes, typhaReplicas(n)),
				Subjects: []string{"calico/typha"},
			}}
		}
		return nil
	}
	want := typhaReplicas(n)
	switch {
	case t.Replicas < want:
		return []Finding{{
			Code:     CodeTyphaReplicas,
			Severity: SeverityWarning,
			Message: fmt.Sprintf("%d Typha replicas for %d nodes: run one per 200 nodes plus two for availability "+
				"(at least 3 above 4 nodes): %d", t.Replicas, n, want),
			Subjects: []string{"calico/typha"},
		}}
	case n > 1 && t.Replicas >= n:
		return []Finding{{
			Code:     CodeTyphaReplicas,
			Severity: SeverityWarning,
			Message: fmt.Sprintf("%d Typha replicas for %d nodes: keep fewer replicas than nodes so that rolling "+
				"upgrades can reschedule them: %d", t.Replicas, n, want),
			Subjects: []string{"calico/typha"},
		}}
	}
	return nil
}

func (a *advisor) etcd() []Finding {
	if a.sc.Calico.Datastore != topology.DatastoreEtcd {
		return nil
	}
	return []Finding{{
		Code:     CodeEtcdDatastore,
		Severity: SeverityWarning,
		Message: "Calico uses the etcd datastore: the reference architecture recommends the Kubernetes datastore " +
			"(feature parity since Calico 3.9, Typha for scale, Kubernetes RBAC) since a second etcd adds administration " +
			"cost and security risk; never share the cluster's own etcd",
		Subjects: []string{"calico/datastore"},
	}}
}

// nativeWorksIn reports whether native pod traffic could cross subnet s:
// no source/destination check and BGP available to learn the routes.
func (a *advisor) nativeWorksIn(s int) bool {
	sub := &a.sc.Underlay.Subnets[s]
	return !sub.SrcDstCheck && !sub.BlockBGP && a.sc.Calico.BGPEnabled && a.sc.Calico.Backend == topology.BackendBird
}

func (a *advisor) encapUnneeded() []Finding {
	pools, nodes := a.usedPools()
	var all []int
	for i := range a.sc.Nodes {
		all = append(all, i)
	}
	subs := a.subnetsOf(all)
	if len(subs) != 1 || len(a.sc.Nodes) < 2 || !a.nativeWorksIn(subs[0]) {
		return nil
	}
	var out []Finding
	for _, p := range pools {
		pool := &a.sc.Resources.IPPools[p]
		if pool.EncapMode() != topology.EncapAlways || len(nodes[p]) < 2 {
			continue
		}
		e := pool.Encap()
		out = append(out, Finding{
			Code:     CodeEncapUnneeded,
			Severity: SeverityInfo,
			Message: fmt.Sprintf("IPPool %s encapsulates every packet (%s Always, %d bytes each) though all nodes share subnet %s "+
				"and no router stands between them; the reference architecture uses no encapsulation for single subnet "+
				"clusters: set %s to Never", pool.Name, e, e.Overhead(), a.sc.Underlay.Subnets[subs[0]].Name, modeField(e)),
			Subjects: []string{"ippool/" + pool.Name},
		})
	}
	return out
}

func modeField(e topology.Encap) string {
	if e == topology.EncapVXLAN {
		return "vxlanMode"
	}
	return "ipipMode"
}

func (a *advisor) crossSubnet() []Finding {
	pools, nodes := a.usedPools()
	var out []Finding
	for _, p := range pools {
		pool := &a.sc.Resources.IPPools[p]
		if pool.EncapMode() != topology.EncapAlways {
			continue
		}
		subs := a.subnetsOf(nodes[p])
		if len(subs) < 2 {
			continue
		}
		// CrossSubnet helps only where some subnet holds two nodes that could
		// then talk natively.
		helps := false
		for _, s := range subs {
			count := 0
			for _, n := range nodes[p] {
				if si, _ := a.g.SubnetOf(a.sc.Nodes[n].Addr); si == s {
					count++
				}
			}
			if count > 1 && a.nativeWorksIn(s) {
				helps = true
			}
		}
		if !helps {
			continue
		}
		e := pool.Encap()
		out = append(out, Finding{
			Code:     CodeCrossSubnetRecommended,
			Severity: SeverityInfo,
			Message: fmt.Sprintf("IPPool %s encapsulates every packet (%s Always) across %d subnets, also between nodes of the "+
				"same subnet; the reference architecture uses IP-in-IP in CrossSubnet mode for multi-subnet clusters: "+
				"set %s: CrossSubnet (native inside a subnet, encapsulated across)", pool.Name, e, len(subs), modeField(e)),
			Subjects: []string{"ippool/" + pool.Name},
		})
	}
	return out
}

func (a *advisor) nativeUnroutable() []Finding {
	pools, nodes := a.usedPools()
	var out []Finding
	for _, p := range pools {
		pool := &a.sc.Resources.IPPools[p]
		if pool.Encap() != topology.EncapNone {
			continue
		}
		// One representative node per subnet: the first of the pool there.
		first := map[int]int{}
		var subs []int
		for _, n := range nodes[p] {
			s, ok := a.g.SubnetOf(a.sc.Nodes[n].Addr)
			if !ok {
				continue
			}
			if _, seen := first[s]; !seen {
				first[s] = n
				subs = append(subs, s)
			}
		}
		var routers []string
		for _, s1 := range subs {
			for _, s2 := range subs {
				if s1 == s2 {
					continue
				}
				src, dst := first[s1], first[s2]
				dstBlocks := a.alloc.NodeBlocks(dst)
				if len(dstBlocks) == 0 {
					continue
				}
				path, ok := a.g.Path(a.sc.Nodes[src].Addr, a.sc.Nodes[dst].Addr)
				if !ok {
					continue
				}
				for _, r := range path.Routers {
					if a.routerKnows == nil || !a.routerKnows(r, dstBlocks[0].Addr()) {
						name := "router/" + a.sc.Underlay.Routers[r].Name
						if !slices.Contains(routers, name) {
							routers = append(routers, name)
						}
					}
				}
			}
		}
		if len(routers) == 0 {
			continue
		}
		slices.Sort(routers)
		out = append(out, Finding{
			Code:     CodeNativeUnroutable,
			Severity: SeverityError,
			Message: fmt.Sprintf("IPPool %s routes natively (ipipMode and vxlanMode Never) across subnets, but %s "+
				"route by destination address and know no pod block: pod traffic between subnets is dropped; use ipipMode "+
				"CrossSubnet (or vxlanMode CrossSubnet), or peer the routers over BGP so they learn the blocks",
				pool.Name, strings.Join(routers, ", ")),
			Subjects: append([]string{"ippool/" + pool.Name}, routers...),
		})
	}
	return out
}

func (a *advisor) srcDstCheck() []Finding {
	pools, nodes := a.usedPools()
	var out []Finding
	for s := range a.sc.Underlay.Subnets {
		sub := &a.sc.Underlay.Subnets[s]
		if !sub.SrcDstCheck {
			continue
		}
		var why []string
		for _, p := range pools {
			pool := &a.sc.Resources.IPPools[p]
			here := 0
			// CrossSubnet goes native only between nodes whose prefixes
			// hold each other: with /32 node prefixes (GCP) never.
			nativeInside := false
			for _, n := range nodes[p] {
				if si, _ := a.g.SubnetOf(a.sc.Nodes[n].Addr); si == s {
					here++
					nativeInside = nativeInside || a.sc.Nodes[n].Prefix.Bits() < a.sc.Nodes[n].Addr.BitLen()
				}
			}
			if here == 0 {
				continue
			}
			switch mode := pool.EncapMode(); {
			case mode == topology.EncapNever && len(a.sc.Nodes) > 1:
				why = append(why, fmt.Sprintf("IPPool %s routes natively", pool.Name))
			case mode == topology.EncapCrossSubnet && here > 1 && nativeInside:
				why = append(why, fmt.Sprintf("IPPool %s (CrossSubnet) routes natively inside the subnet", pool.Name))
			}
			if !pool.NATOutgoing && a.externalRefs {
				why = append(why, fmt.Sprintf("IPPool %s has natOutgoing off, so pod addresses leave for external destinations", pool.Name))
			}
		}
		if len(why) == 0 {
			continue
		}
		out = append(out, Finding{
			Code:     CodeSrcDstCheck,
			Severity: SeverityError,
			Message: fmt.Sprintf("subnet %s checks source and destination addresses (a host may send only from and receive "+
				"only to its own address, as AWS does) and %s: those packets carry pod addresses and are dropped; disable the "+
				"source/destination check on the instances, or encapsulate (ipipMode or vxlanMode Always) and keep natOutgoing on",
				sub.Name, strings.Join(why, "; ")),
			Subjects: []string{"subnet/" + sub.Name},
		})
	}
	return out
}

// protocolBlocked reports IPIP or VXLAN that the fabric drops on the way
// between nodes of the pool that uses it.
func (a *advisor) protocolBlocked() []Finding {
	pools, nodes := a.usedPools()
	var out []Finding
	for _, p := range pools {
		pool := &a.sc.Resources.IPPools[p]
		e := pool.Encap()
		if e == topology.EncapNone {
			continue
		}
		proto := topology.BlockIPIP
		code := CodeIPIPBlocked
		if e == topology.EncapVXLAN {
			proto, code = topology.BlockVXLAN, CodeVXLANBlocked
		}
		subs := a.subnetsOf(nodes[p])
		var where []string
		add := func(s string) {
			if !slices.Contains(where, s) {
				where = append(where, s)
			}
		}
		cross := pool.EncapMode() == topology.EncapCrossSubnet
		for _, s := range subs {
			sub := &a.sc.Underlay.Subnets[s]
			if sub.Blocks(proto) && (!cross || len(subs) > 1) {
				add("subnet/" + sub.Name)
			}
		}
		for i, s1 := range subs {
			for _, s2 := range subs[i+1:] {
				path, ok := a.g.Path(a.sc.Underlay.Subnets[s1].CIDR.Addr(), a.sc.Underlay.Subnets[s2].CIDR.Addr())
				if !ok {
					continue
				}
				for _, r := range path.Routers {
					if a.sc.Underlay.Routers[r].Blocks(proto) {
						add("router/" + a.sc.Underlay.Routers[r].Name)
					}
				}
				for _, s := range path.Subnets {
					if a.sc.Underlay.Subnets[s].Blocks(proto) {
						add("subnet/" + a.sc.Underlay.Subnets[s].Name)
					}
				}
			}
		}
		if len(where) == 0 {
			continue
		}
		slices.Sort(where)
		fix := "use VXLAN (vxlanMode) instead: it works where IP-in-IP is not allowed, such as Azure"
		if e == topology.EncapVXLAN {
			fix = "allow UDP 4789 in the fabric, or use IP-in-IP where it is allowed"
		}
		out = append(out, Finding{
			Code:     code,
			Severity: SeverityError,
			Message: fmt.Sprintf("IPPool %s encapsulates with %s but %s drop it (%s): the encapsulated pod traffic is lost; %s",
				pool.Name, e, strings.Join(where, ", "), protoDesc(proto), fix),
			Subjects: append([]string{"ippool/" + pool.Name}, where...),
		})
	}
	return out
}

func protoDesc(p topology.FabricProto) string {
	if p == topology.BlockVXLAN {
		return "UDP 4789"
	}
	return "IP protocol 4"
}

func (a *advisor) bgpBlocked() []Finding {
	if len(a.blockedBGP) == 0 {
		return nil
	}
	needBGP := false
	pools, _ := a.usedPools()
	for _, p := range pools {
		if a.sc.Resources.IPPools[p].Encap() != topology.EncapVXLAN {
			needBGP = true
		}
	}
	sev := SeverityWarning
	consequence := "VXLAN pools need no BGP (Felix routes from the block affinities), but routes to outside peers are lost"
	if needBGP {
		sev = SeverityError
		consequence = "IPIP and native routing learn remote blocks over BGP, so those blocks have no route; use VXLAN, which needs no BGP, or open TCP/179"
	}
	return []Finding{{
		Code:     CodeBGPBlocked,
		Severity: sev,
		Message: fmt.Sprintf("%d BGP sessions cannot establish because %s drop TCP/179: %s",
			len(a.blockedBGP), strings.Join(a.blockers, ", "), consequence),
		Subjects: a.blockers,
	}}
}

func (a *advisor) mtu() []Finding {
	if len(a.mtuMismatch) == 0 {
		return nil
	}
	subjects := make([]string, 0, len(a.mtuMismatch))
	for _, m := range a.mtuMismatch {
		subjects = append(subjects, strings.SplitN(m, ":", 2)[0])
	}
	return []Finding{{
		Code:     CodeMTUMismatch,
		Severity: SeverityError,
		Message: fmt.Sprintf("the configured pod MTU does not fit the network: %s; set it to the network MTU minus the "+
			"encapsulation overhead (native 0, IP-in-IP 20, VXLAN 50, WireGuard 60), or leave it unset",
			strings.Join(a.mtuMismatch, "; ")),
		Subjects: subjects,
	}}
}

func (a *advisor) pools() []Finding {
	var out []Finding
	if n := len(a.alloc.Exhausted); n > 0 {
		var pods []string
		for _, e := range a.alloc.Exhausted {
			p := a.sc.Pods[e.Pod]
			pods = append(pods, "pod/"+p.Namespace+"/"+p.Name)
		}
		msg := a.alloc.Exhausted[0].Message
		out = append(out, Finding{
			Code:     CodePoolExhausted,
			Severity: SeverityError,
			Message: fmt.Sprintf("%d pods get no address (%s): every block of the pools their nodes may use is taken; "+
				"widen the IPPool or choose a smaller blockSize", n, msg),
			Subjects: pods,
		})
	}
	for _, o := range a.alloc.Overlaps {
		subj := []string{"ippool/" + a.sc.Resources.IPPools[o.Pool].Name}
		if o.OtherPool >= 0 {
			subj = append(subj, "ippool/"+a.sc.Resources.IPPools[o.OtherPool].Name)
		} else {
			subj = append(subj, "subnet/"+o.Subnet)
		}
		out = append(out, Finding{
			Code:     CodePoolOverlap,
			Severity: SeverityError,
			Message:  o.Message + "; overlapping ranges make routes ambiguous: give every IPPool its own range, apart from the underlay",
			Subjects: subj,
		})
	}
	return out
}

// evidence adds what the simulated paths show and the rules above missed: a
// packet dropped by a source/destination check, or for a blocked
// encapsulation, always comes with the finding that explains it.
func (a *advisor) evidence(have []Finding) []Finding {
	covered := func(code, subject string) bool {
		for _, f := range have {
			if f.Code == code && slices.Contains(f.Subjects, subject) {
				return true
			}
		}
		return false
	}
	var out []Finding
	seen := map[string]bool{}
	for _, p := range a.paths {
		if p.Drop == nil {
			continue
		}
		var code, msg string
		switch {
		case p.Drop.Reason == "src-dst-check":
			code = CodeSrcDstCheck
			msg = fmt.Sprintf("%s checks source and destination addresses (as AWS does) and dropped %s -> %s: the packet "+
				"carried an address that is not the sending or receiving host's own; encapsulate (ipipMode or vxlanMode "+
				"Always), keep natOutgoing on, or disable the check", p.Drop.At, p.From, p.To)
		case p.Drop.Reason == "protocol-blocked" && p.Encapsulation == "ipip":
			code = CodeIPIPBlocked
			msg = fmt.Sprintf("%s drops IP-in-IP (IP protocol 4) and dropped %s -> %s; use VXLAN instead, which works where "+
				"IP-in-IP is not allowed (Azure)", p.Drop.At, p.From, p.To)
		case p.Drop.Reason == "protocol-blocked" && p.Encapsulation == "vxlan":
			code = CodeVXLANBlocked
			msg = fmt.Sprintf("%s drops VXLAN (UDP 4789) and dropped %s -> %s; allow UDP 4789 or use IP-in-IP where it "+
				"is allowed", p.Drop.At, p.From, p.To)
		default:
			continue
		}
		key := code + " " + p.Drop.At
		if seen[key] || covered(code, p.Drop.At) {
			continue
		}
		seen[key] = true
		out = append(out, Finding{Code: code, Severity: SeverityError, Message: msg, Subjects: []string{p.Drop.At}})
	}
	return out
}
