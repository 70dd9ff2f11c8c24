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
			c.Typha = &Typha{Replicas: cf.Typha.Replicas, Pos: cf.Typha.Pos}
			if cf.Typha.Replicas < 0 {
				l.errs.add(Errorf(l.scen.at("spec.calico.typha.replicas"), "spec.calico.typha.replicas", "replicas %d is negative", cf.Typha.Replicas))
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

// resources resolves Calico resources with their defaults.
func (l *loader) resources(sc *Scenario) {
	r := &sc.Resources
	pools := slices.Clone(l.in.pools)
	if in := l.in.install; in != nil {
		if in.hasPools {
			pools = append(pools, in.pools...)
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
			l.errs.add(Errorf(p.Pos, join(p.Pos.Path, "metadata.name"), "IPPool %q is defined twice (also at %s)", p.Name, prev))
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
				l.errs.add(Errorf(p.Pos, join(p.Pos.Path, "spec.node"), "unknown node %q", p.Node))
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
				l.errs.add(Errorf(p.Pos, join(p.Pos.Path, "spec.tier"), "unknown tier %q (no Tier resource of that name)", p.Tier))
			}
		}
	}
	r.GlobalNetworkPolicies = l.in.gnps
	r.NetworkPolicies = l.in.nps
	r.KubeNetworkPolicies = l.in.knps
	r.GlobalNetworkSets = l.in.gsets
	r.NetworkSets = l.in.sets
	r.Profiles = l.in.profiles
	l.duplicates()
}

// duplicates reports resources of one kind and namespace with one name.
func (l *loader) duplicates() {
	type key struct{ kind, ns, name string }
	seen := map[key]Pos{}
	check := func(kind, ns, name string, pos Pos) {
		if name == "" {
			return
		}
		k := key{kind, ns, name}
		if prev, dup := seen[k]; dup {
			l.errs.add(Errorf(pos, join(pos.Path, "metadata.name"), "%s %q is defined twice (also at %s)", kind, name, prev))
			return
		}
		seen[k] = pos
	}
	for _, p := range l.in.gnps {
		check("GlobalNetworkPolicy", "", p.Name, p.Pos)
	}
	for _, p := range l.in.nps {
		check("NetworkPolicy", p.Namespace, p.Name, p.Pos)
	}
	for _, p := range l.in.knps {
		check("networking.k8s.io NetworkPolicy", p.Namespace, p.Name, p.Pos)
	}
	for _, s := range l.in.gsets {
		check("GlobalNetworkSet", "", s.Name, s.Pos)
	}
	for _, s := range l.in.sets {
		check("NetworkSet", s.Namespace, s.Name, s.Pos)
	}
	for _, t := range l.in.tiers {
		check("Tier", "", t.Name, t.Pos)
	}
	for _, p := range l.in.profiles {
		check("Profile", "", p.Name, p.Pos)
	}
	for _, p := range l.in.bgpPeers {
		check("BGPPeer", "", p.Name, p.Pos)
	}
}

func defaultPool() IPPool {
	return IPPool{
		Name: "default-ipv4-ippool", CIDR: netip.MustParsePrefix("192.168.0.0/16"), BlockSize: 26,
		IPIPMode: EncapAlways, VXLANMode: EncapNever, NATOutgoing: true, NodeSelector: "all()", Default: true,
	}
}
