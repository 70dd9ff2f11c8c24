package topology

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/calisim/calisim/sim/selector"
)

// inputs are the resources of a load, converted to the model as they are
// read, in input order. build.go merges them with the scenario and defaults.
type inputs struct {
	pools        []IPPool
	bgpConfig    *BGPConfig
	bgpPeers     []BGPPeer
	felix        *FelixConfig
	tiers        []Tier
	gnps         []Policy
	nps          []Policy
	knps         []KubeNetworkPolicy
	gsets        []NetworkSet
	sets         []NetworkSet
	profiles     []Profile
	calicoNodes  []calicoNodeIn
	namespaces   []Namespace
	workloads    []kubeWorkloadIn
	calicoConfig *calicoConfigIn
	install      *installationIn
}

type calicoNodeIn struct {
	name   string
	labels map[string]string
	as     *uint32
	rrID   string
	addr   netip.Prefix
	pos    Pos
	// namePos and addrPos: metadata.name and spec.bgp.ipv4Address, for
	// errors found when the node list is known
	namePos, addrPos Pos
}

// selectorAt parses a Calico selector, reporting a syntax error at the
// column of the problem inside the field's value. "" is valid (all()).
func (l *loader) selectorAt(s Scalar) *selector.Selector {
	sel, err := selector.Parse(s.Value)
	if err == nil {
		return sel
	}
	pos := s.Pos
	msg := err.Error()
	if se, ok := err.(*selector.SyntaxError); ok {
		pos.Col = s.Col(se.Col - 1)
		msg = fmt.Sprintf("%s at column %d of the selector", se.Msg, se.Col)
	}
	l.errs.add(Errorf(pos, "", "selector %q: %s", s.Value, msg))
	return nil
}

// cidr parses an IPv4 prefix that must be in canonical (masked) form.
func (l *loader) cidr(d *document, path, s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		l.errs.add(Errorf(d.at(path), path, "%q is not a valid CIDR", s))
		return netip.Prefix{}, false
	}
	if !p.Addr().Is4() {
		l.errs.add(Errorf(d.at(path), path, "%q is not an IPv4 CIDR (IPv6 is not modelled)", s))
		return netip.Prefix{}, false
	}
	if p.Masked() != p {
		l.errs.add(Errorf(d.at(path), path, "%q has host bits set (did you mean %q?)", s, p.Masked()))
		return netip.Prefix{}, false
	}
	return p, true
}

// nets parses policy nets: IPv4 or IPv6, host bits are masked as Calico does.
func (l *loader) nets(d *document, path string, in []string) []netip.Prefix {
	var out []netip.Prefix
	for i, s := range in {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			if a, err2 := netip.ParseAddr(strings.TrimSpace(s)); err2 == nil {
				p, err = netip.PrefixFrom(a, a.BitLen()), nil
			}
		}
		if err != nil {
			l.errs.add(Errorf(d.at(index(path, i)), index(path, i), "%q is not a valid CIDR", s))
			continue
		}
		out = append(out, p.Masked())
	}
	return out
}

func (l *loader) addr(d *document, path, s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || !a.Is4() {
		l.errs.add(Errorf(d.at(path), path, "%q is not a valid IPv4 address", s))
		return netip.Addr{}, false
	}
	return a, true
}

func (l *loader) encapMode(d *document, path, s string) EncapMode {
	switch s {
	case "":
		return EncapNever
	case "Always", "CrossSubnet", "Never":
		return EncapMode(s)
	}
	msg := fmt.Sprintf("%q is not an encapsulation mode (Always, CrossSubnet, Never)", s)
	if m := suggest(s, []string{"Always", "CrossSubnet", "Never"}); m != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", m)
	}
	l.errs.add(Errorf(d.at(path), path, "%s", msg))
	return EncapNever
}

