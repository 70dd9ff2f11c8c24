package topology

import (
	"cmp"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
)

// build turns the decoded documents into the model, resolving defaults
// once (DESIGN.md "Defaults are Calico's").
func (l *loader) build() *Scenario {
	sc := &Scenario{Files: l.files}
	subnetByName := map[string]int{}
	var nodes []nodeIn
	if l.scen == nil {
		l.defaultScenario(sc)
		nodes = l.defaultNodes(sc)
	} else {
		sc.File = l.scen.file
		sc.Name, sc.Description = l.sf.Metadata.Name, l.sf.Metadata.Description
		sc.Cloud = l.cloud()
		l.underlay(sc, subnetByName)
		nodes = l.expandNodes(subnetByName, sc.Underlay.Subnets)
	}
	l.applyCalicoNodes(nodes, sc.Underlay.Subnets)
	l.assignAddresses(sc, nodes)
	sc.Nodes = make([]Node, len(nodes))
	l.nodeIdx = make(map[string]int, len(nodes))
	for i := range nodes {
		sc.Nodes[i] = nodes[i].node
		l.nodeIdx[nodes[i].node.Name] = i
	}
	l.calico(sc)
	l.resources(sc)
	l.workloads(sc)
	l.externals(sc)
	l.flows(sc)
	l.failures(sc)
	l.expect(sc)

	l.skippedWarnings()
	sc.Warnings = append(sc.Warnings, l.warnings...)
	sortWarnings(sc.Warnings)
	sc.NotModelled = l.nm.list
	sortWarnings(sc.NotModelled)
	return sc
}

