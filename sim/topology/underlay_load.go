package topology

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
)

// The underlay and the nodes: subnets with cloud presets, routers and their
// interfaces, node ranges, Calico Node overrides and address assignment.

func ip4(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addr4(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// hostRange is the first and last assignable host address of a subnet: the
// network and broadcast addresses are skipped, except in a /31 or /32.
func hostRange(p netip.Prefix) (uint32, uint32) {
	lo := ip4(p.Addr())
	hi := lo | (1<<(32-p.Bits()) - 1)
	if p.Bits() >= 31 {
		return lo, hi
	}
	return lo + 1, hi - 1
}

func (l *loader) subnetRef(d *document, path, name string, byName map[string]int) (int, bool) {
	if i, ok := byName[name]; ok {
		return i, true
	}
	names := slices.Sorted(maps.Keys(byName))
	msg := fmt.Sprintf("unknown subnet %q", name)
	if s := suggest(name, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else if len(names) > 0 {
		msg += " (subnets: " + strings.Join(names, ", ") + ")"
	}
	l.errs.add(Errorf(d.at(path), path, "%s", msg))
	return 0, false
}

func (l *loader) fabricProtos(in []Scalar) []FabricProto {
	out := []FabricProto{}
	for _, s := range in {
		switch FabricProto(s.Value) {
		case BlockIPIP, BlockVXLAN:
			out = append(out, FabricProto(s.Value))
		default:
			l.errs.add(Errorf(s.Pos, "", "%q is not a protocol a fabric blocks (ipip, vxlan)", s.Value))
		}
	}
	return out
}

// underlay builds subnets and routers (router addresses are assigned later,
// with the nodes').
func (l *loader) underlay(sc *Scenario, byName map[string]int) {
	d, u := l.scen, &l.sf.Spec.Underlay
	pre := preset(sc.Cloud)
	mtu := 1500
	if pre.mtu > 0 {
		mtu = pre.mtu
	}
	if u.MTU != nil {
		l.checkMTU(d, "spec.underlay.mtu", *u.MTU)
		mtu = *u.MTU
	}
	sc.Underlay.MTU = mtu
	for i, sf := range u.Subnets {
		path := index("spec.underlay.subnets", i)
		s := Subnet{Name: sf.Name, MTU: mtu, SrcDstCheck: pre.srcDstCheck, BlockProtocols: slices.Clone(pre.block), Pos: sf.Pos}
		if s.Name == "" {
			l.errs.add(Errorf(d.at(path), join(path, "name"), "a subnet needs a name"))
		} else if j, dup := byName[s.Name]; dup {
			l.errs.add(Errorf(d.at(join(path, "name")), join(path, "name"), "subnet %q is defined twice (also at line %d)", s.Name, sc.Underlay.Subnets[j].Pos.Line))
		} else {
			byName[s.Name] = len(sc.Underlay.Subnets)
		}
		if sf.CIDR == "" {
			l.errs.add(Errorf(d.at(path), join(path, "cidr"), "a subnet needs a cidr"))
		} else if c, ok := l.cidr(d, join(path, "cidr"), sf.CIDR); ok {
			s.CIDR = c
		}
		if sf.MTU != nil {
			l.checkMTU(d, join(path, "mtu"), *sf.MTU)
			s.MTU = *sf.MTU
		}
		if sf.SrcDstCheck != nil {
			s.SrcDstCheck = *sf.SrcDstCheck
		}
		if sf.BlockProtocols != nil {
			s.BlockProtocols = l.fabricProtos(sf.BlockProtocols)
		}
		if sf.BlockBGP != nil {
			s.BlockBGP = *sf.BlockBGP
		}
		sc.Underlay.Subnets = append(sc.Underlay.Subnets, s)
	}
	l.overlaps(sc.Underlay.Subnets)

	defaults := 0
	routerNames := map[string]int{}
	for i, rf := range u.Routers {
		path := index("spec.underlay.routers", i)
		r := Router{Name: rf.Name, BlockBGP: rf.BlockBGP, Default: rf.Default, Pos: rf.Pos, BlockProtocols: l.fabricProtos(rf.BlockProtocols)}
		if r.Name == "" {
			l.errs.add(Errorf(d.at(path), join(path, "name"), "a router needs a name"))
		} else if j, dup := routerNames[r.Name]; dup {
			l.errs.add(Errorf(d.at(join(path, "name")), join(path, "name"), "router %q is defined twice (also at line %d)", r.Name, sc.Underlay.Routers[j].Pos.Line))
		} else {
			routerNames[r.Name] = i
		}
		if rf.ASNumber != nil {
			r.ASNumber = *rf.ASNumber
			l.checkAS(d, join(path, "asNumber"), r.ASNumber)
		}
		if r.Default {
			defaults++
			if defaults > 1 {
				l.errs.add(Errorf(d.at(join(path, "default")), join(path, "default"), "more than one default router"))
			}
		}
		if len(rf.Interfaces) == 0 {
			l.errs.add(Errorf(d.at(path), join(path, "interfaces"), "a router needs at least one interface"))
		}
		for j, inf := range rf.Interfaces {
			ip := index(join(path, "interfaces"), j)
			in := Interface{Subnet: inf.Subnet, Pos: inf.Pos}
			si, ok := l.subnetRef(d, join(ip, "subnet"), inf.Subnet, byName)
			if ok {
				in.MTU = sc.Underlay.Subnets[si].MTU
			}
			if inf.MTU != nil {
				l.checkMTU(d, join(ip, "mtu"), *inf.MTU)
				in.MTU = *inf.MTU
			}
			if inf.IP != "" {
				if a, ok2 := l.addr(d, join(ip, "ip"), inf.IP); ok2 {
					in.Addr = a
					if ok {
						l.inSubnet(d, join(ip, "ip"), a, &sc.Underlay.Subnets[si])
					}
				}
			}
			r.Interfaces = append(r.Interfaces, in)
		}
		for j, sr := range rf.StaticRoutes {
			sp := index(join(path, "staticRoutes"), j)
			rt := StaticRoute{Pos: sr.Pos}
			if c, ok := l.cidr(d, join(sp, "dst"), sr.Dst); ok {
				rt.Dst = c
			}
			if a, ok := l.addr(d, join(sp, "via"), sr.Via); ok {
				rt.Via = a
			}
			r.StaticRoutes = append(r.StaticRoutes, rt)
		}
		sc.Underlay.Routers = append(sc.Underlay.Routers, r)
	}
}

// inSubnet reports an address outside its subnet, or on its network or
// broadcast address.
func (l *loader) inSubnet(d *document, path string, a netip.Addr, s *Subnet) bool {
	if !s.CIDR.IsValid() {
		return false
	}
	if !s.CIDR.Contains(a) {
		l.errs.add(Errorf(d.at(path), path, "%s is outside subnet %s (%s)", a, s.Name, s.CIDR))
		return false
	}
	lo, hi := hostRange(s.CIDR)
	if v := ip4(a); v < lo || v > hi {
		l.errs.add(Errorf(d.at(path), path, "%s is the network or broadcast address of subnet %s (%s)", a, s.Name, s.CIDR))
		return false
	}
	return true
}

// overlaps reports subnets that share addresses, in O(n log n).
func (l *loader) overlaps(subnets []Subnet) {
	idx := make([]int, 0, len(subnets))
	for i := range subnets {
		if subnets[i].CIDR.IsValid() {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := subnets[a].CIDR.Addr().Compare(subnets[b].CIDR.Addr()); c != 0 {
			return c
		}
		return subnets[a].CIDR.Bits() - subnets[b].CIDR.Bits()
	})
	far := -1 // the subnet reaching furthest so far
	for _, i := range idx {
		if far >= 0 {
			_, end := hostRange(subnets[far].CIDR)
			end |= 1<<(32-subnets[far].CIDR.Bits()) - 1
			if ip4(subnets[i].CIDR.Addr()) <= end {
				a, b := far, i
				if subnets[a].Pos.Line > subnets[b].Pos.Line {
					a, b = b, a
				}
				l.errs.add(Errorf(Pos{File: subnets[b].Pos.File, Line: subnets[b].Pos.Line, Col: subnets[b].Pos.Col}, subnets[b].Pos.Path+".cidr",
					"subnet %s (%s) overlaps subnet %s (%s)", subnets[b].Name, subnets[b].CIDR, subnets[a].Name, subnets[a].CIDR))
				continue
			}
		}
		if far < 0 {
			far = i
			continue
		}
		_, endFar := hostRange(subnets[far].CIDR)
		_, endCur := hostRange(subnets[i].CIDR)
		if endCur > endFar {
			far = i
		}
	}
}

// nodeIn is a node entry after range expansion, before addresses.
type nodeIn struct {
	node    Node
	subnet  int // -1: unknown
	explict bool
	path    string // the entry's field path, for errors
	doc     *document
}

// expandNodes turns spec.nodes into nodes, counting ranges before
// expanding them.
func (l *loader) expandNodes(byName map[string]int, subnets []Subnet) []nodeIn {
	d := l.scen
	total := 0
	for i, nf := range l.sf.Spec.Nodes {
		path := index("spec.nodes", i)
		rs, err := parseRanges(nf.Name)
		if err != nil {
			l.errs.add(Errorf(d.at(join(path, "name")), join(path, "name"), "%v", err))
			continue
		}
		c := rangeCount(rs)
		if c > int64(MaxNodes) || total+int(c) > MaxNodes {
			what := fmt.Sprint(int64(total) + c)
			if c >= rangeSaturated {
				what = "more than 10^18"
			}
			l.errs.add(Errorf(d.at(join(path, "name")), join(path, "name"), "%s nodes after range expansion; at most %d", what, MaxNodes))
			return nil
		}
		total += int(c)
	}
	out := make([]nodeIn, 0, total)
	names := make(map[string]int, total)
	for i, nf := range l.sf.Spec.Nodes {
		path := index("spec.nodes", i)
		rs, err := parseRanges(nf.Name)
		if err != nil {
			continue
		}
		if nf.Name == "" {
			l.errs.add(Errorf(d.at(path), join(path, "name"), "a node needs a name"))
			continue
		}
		subnet := -1
		switch {
		case nf.Subnet != "":
			if s, ok := l.subnetRef(d, join(path, "subnet"), nf.Subnet, byName); ok {
				subnet = s
			}
		case len(subnets) == 1:
			subnet = 0
		case len(subnets) == 0:
			l.errs.add(Errorf(d.at(path), join(path, "subnet"), "node %q: the underlay has no subnet", nf.Name))
		default:
			l.errs.add(Errorf(d.at(path), join(path, "subnet"), "node %q needs a subnet (the underlay has %d)", nf.Name, len(subnets)))
		}
		var addr netip.Addr
		if nf.IP != "" {
			if len(rs) > 0 {
				l.errs.add(Errorf(d.at(join(path, "ip")), join(path, "ip"), "a range of nodes cannot share one ip"))
			} else if a, ok := l.addr(d, join(path, "ip"), nf.IP); ok {
				addr = a
			}
		}
		var as uint32
		if nf.ASNumber != nil {
			as = *nf.ASNumber
			l.checkAS(d, join(path, "asNumber"), as)
		}
		if nf.RouteReflectorClusterID != "" {
			if a, err := netip.ParseAddr(nf.RouteReflectorClusterID); err != nil || !a.Is4() {
				l.errs.add(Errorf(d.at(join(path, "routeReflectorClusterID")), join(path, "routeReflectorClusterID"), "%q is not an IPv4 address (a cluster ID is written as one)", nf.RouteReflectorClusterID))
			}
		}
		expandName(nf.Name, rs, func(name string) {
			if j, dup := names[name]; dup {
				l.errs.add(Errorf(d.at(join(path, "name")), join(path, "name"), "node %q is defined twice (also at line %d)", name, out[j].node.Pos.Line))
				return
			}
			if !validNodeName(name) {
				l.errs.add(Errorf(d.at(join(path, "name")), join(path, "name"), "%q is not a valid node name (lowercase letters, digits, '-' and '.')", name))
				return
			}
			names[name] = len(out)
			labels := make(map[string]string, len(nf.Labels)+2)
			maps.Copy(labels, nf.Labels)
			labels["kubernetes.io/hostname"] = name
			labels["kubernetes.io/os"] = "linux"
			n := Node{Name: name, Addr: addr, Labels: labels, ASNumber: as, RouteReflectorClusterID: nf.RouteReflectorClusterID, Pos: nf.Pos}
			if subnet >= 0 {
				n.Subnet = subnets[subnet].Name
			}
			out = append(out, nodeIn{node: n, subnet: subnet, explict: addr.IsValid(), path: path, doc: d})
		})
	}
	return out
}

// validNodeName is a Kubernetes DNS subdomain: lowercase alphanumerics, '-'
// and '.', starting and ending alphanumeric, at most 253.
func validNodeName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && !((c == '-' || c == '.') && i > 0 && i < len(s)-1) {
			return false
		}
	}
	return true
}

// applyCalicoNodes lays the Calico Node resources over the nodes of the
// same name: labels, AS number, reflector cluster ID and address.
func (l *loader) applyCalicoNodes(nodes []nodeIn, subnets []Subnet) {
	if len(l.in.calicoNodes) == 0 {
		return
	}
	idx := make(map[string]int, len(nodes))
	for i, n := range nodes {
		idx[n.node.Name] = i
	}
	for _, cn := range l.in.calicoNodes {
		i, ok := idx[cn.name]
		if !ok {
			names := make([]string, 0, min(len(nodes), 1000))
			for _, n := range nodes[:min(len(nodes), 1000)] {
				names = append(names, n.node.Name)
			}
			msg := fmt.Sprintf("Calico Node %q names no node of the scenario", cn.name)
			if s := suggest(cn.name, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			l.errs.add(Errorf(cn.namePos, join(cn.pos.Path, "metadata.name"), "%s", msg))
			continue
		}
		n := &nodes[i]
		for k, v := range cn.labels {
			n.node.Labels[k] = v
		}
		n.node.Labels["kubernetes.io/hostname"] = n.node.Name
		if cn.as != nil {
			n.node.ASNumber = *cn.as
		}
		if cn.rrID != "" {
			n.node.RouteReflectorClusterID = cn.rrID
		}
		if cn.addr.IsValid() {
			n.node.Addr = cn.addr.Addr()
			n.node.Prefix = cn.addr
			n.explict = true
			n.subnet = -1
			n.node.Subnet = ""
			for s := range subnets {
				if subnets[s].CIDR.Contains(cn.addr.Addr()) && (n.subnet < 0 || subnets[s].CIDR.Bits() > subnets[n.subnet].CIDR.Bits()) {
					n.subnet = s
				}
			}
			if n.subnet < 0 {
				l.errs.add(Errorf(cn.addrPos, join(cn.pos.Path, "spec.bgp.ipv4Address"), "%s is in no subnet of the underlay", cn.addr.Addr()))
				continue
			}
			n.node.Subnet = subnets[n.subnet].Name
		}
	}
}

// assignAddresses checks explicit addresses and gives every other router
// interface and node the lowest free host address of its subnet, in
// O(nodes + routers).
func (l *loader) assignAddresses(sc *Scenario, nodes []nodeIn) {
	subnets := sc.Underlay.Subnets
	byName := make(map[string]int, len(subnets))
	for i, s := range subnets {
		if _, ok := byName[s.Name]; !ok {
			byName[s.Name] = i
		}
	}
	used := map[netip.Addr]string{} // explicit addresses only: few
	claim := func(a netip.Addr, owner string, pos Pos) {
		if prev, ok := used[a]; ok {
			l.errs.add(Errorf(pos, "", "%s is used twice: by %s and by %s", a, prev, owner))
			return
		}
		used[a] = owner
	}
	for r := range sc.Underlay.Routers {
		rt := &sc.Underlay.Routers[r]
		for _, in := range rt.Interfaces {
			if in.Addr.IsValid() {
				claim(in.Addr, "router "+rt.Name, l.scen.at(join(in.Pos.Path, "ip")))
			}
		}
	}
	for i := range nodes {
		n := &nodes[i]
		if !n.explict || n.subnet < 0 {
			continue
		}
		if n.node.Prefix.IsValid() { // from a Calico Node: its subnet was found by address
			claim(n.node.Addr, "node "+n.node.Name, n.node.Pos)
			continue
		}
		if !l.inSubnet(n.doc, join(n.path, "ip"), n.node.Addr, &subnets[n.subnet]) {
			continue
		}
		claim(n.node.Addr, "node "+n.node.Name, n.doc.at(join(n.path, "ip")))
	}
	cursor := make([]uint64, len(subnets))
	for i, s := range subnets {
		if s.CIDR.IsValid() {
			lo, _ := hostRange(s.CIDR)
			cursor[i] = uint64(lo)
		}
	}
	next := func(s int) (netip.Addr, bool) {
		if !subnets[s].CIDR.IsValid() {
			return netip.Addr{}, false
		}
		_, hi := hostRange(subnets[s].CIDR)
		for cursor[s] <= uint64(hi) {
			a := addr4(uint32(cursor[s]))
			cursor[s]++
			if _, taken := used[a]; !taken {
				return a, true
			}
		}
		return netip.Addr{}, false
	}
	for r := range sc.Underlay.Routers {
		rt := &sc.Underlay.Routers[r]
		for j := range rt.Interfaces {
			in := &rt.Interfaces[j]
			if in.Addr.IsValid() {
				continue
			}
			s, ok := byName[in.Subnet]
			if !ok || !subnets[s].CIDR.IsValid() { // unknown or refused: reported
				continue
			}
			a, ok := next(s)
			if !ok {
				l.errs.add(Errorf(in.Pos, "", "subnet %s (%s) has no free address left for router %s", subnets[s].Name, subnets[s].CIDR, rt.Name))
				continue
			}
			in.Addr = a
		}
	}
	hostPrefix := preset(sc.Cloud).hostPrefix
	full := map[int]bool{}
	for i := range nodes {
		n := &nodes[i]
		if n.subnet < 0 || !subnets[n.subnet].CIDR.IsValid() { // a refused cidr is reported
			continue
		}
		if !n.node.Addr.IsValid() {
			if full[n.subnet] {
				continue
			}
			a, ok := next(n.subnet)
			if !ok {
				full[n.subnet] = true
				l.errs.add(Errorf(n.doc.at(n.path), n.path, "subnet %s (%s) has no free address left for node %s", subnets[n.subnet].Name, subnets[n.subnet].CIDR, n.node.Name))
				continue
			}
			n.node.Addr = a
		}
		if !n.node.Prefix.IsValid() {
			bits := subnets[n.subnet].CIDR.Bits()
			if hostPrefix {
				bits = 32
			}
			n.node.Prefix = netip.PrefixFrom(n.node.Addr, bits)
		}
	}
}