func (l *loader) ipPool(d *document, n *ynode, path string) {
	var f IPPoolFile
	l.decodeInto(d, n, path, &f)
	p := IPPool{
		Name:             f.Metadata.Name,
		IPIPMode:         l.encapMode(d, join(path, "spec.ipipMode"), f.Spec.IPIPMode),
		VXLANMode:        l.encapMode(d, join(path, "spec.vxlanMode"), f.Spec.VXLANMode),
		NATOutgoing:      f.Spec.NATOutgoing,
		Disabled:         f.Spec.Disabled,
		DisableBGPExport: f.Spec.DisableBGPExport,
		NodeSelector:     f.Spec.NodeSelector.Value,
		BlockSize:        26,
		Pos:              d.pos(n, path),
	}
	l.requireName(d, path, p.Name)
	// The v1 fields: Calico v3 validates them away (ipip must be nil,
	// nat-outgoing false), so a pool that relies on them is refused rather
	// than silently left without encapsulation.
	if f.Spec.IPIP.IsSet() {
		fp := join(path, "spec.ipip")
		l.errs.add(Errorf(d.at(fp), fp, "ipip is the Calico v1 field and projectcalico.org/v3 refuses it: use ipipMode (Always, CrossSubnet, Never)"))
	}
	if f.Spec.NATOutgoingV1.IsSet() {
		fp := join(path, "spec.nat-outgoing")
		l.errs.add(Errorf(d.at(fp), fp, "nat-outgoing is the Calico v1 field and projectcalico.org/v3 refuses it: use natOutgoing"))
	}
	if l.ipv6Pool(d, join(path, "spec.cidr"), p.Name, f.Spec.CIDR) {
		return
	}
	if f.Spec.CIDR == "" {
		l.errs.add(Errorf(d.at(join(path, "spec")), join(path, "spec.cidr"), "an IPPool needs spec.cidr"))
	} else if c, ok := l.cidr(d, join(path, "spec.cidr"), f.Spec.CIDR); ok {
		p.CIDR = c
	}
	if f.Spec.BlockSize != nil {
		p.BlockSize = *f.Spec.BlockSize
	}
	l.checkPool(d, path, "spec.blockSize", &p)
	if p.NodeSelector == "" {
		p.NodeSelector = "all()"
	} else {
		l.selectorAt(f.Spec.NodeSelector)
	}
	l.in.pools = append(l.in.pools, p)
}

// ipv6Pool reports (with a warning) a pool calisim skips: IPv6 is not
// modelled, and dual-stack clusters list an IPv6 pool beside the IPv4 one.
func (l *loader) ipv6Pool(d *document, path, name, cidr string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	if err != nil || !p.Addr().Is6() || p.Addr().Is4In6() {
		return false
	}
	l.warnings = append(l.warnings, Warning{Pos: d.at(path), Message: fmt.Sprintf("IP pool %s %s is IPv6: not modelled, skipped", name, p)})
	return true
}

// checkPool validates block size and encapsulation of a pool.
func (l *loader) checkPool(d *document, path, bsField string, p *IPPool) {
	if p.BlockSize < 20 || p.BlockSize > 32 {
		l.errs.add(Errorf(d.at(join(path, bsField)), join(path, bsField), "blockSize %d is outside 20-32", p.BlockSize))
	} else if p.CIDR.IsValid() && p.BlockSize < p.CIDR.Bits() {
		l.errs.add(Errorf(d.at(join(path, bsField)), join(path, bsField), "blockSize /%d is larger than the pool %s", p.BlockSize, p.CIDR))
	}
	if p.IPIPMode.Enabled() && p.VXLANMode.Enabled() {
		l.errs.add(Errorf(d.at(join(path, "spec")), join(path, "spec"), "ipipMode %s and vxlanMode %s: Calico refuses a pool with both IPIP and VXLAN enabled", p.IPIPMode, p.VXLANMode))
	}
}

func (l *loader) requireName(d *document, path, name string) {
	if name == "" {
		l.errs.add(Errorf(d.at(join(path, "metadata")), join(path, "metadata.name"), "metadata.name is required"))
	}
}