func sortWarnings(ws []Warning) {
	slices.SortStableFunc(ws, func(a, b Warning) int {
		return cmp.Or(strings.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
}

func (l *loader) cloud() Cloud {
	switch c := Cloud(l.sf.Spec.Cloud); c {
	case "":
		return CloudNone
	case CloudNone, CloudAWS, CloudAzure, CloudGCP:
		return c
	}
	msg := fmt.Sprintf("unknown cloud %q (none, aws, azure, gcp)", l.sf.Spec.Cloud)
	if s := suggest(l.sf.Spec.Cloud, []string{"none", "aws", "azure", "gcp"}); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	l.errs.add(Errorf(l.scen.at("spec.cloud"), "spec.cloud", "%s", msg))
	return CloudNone
}

// defaultScenario is the underlay made up when no Scenario document was
// given: one subnet 10.0.0.0/24 named default, no router.
func (l *loader) defaultScenario(sc *Scenario) {
	sc.DefaultUnderlay = true
	sc.Cloud = CloudNone
	if len(l.files) > 0 {
		base := filepath.Base(l.files[0])
		sc.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	sc.Underlay = Underlay{MTU: 1500, Subnets: []Subnet{{Name: "default", CIDR: netip.MustParsePrefix("10.0.0.0/24"), MTU: 1500}}}
}

// defaultNodes are the nodes pods name in spec.nodeName and Calico Node
// resources name, in input order; with none, node-1..node-3.
func (l *loader) defaultNodes(sc *Scenario) []nodeIn {
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && !seen[n] && validNodeName(n) {
			seen[n] = true
			names = append(names, n)
		}
	}
	for _, w := range l.in.workloads {
		add(w.w.NodeName)
	}
	for _, cn := range l.in.calicoNodes {
		add(cn.name)
	}
	msg := "no Scenario document: calisim made up one subnet default 10.0.0.0/24 without routers"
	if len(names) == 0 {
		names = []string{"node-1", "node-2", "node-3"}
		msg += " and three nodes node-1..node-3"
	} else {
		msg += fmt.Sprintf(" and the %d node(s) the resources name", len(names))
	}
	pos := Pos{}
	if len(l.files) > 0 {
		pos.File = l.files[0]
	}
	l.warnings = append(l.warnings, Warning{Pos: pos, Message: msg})
	out := make([]nodeIn, len(names))
	for i, n := range names {
		out[i] = nodeIn{node: Node{Name: n, Subnet: "default", Labels: map[string]string{"kubernetes.io/hostname": n, "kubernetes.io/os": "linux"}}, subnet: 0}
	}
	return out
}

// calico resolves backend, datastore, Typha, MTU and whether BGP runs.
func (l *loader) calico(sc *Scenario) {
	c := Calico{Backend: BackendBird, Datastore: DatastoreKubernetes}
	var cf *CalicoFile
	if l.scen != nil {
		cf = l.sf.Spec.Calico
	}
	if cf != nil {
		c.Pos = cf.Pos
		switch b := Backend(cf.Backend); b {
		case "":
		case BackendBird, BackendVXLAN, BackendNone:
			c.Backend = b
		default:
			l.errs.add(Errorf(l.scen.at("spec.calico.backend"), "spec.calico.backend", "unknown backend %q (bird, vxlan, none)", cf.Backend))
		}
		switch ds := Datastore(cf.Datastore); ds {
		case "":
		case DatastoreKubernetes, DatastoreEtcd:
			c.Datastore = ds
		default:
			l.errs.add(Errorf(l.scen.at("spec.calico.datastore"), "spec.calico.datastore", "unknown datastore %q (kubernetes, etcd)", cf.Datastore))
		}
		if cf.Typha != nil {
			c.Typha = &Typha{Replicas: 1, Pos: cf.Typha.Pos} // a Deployment's default
			if cf.Typha.Replicas != nil {
				c.Typha.Replicas = *cf.Typha.Replicas
			}
			if c.Typha.Replicas < 0 {
				l.errs.add(Errorf(l.scen.at("spec.calico.typha.replicas"), "spec.calico.typha.replicas", "replicas %d is negative", c.Typha.Replicas))
			}
		}
	}
	if cc := l.in.calicoConfig; cc != nil && cc.backend != "" {
		b := Backend(cc.backend)
		switch b {
		case BackendBird, BackendVXLAN, BackendNone:
			if cf != nil && cf.Backend != "" && b != c.Backend {
				l.errs.add(Errorf(cc.backendPos, "", "calico_backend %q contradicts spec.calico.backend %q", cc.backend, cf.Backend))
			}
			c.Backend = b
		default:
			l.errs.add(Errorf(cc.backendPos, "", "unknown calico_backend %q (bird, vxlan, none)", cc.backend))
		}
	}
	c.BGPEnabled = c.Backend == BackendBird
	if in := l.in.install; in != nil && in.bgp == "Disabled" {
		c.BGPEnabled = false
	}
	sc.Calico = c
}

// samePool reports whether two pools mean the same to the model.
func samePool(a, b IPPool) bool {
	return a.CIDR == b.CIDR && a.BlockSize == b.BlockSize && a.IPIPMode == b.IPIPMode &&
		a.VXLANMode == b.VXLANMode && a.NATOutgoing == b.NATOutgoing && a.NodeSelector == b.NodeSelector
}

// resources resolves Calico resources with their defaults.
func (l *loader) resources(sc *Scenario) {
	r := &sc.Resources
	l.duplicates()
	pools := slices.Clone(l.in.pools)
	if in := l.in.install; in != nil {
		if in.hasPools {
			// The operator creates the Installation's pools as IPPool
			// resources of the same names: pasting both is the same pool
			// twice. The IPPool resource is what Felix reads.
			for _, ip := range in.pools {
				if j := slices.IndexFunc(l.in.pools, func(p IPPool) bool { return p.Name == ip.Name }); j >= 0 {
					msg := fmt.Sprintf("IPPool %q of the Installation is also given as an IPPool resource (at %s): calisim uses the resource, as Felix does", ip.Name, l.in.pools[j].Pos)
					if !samePool(ip, l.in.pools[j]) {
						msg += "; they differ, and the operator would reconcile the resource to the Installation"
					}
					l.warnings = append(l.warnings, Warning{Pos: ip.Pos, Message: msg})
					continue
				}
				pools = append(pools, ip)
			}
			if len(in.pools) == 0 && len(l.in.pools) == 0 {
				l.warnings = append(l.warnings, Warning{Pos: in.pos, Message: "the Installation lists no IP pools: the operator creates none, so pods get no address"})
			}
		} else if len(l.in.pools) == 0 {
			// The operator's default pool: IPIP with BGP, VXLAN without.
			p := defaultPool()
			if in.bgp == "Disabled" {
				p.IPIPMode, p.VXLANMode = EncapNever, EncapAlways
			}
			p.Pos = in.pos
			pools = append(pools, p)
		}
	} else if len(pools) == 0 {
		pools = append(pools, defaultPool())
	}
	seen := map[string]Pos{}
	for _, p := range pools {
		if prev, dup := seen[p.Name]; dup {
			l.errs.add(Errorf(l.fieldAt(p.Pos, "metadata.name"), join(p.Pos.Path, "metadata.name"), "IPPool %q is defined twice (also at %s)", p.Name, prev))
		}
		seen[p.Name] = p.Pos
	}
	slices.SortStableFunc(pools, func(a, b IPPool) int { return strings.Compare(a.Name, b.Name) })
	r.IPPools = pools

	r.BGP = BGPConfig{NodeToNodeMeshEnabled: true, ASNumber: 64512, ListenPort: 179}
	if l.in.bgpConfig != nil {
		r.BGP = *l.in.bgpConfig
	}
	r.BGPPeers = l.in.bgpPeers
	for _, p := range r.BGPPeers {
		if p.Node != "" {
			if _, ok := l.nodeIdx[p.Node]; !ok {
				l.errs.add(Errorf(l.fieldAt(p.Pos, "spec.node"), join(p.Pos.Path, "spec.node"), "unknown node %q", p.Node))
			}
		}
	}
	if l.in.felix != nil {
		r.Felix = *l.in.felix
	}
	if in := l.in.install; in != nil && in.mtu != 0 {
		r.Felix.VethMTU, r.Felix.VethMTUPos = in.mtu, in.mtuPos
	}
	if cc := l.in.calicoConfig; cc != nil && cc.mtu != 0 {
		if r.Felix.VethMTU != 0 && r.Felix.VethMTU != cc.mtu {
			l.errs.add(Errorf(cc.mtuPos, "", "veth_mtu %d contradicts the Installation's calicoNetwork.mtu %d (%s)", cc.mtu, r.Felix.VethMTU, r.Felix.VethMTUPos))
		}
		r.Felix.VethMTU, r.Felix.VethMTUPos = cc.mtu, cc.mtuPos
	}
	r.Tiers = l.in.tiers
	tiers := map[string]bool{"default": true}
	for _, t := range r.Tiers {
		tiers[t.Name] = true
	}
	for _, ps := range [][]Policy{l.in.gnps, l.in.nps} {
		for _, p := range ps {
			if !tiers[p.Tier] {
				l.errs.add(Errorf(l.fieldAt(p.Pos, "spec.tier"), join(p.Pos.Path, "spec.tier"), "unknown tier %q (no Tier resource of that name)", p.Tier))
			}
		}
	}
	r.GlobalNetworkPolicies = l.in.gnps
	r.NetworkPolicies = l.in.nps
	r.KubeNetworkPolicies = l.in.knps
	r.GlobalNetworkSets = l.in.gsets
	r.NetworkSets = l.in.sets
	r.Profiles = l.in.profiles
}

// replaceDuplicates keeps one resource per key: a later one replaces an
// earlier one in its place, as kubectl apply or calicoctl apply would, with a
// warning naming both.
func replaceDuplicates[T any](l *loader, items []T, kind string, key func(*T) string, pos func(*T) Pos) []T {
	seen := make(map[string]int, len(items))
	out := items[:0:0]
	for i := range items {
		k := key(&items[i])
		if j, dup := seen[k]; dup {
			l.warnings = append(l.warnings, Warning{Pos: pos(&items[i]),
				Message: fmt.Sprintf("%s %s is defined twice: this one replaces the one at %s, as kubectl apply would", kind, k, pos(&out[j]))})
			out[j] = items[i]
			continue
		}
		seen[k] = len(out)
		out = append(out, items[i])
	}
	return out
}

// duplicates replaces resources of one kind, namespace and name.
func (l *loader) duplicates() {
	in := &l.in
	nsName := func(ns, name string) string {
		if ns == "" {
			return fmt.Sprintf("%q", name)
		}
		return fmt.Sprintf("%s/%s", ns, name)
	}
	pp := func(p *Policy) Pos { return p.Pos }
	pk := func(p *Policy) string { return nsName(p.Namespace, p.Name) }
	in.gnps = replaceDuplicates(l, in.gnps, "GlobalNetworkPolicy", pk, pp)
	in.nps = replaceDuplicates(l, in.nps, "NetworkPolicy", pk, pp)
	in.knps = replaceDuplicates(l, in.knps, "networking.k8s.io NetworkPolicy",
		func(p *KubeNetworkPolicy) string { return nsName(p.Namespace, p.Name) }, func(p *KubeNetworkPolicy) Pos { return p.Pos })
	sk := func(s *NetworkSet) string { return nsName(s.Namespace, s.Name) }
	sp := func(s *NetworkSet) Pos { return s.Pos }
	in.gsets = replaceDuplicates(l, in.gsets, "GlobalNetworkSet", sk, sp)
	in.sets = replaceDuplicates(l, in.sets, "NetworkSet", sk, sp)
	in.tiers = replaceDuplicates(l, in.tiers, "Tier", func(t *Tier) string { return nsName("", t.Name) }, func(t *Tier) Pos { return t.Pos })
	in.profiles = replaceDuplicates(l, in.profiles, "Profile", func(p *Profile) string { return nsName("", p.Name) }, func(p *Profile) Pos { return p.Pos })
	in.bgpPeers = replaceDuplicates(l, in.bgpPeers, "BGPPeer", func(p *BGPPeer) string { return nsName("", p.Name) }, func(p *BGPPeer) Pos { return p.Pos })
}

func defaultPool() IPPool {
	return IPPool{
		Name: "default-ipv4-ippool", CIDR: netip.MustParsePrefix("192.168.0.0/16"), BlockSize: 26,
		IPIPMode: EncapAlways, VXLANMode: EncapNever, NATOutgoing: true, NodeSelector: "all()", Default: true,
	}
}