func (l *loader) bgpConfiguration(d *document, n *ynode, path string) {
	var f BGPConfigurationFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	if f.Metadata.Name != "default" {
		l.warnings = append(l.warnings, Warning{Pos: d.pos(n, path),
			Message: fmt.Sprintf("BGPConfiguration %q: only the global \"default\" configuration is modelled; per-node configurations are skipped", f.Metadata.Name)})
		return
	}
	if l.in.bgpConfig != nil {
		l.errs.add(Errorf(d.at(join(path, "metadata.name")), join(path, "metadata.name"), "a second BGPConfiguration \"default\" (the first is at %s)", l.in.bgpConfig.Pos))
		return
	}
	c := BGPConfig{NodeToNodeMeshEnabled: true, ASNumber: 64512, ListenPort: 179, Pos: d.pos(n, path)}
	if f.Spec.NodeToNodeMeshEnabled != nil {
		c.NodeToNodeMeshEnabled = *f.Spec.NodeToNodeMeshEnabled
	}
	if f.Spec.ASNumber != nil {
		c.ASNumber = *f.Spec.ASNumber
		l.checkAS(d, join(path, "spec.asNumber"), c.ASNumber)
	}
	if f.Spec.ListenPort != nil {
		c.ListenPort = *f.Spec.ListenPort
		l.checkPort(d, join(path, "spec.listenPort"), c.ListenPort)
	}
	l.in.bgpConfig = &c
}

func (l *loader) checkAS(d *document, path string, as uint32) {
	if as == 0 && !l.errs.reported(d.at(path), path) {
		l.errs.add(Errorf(d.at(path), path, "AS number 0 is outside 1-4294967295"))
	}
}

func (l *loader) checkPort(d *document, path string, p int) {
	if p < 1 || p > 65535 {
		l.errs.add(Errorf(d.at(path), path, "port %d is outside 1-65535", p))
	}
}

func (l *loader) bgpPeer(d *document, n *ynode, path string) {
	var f BGPPeerFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	p := BGPPeer{
		Name:                f.Metadata.Name,
		Node:                f.Spec.Node,
		NodeSelector:        f.Spec.NodeSelector.Value,
		PeerSelector:        f.Spec.PeerSelector.Value,
		KeepOriginalNextHop: f.Spec.KeepOriginalNextHop,
		Pos:                 d.pos(n, path),
	}
	if p.NodeSelector != "" {
		l.selectorAt(f.Spec.NodeSelector)
	}
	if p.PeerSelector != "" {
		l.selectorAt(f.Spec.PeerSelector)
	}
	if f.Spec.ASNumber != nil {
		p.ASNumber = *f.Spec.ASNumber
		l.checkAS(d, join(path, "spec.asNumber"), p.ASNumber)
	}
	if f.Spec.PeerIP != "" {
		ipPath := join(path, "spec.peerIP")
		host := f.Spec.PeerIP
		if ap, err := netip.ParseAddrPort(host); err == nil {
			host = ap.Addr().String()
			p.PeerPort = int(ap.Port())
			l.checkPort(d, ipPath, p.PeerPort)
		}
		if a, ok := l.addr(d, ipPath, host); ok {
			p.PeerIP = a
		}
		if f.Spec.ASNumber == nil {
			l.errs.add(Errorf(d.at(ipPath), join(path, "spec.asNumber"), "a BGPPeer with peerIP needs spec.asNumber"))
		}
		if p.PeerSelector != "" {
			l.errs.add(Errorf(d.at(ipPath), ipPath, "peerIP and peerSelector are exclusive"))
		}
	} else if p.PeerSelector == "" {
		l.errs.add(Errorf(d.at(join(path, "spec")), join(path, "spec"), "a BGPPeer needs spec.peerIP (with asNumber) or spec.peerSelector"))
	}
	if p.Node != "" && p.NodeSelector != "" {
		l.errs.add(Errorf(d.at(join(path, "spec.node")), join(path, "spec.node"), "node and nodeSelector are exclusive"))
	}
	l.in.bgpPeers = append(l.in.bgpPeers, p)
}

func (l *loader) felixConfiguration(d *document, n *ynode, path string) {
	var f FelixConfigurationFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	if f.Metadata.Name != "default" {
		l.warnings = append(l.warnings, Warning{Pos: d.pos(n, path),
			Message: fmt.Sprintf("FelixConfiguration %q: only the global \"default\" configuration is modelled; per-node configurations are skipped", f.Metadata.Name)})
		return
	}
	if l.in.felix != nil {
		l.errs.add(Errorf(d.at(join(path, "metadata.name")), join(path, "metadata.name"), "a second FelixConfiguration \"default\" (the first is at %s)", l.in.felix.Pos))
		return
	}
	fc := FelixConfig{IPIPEnabled: f.Spec.IPIPEnabled, VXLANEnabled: f.Spec.VXLANEnabled, Pos: d.pos(n, path)}
	for _, m := range []struct {
		v     *int
		field string
		dst   *int
	}{{f.Spec.IPIPMTU, "ipipMTU", &fc.IPIPMTU}, {f.Spec.VXLANMTU, "vxlanMTU", &fc.VXLANMTU}, {f.Spec.WireguardMTU, "wireguardMTU", &fc.WireguardMTU}} {
		if m.v != nil && *m.v != 0 { // 0 means "detect" in Calico
			l.checkMTU(d, join(path, "spec."+m.field), *m.v)
			*m.dst = *m.v
		}
	}
	l.in.felix = &fc
}

func (l *loader) checkMTU(d *document, path string, mtu int) {
	if mtu < MinMTU || mtu > MaxMTU {
		l.errs.add(Errorf(d.at(path), path, "MTU %d is outside %d-%d", mtu, MinMTU, MaxMTU))
	}
}

// defaultPolicyTypes is Calico's rule when spec.types is absent: Ingress
// with ingress rules or no rules at all, Egress with egress rules, both when
// both are present (Calico docs, NetworkPolicy "types").
func defaultPolicyTypes(ingress, egress int) []string {
	switch {
	case ingress > 0 && egress > 0:
		return []string{"Ingress", "Egress"}
	case egress > 0:
		return []string{"Egress"}
	}
	return []string{"Ingress"}
}

func (l *loader) policy(d *document, n *ynode, path string, p *Policy, types []string, in, eg []RuleFile) {
	l.requireName(d, path, p.Name)
	if p.Tier == "" {
		p.Tier = "default"
	}
	p.Ingress = l.rules(d, join(path, "spec.ingress"), in)
	p.Egress = l.rules(d, join(path, "spec.egress"), eg)
	if len(types) == 0 {
		p.Types = defaultPolicyTypes(len(in), len(eg))
	} else {
		for i, t := range types {
			if t != "Ingress" && t != "Egress" {
				l.errs.add(Errorf(d.at(index(join(path, "spec.types"), i)), index(join(path, "spec.types"), i), "%q is not a policy type (Ingress, Egress)", t))
			}
		}
		p.Types = types
	}
	p.Pos = d.pos(n, path)
}

func (l *loader) globalNetworkPolicy(d *document, n *ynode, path string) {
	var f GlobalNetworkPolicyFile
	l.decodeInto(d, n, path, &f)
	p := Policy{
		Kind: KindGlobalNetworkPolicy, Name: f.Metadata.Name, Tier: f.Spec.Tier, Order: f.Spec.Order,
		Selector: f.Spec.Selector.Value, NamespaceSelector: f.Spec.NamespaceSelector.Value,
		ServiceAccountSelector: f.Spec.ServiceAccountSelector.Value,
		DoNotTrack:             f.Spec.DoNotTrack, PreDNAT: f.Spec.PreDNAT, ApplyOnForward: f.Spec.ApplyOnForward,
	}
	for _, s := range []Scalar{f.Spec.Selector, f.Spec.NamespaceSelector, f.Spec.ServiceAccountSelector} {
		l.selectorAt(s)
	}
	l.policy(d, n, path, &p, f.Spec.Types, f.Spec.Ingress, f.Spec.Egress)
	l.in.gnps = append(l.in.gnps, p)
}

func (l *loader) calicoNetworkPolicy(d *document, n *ynode, path string) {
	var f NetworkPolicyFile
	l.decodeInto(d, n, path, &f)
	p := Policy{
		Kind: KindNetworkPolicy, Name: f.Metadata.Name, Namespace: f.Metadata.Namespace, Tier: f.Spec.Tier,
		Order: f.Spec.Order, Selector: f.Spec.Selector.Value, ServiceAccountSelector: f.Spec.ServiceAccountSelector.Value,
	}
	if p.Namespace == "" {
		p.Namespace = "default"
	}
	for _, s := range []Scalar{f.Spec.Selector, f.Spec.ServiceAccountSelector} {
		l.selectorAt(s)
	}
	l.policy(d, n, path, &p, f.Spec.Types, f.Spec.Ingress, f.Spec.Egress)
	l.in.nps = append(l.in.nps, p)
}

// protocols are Calico's protocol names and their numbers.
var protocols = map[string]uint8{"TCP": 6, "UDP": 17, "ICMP": 1, "ICMPv6": 58, "SCTP": 132, "UDPLite": 136}

func (l *loader) protocol(d *document, path string, r Raw) *ProtoMatch {
	if !r.IsSet() {
		return nil
	}
	n := r.node
	if n.kind == nodeScalar && n.sk == scalarInt {
		v, ok := parseYAMLInt(n.text)
		if !ok || v < 1 || v > 255 {
			l.errs.add(Errorf(r.Pos, path, "protocol %s is outside 1-255", n.text))
			return nil
		}
		for name, num := range protocols {
			if int64(num) == v {
				return &ProtoMatch{Name: name, Num: num}
			}
		}
		return &ProtoMatch{Name: n.text, Num: uint8(v)}
	}
	if n.kind == nodeScalar {
		for name, num := range protocols {
			if strings.EqualFold(name, n.text) {
				return &ProtoMatch{Name: name, Num: num}
			}
		}
		if v, err := strconv.Atoi(n.text); err == nil && v >= 1 && v <= 255 {
			return &ProtoMatch{Name: n.text, Num: uint8(v)}
		}
	}
	l.errs.add(Errorf(r.Pos, path, "%s is not a protocol (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or 1-255)", describe(n)))
	return nil
}

func (l *loader) rules(d *document, path string, in []RuleFile) []Rule {
	var out []Rule
	for i, rf := range in {
		rp := index(path, i)
		r := Rule{Action: rf.Action, Pos: rf.Pos}
		switch rf.Action {
		case "Allow", "Deny", "Pass", "Log":
		case "":
			l.errs.add(Errorf(d.at(rp), join(rp, "action"), "a rule needs an action (Allow, Deny, Pass, Log)"))
		default:
			msg := fmt.Sprintf("%q is not an action (Allow, Deny, Pass, Log)", rf.Action)
			if s := suggest(rf.Action, []string{"Allow", "Deny", "Pass", "Log"}); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			l.errs.add(Errorf(d.at(join(rp, "action")), join(rp, "action"), "%s", msg))
		}
		if rf.IPVersion != nil {
			r.IPVersion = *rf.IPVersion
			if r.IPVersion != 4 && r.IPVersion != 6 {
				l.errs.add(Errorf(d.at(join(rp, "ipVersion")), join(rp, "ipVersion"), "ipVersion %d is not 4 or 6", r.IPVersion))
			}
		}
		r.Protocol = l.protocol(d, join(rp, "protocol"), rf.Protocol)
		r.NotProtocol = l.protocol(d, join(rp, "notProtocol"), rf.NotProtocol)
		if rf.ICMP != nil {
			r.ICMP = &ICMPMatch{Type: rf.ICMP.Type, Code: rf.ICMP.Code}
		}
		if rf.NotICMP != nil {
			r.NotICMP = &ICMPMatch{Type: rf.NotICMP.Type, Code: rf.NotICMP.Code}
		}
		r.HTTP = rf.HTTP.IsSet()
		if r.HTTP {
			l.dec.notModelled(join(rp, "http"), rf.HTTP.Pos)
		}
		r.Source = l.entity(d, join(rp, "source"), rf.Source)
		r.Destination = l.entity(d, join(rp, "destination"), rf.Destination)
		hasPorts := len(r.Source.Ports)+len(r.Source.NotPorts)+len(r.Destination.Ports)+len(r.Destination.NotPorts) > 0
		if hasPorts && (r.Protocol == nil || !portProtocol(r.Protocol.Num)) {
			l.errs.add(Errorf(d.at(rp), join(rp, "protocol"), "a rule with ports needs protocol TCP, UDP, SCTP or UDPLite (Calico refuses it otherwise)"))
		}
		out = append(out, r)
	}
	return out
}

func portProtocol(n uint8) bool { return n == 6 || n == 17 || n == 132 || n == 136 }

func (l *loader) entity(d *document, path string, f EntityRuleFile) EntityRule {
	e := EntityRule{
		Nets:              l.nets(d, join(path, "nets"), f.Nets),
		NotNets:           l.nets(d, join(path, "notNets"), f.NotNets),
		Selector:          f.Selector.Value,
		NotSelector:       f.NotSelector.Value,
		NamespaceSelector: f.NamespaceSelector.Value,
		Ports:             l.ports(d, join(path, "ports"), f.Ports),
		NotPorts:          l.ports(d, join(path, "notPorts"), f.NotPorts),
		Services:          f.Services.IsSet(),
	}
	for _, s := range []Scalar{f.Selector, f.NotSelector, f.NamespaceSelector} {
		l.selectorAt(s)
	}
	if f.ServiceAccounts != nil {
		e.ServiceAccounts = &ServiceAccountMatch{Names: f.ServiceAccounts.Names, Selector: f.ServiceAccounts.Selector.Value}
		l.selectorAt(f.ServiceAccounts.Selector)
	}
	if e.Services {
		l.dec.notModelled(join(path, "services"), f.Services.Pos)
	}
	return e
}

// ports reads Calico ports: 80, "80", "8000:8080" or a named port.
func (l *loader) ports(d *document, path string, in []Raw) []PortRange {
	var out []PortRange
	for i, r := range in {
		p, err := parsePortRange(r.node)
		if err != nil {
			l.errs.add(Errorf(r.Pos, index(path, i), "%v", err))
			continue
		}
		out = append(out, p)
	}
	return out
}

func parsePortRange(n *ynode) (PortRange, error) {
	if n == nil || n.kind != nodeScalar {
		return PortRange{}, fmt.Errorf("a port is a number, \"min:max\" or a name, found %s", n.kind)
	}
	s := n.text
	num := func(s string) (uint16, error) {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > 65535 {
			return 0, fmt.Errorf("port %q is outside 1-65535", s)
		}
		return uint16(v), nil
	}
	if lo, hi, ok := strings.Cut(s, ":"); ok {
		a, err := num(lo)
		if err != nil {
			return PortRange{}, err
		}
		b, err := num(hi)
		if err != nil {
			return PortRange{}, err
		}
		if a > b {
			return PortRange{}, fmt.Errorf("port range %q ends before it starts", s)
		}
		return PortRange{Min: a, Max: b}, nil
	}
	if n.sk == scalarInt || (s != "" && s[0] >= '0' && s[0] <= '9') {
		v, err := num(s)
		if err != nil {
			return PortRange{}, err
		}
		return PortRange{Min: v, Max: v}, nil
	}
	if !validPortName(s) {
		return PortRange{}, fmt.Errorf("%q is not a port name (lowercase letters, digits and '-', at most 15, at least one letter)", s)
	}
	return PortRange{Name: s}, nil
}

// validPortName is the IANA service name syntax Kubernetes and Calico use.
func validPortName(s string) bool {
	if s == "" || len(s) > 15 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	letter := false
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			letter = true
		case c >= '0' && c <= '9', c == '-':
		default:
			return false
		}
	}
	return letter
}

func (l *loader) networkSet(d *document, n *ynode, path string) {
	var f NetworkSetFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	s := NetworkSet{Name: f.Metadata.Name, Labels: f.Metadata.Labels, Nets: l.nets(d, join(path, "spec.nets"), f.Spec.Nets), Pos: d.pos(n, path)}
	if f.Kind == "NetworkSet" {
		s.Namespace = f.Metadata.Namespace
		if s.Namespace == "" {
			s.Namespace = "default"
		}
		l.in.sets = append(l.in.sets, s)
		return
	}
	l.in.gsets = append(l.in.gsets, s)
}

func (l *loader) tier(d *document, n *ynode, path string) {
	var f TierFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	t := Tier{Name: f.Metadata.Name, Order: f.Spec.Order, DefaultAction: f.Spec.DefaultAction, Pos: d.pos(n, path)}
	switch t.DefaultAction {
	case "":
		t.DefaultAction = "Deny"
	case "Deny", "Pass":
	default:
		ap := join(path, "spec.defaultAction")
		msg := fmt.Sprintf("%q is not a tier default action (Deny, Pass)", t.DefaultAction)
		if m := suggest(t.DefaultAction, []string{"Deny", "Pass"}); m != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", m)
		}
		l.errs.add(Errorf(d.at(ap), ap, "%s", msg))
	}
	l.in.tiers = append(l.in.tiers, t)
}

func (l *loader) profile(d *document, n *ynode, path string) {
	var f ProfileFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	l.in.profiles = append(l.in.profiles, Profile{
		Name: f.Metadata.Name, LabelsToApply: f.Spec.LabelsToApply,
		Ingress: l.rules(d, join(path, "spec.ingress"), f.Spec.Ingress),
		Egress:  l.rules(d, join(path, "spec.egress"), f.Spec.Egress),
		Pos:     d.pos(n, path),
	})
}

func (l *loader) calicoNode(d *document, n *ynode, path string) {
	var f CalicoNodeFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	cn := calicoNodeIn{name: f.Metadata.Name, labels: f.Metadata.Labels, pos: d.pos(n, path),
		namePos: d.at(join(path, "metadata.name")), addrPos: d.at(join(path, "spec.bgp.ipv4Address"))}
	if b := f.Spec.BGP; b != nil {
		cn.as = b.ASNumber
		if b.ASNumber != nil {
			l.checkAS(d, join(path, "spec.bgp.asNumber"), *b.ASNumber)
		}
		cn.rrID = b.RouteReflectorClusterID
		if cn.rrID != "" {
			if a, err := netip.ParseAddr(cn.rrID); err != nil || !a.Is4() {
				l.errs.add(Errorf(d.at(join(path, "spec.bgp.routeReflectorClusterID")), join(path, "spec.bgp.routeReflectorClusterID"), "%q is not an IPv4 address (a cluster ID is written as one)", cn.rrID))
			}
		}
		if b.IPv4Address != "" {
			ap := join(path, "spec.bgp.ipv4Address")
			p, err := netip.ParsePrefix(b.IPv4Address)
			if err != nil {
				if a, err2 := netip.ParseAddr(b.IPv4Address); err2 == nil && a.Is4() {
					p, err = netip.PrefixFrom(a, 32), nil
				}
			}
			if err != nil || !p.Addr().Is4() {
				l.errs.add(Errorf(d.at(ap), ap, "%q is not an IPv4 address with prefix length (10.0.1.5/24)", b.IPv4Address))
			} else {
				cn.addr = p
			}
		}
	}
	l.in.calicoNodes = append(l.in.calicoNodes, cn)
}
