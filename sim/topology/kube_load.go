package topology

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
)

// kubeWorkloadIn is a Kubernetes workload (or bare Pod) before placement.
type kubeWorkloadIn struct {
	w            Workload
	nodeSelector map[string]string // Kubernetes map selector
	daemon       bool
	// a bare Pod's first ownerReference: its pods carry the owner as their
	// workload (Pod.Workload, Pod.Kind)
	ownerKind, ownerName string
}

type calicoConfigIn struct {
	backend    string
	backendPos Pos
	mtu        int
	mtuPos     Pos
}

type installationIn struct {
	bgp      string
	bgpPos   Pos
	mtu      int
	mtuPos   Pos
	pools    []IPPool
	hasPools bool // calicoNetwork.ipPools was given (possibly empty)
	pos      Pos
}

func (l *loader) kubeNetworkPolicy(d *document, n *ynode, path string) {
	var f KubeNetworkPolicyFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	p := KubeNetworkPolicy{
		Name: f.Metadata.Name, Namespace: f.Metadata.Namespace,
		PodSelector: l.labelSelector(d, join(path, "spec.podSelector"), &f.Spec.PodSelector),
		PolicyTypes: f.Spec.PolicyTypes,
		HasIngress:  f.Spec.Ingress != nil, HasEgress: f.Spec.Egress != nil,
		Pos: d.pos(n, path),
	}
	if p.Namespace == "" {
		p.Namespace = "default"
	}
	for i, t := range p.PolicyTypes {
		if t != "Ingress" && t != "Egress" {
			tp := index(join(path, "spec.policyTypes"), i)
			l.errs.add(Errorf(d.at(tp), tp, "%q is not a policy type (Ingress, Egress)", t))
		}
	}
	if f.Spec.Ingress != nil {
		for i, r := range *f.Spec.Ingress {
			rp := index(join(path, "spec.ingress"), i)
			if len(r.To) > 0 {
				l.errs.add(Errorf(d.at(join(rp, "to")), join(rp, "to"), "unknown field \"to\" in an ingress rule (did you mean \"from\"?)"))
			}
			p.Ingress = append(p.Ingress, l.kubeRule(d, rp, "from", r.From, r.Ports, r.Pos))
		}
	}
	if f.Spec.Egress != nil {
		for i, r := range *f.Spec.Egress {
			rp := index(join(path, "spec.egress"), i)
			if len(r.From) > 0 {
				l.errs.add(Errorf(d.at(join(rp, "from")), join(rp, "from"), "unknown field \"from\" in an egress rule (did you mean \"to\"?)"))
			}
			p.Egress = append(p.Egress, l.kubeRule(d, rp, "to", r.To, r.Ports, r.Pos))
		}
	}
	l.in.knps = append(l.in.knps, p)
}

func (l *loader) kubeRule(d *document, path, peersField string, peers []KNPPeerFile, ports []KNPPortFile, pos Pos) KubeRule {
	r := KubeRule{Pos: pos}
	for i, pf := range peers {
		pp := index(join(path, peersField), i)
		var peer KubePeer
		if pf.PodSelector != nil {
			s := l.labelSelector(d, join(pp, "podSelector"), pf.PodSelector)
			peer.PodSelector = &s
		}
		if pf.NamespaceSelector != nil {
			s := l.labelSelector(d, join(pp, "namespaceSelector"), pf.NamespaceSelector)
			peer.NamespaceSelector = &s
		}
		if pf.IPBlock != nil {
			if peer.PodSelector != nil || peer.NamespaceSelector != nil {
				l.errs.add(Errorf(d.at(join(pp, "ipBlock")), join(pp, "ipBlock"), "ipBlock may not be combined with podSelector or namespaceSelector"))
			}
			b := &IPBlock{}
			if ps := l.nets(d, join(pp, "ipBlock.cidr"), []string{pf.IPBlock.CIDR}); len(ps) == 1 {
				b.CIDR = ps[0]
			}
			b.Except = l.nets(d, join(pp, "ipBlock.except"), pf.IPBlock.Except)
			if b.CIDR.IsValid() && len(b.Except) == len(pf.IPBlock.Except) {
				for j, e := range b.Except {
					if e.Addr().Is4() != b.CIDR.Addr().Is4() || e.Bits() <= b.CIDR.Bits() || !b.CIDR.Contains(e.Addr()) {
						ep := index(join(pp, "ipBlock.except"), j)
						l.errs.add(Errorf(d.at(ep), ep, "%s is not a strict subset of cidr %s (Kubernetes refuses it)", e, b.CIDR))
					}
				}
			}
			peer.IPBlock = b
		}
		if pf.PodSelector == nil && pf.NamespaceSelector == nil && pf.IPBlock == nil {
			l.errs.add(Errorf(d.at(pp), pp, "a peer needs podSelector, namespaceSelector or ipBlock"))
		}
		r.Peers = append(r.Peers, peer)
	}
	for i, pf := range ports {
		pp := index(join(path, "ports"), i)
		kp := KubePort{Protocol: ProtoTCP}
		switch strings.ToUpper(pf.Protocol) {
		case "", "TCP":
		case "UDP":
			kp.Protocol = ProtoUDP
		case "SCTP":
			kp.Protocol = ProtoSCTP
		default:
			l.errs.add(Errorf(d.at(join(pp, "protocol")), join(pp, "protocol"), "%q is not TCP, UDP or SCTP", pf.Protocol))
		}
		if pf.Port.IsSet() {
			pr, err := parsePortRange(pf.Port.node)
			if err == nil && pr.Name == "" && pr.Min != pr.Max {
				err = fmt.Errorf("a NetworkPolicy port is a number or a name; use endPort for a range")
			}
			if err != nil {
				l.errs.add(Errorf(pf.Port.Pos, join(pp, "port"), "%v", err))
			} else {
				kp.Port = &pr
			}
		}
		if pf.EndPort != nil {
			kp.EndPort = *pf.EndPort
			switch {
			case kp.Port == nil || kp.Port.Name != "":
				l.errs.add(Errorf(d.at(join(pp, "endPort")), join(pp, "endPort"), "endPort needs a numeric port"))
			case kp.EndPort < int(kp.Port.Min) || kp.EndPort > 65535:
				l.errs.add(Errorf(d.at(join(pp, "endPort")), join(pp, "endPort"), "endPort %d is outside %d-65535", kp.EndPort, kp.Port.Min))
			}
		}
		r.Ports = append(r.Ports, kp)
	}
	return r
}

func (l *loader) labelSelector(d *document, path string, f *LabelSelectorFile) LabelSelector {
	s := LabelSelector{MatchLabels: f.MatchLabels}
	for i, e := range f.MatchExpressions {
		ep := index(join(path, "matchExpressions"), i)
		switch e.Operator {
		case "In", "NotIn":
			if len(e.Values) == 0 {
				l.errs.add(Errorf(d.at(ep), join(ep, "values"), "operator %s needs values", e.Operator))
			}
		case "Exists", "DoesNotExist":
			if len(e.Values) > 0 {
				l.errs.add(Errorf(d.at(join(ep, "values")), join(ep, "values"), "operator %s takes no values", e.Operator))
			}
		default:
			msg := fmt.Sprintf("%q is not an operator (In, NotIn, Exists, DoesNotExist)", e.Operator)
			if m := suggest(e.Operator, []string{"In", "NotIn", "Exists", "DoesNotExist"}); m != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", m)
			}
			l.errs.add(Errorf(d.at(join(ep, "operator")), join(ep, "operator"), "%s", msg))
		}
		if e.Key == "" {
			l.errs.add(Errorf(d.at(ep), join(ep, "key"), "a requirement needs a key"))
		}
		s.MatchExpressions = append(s.MatchExpressions, LabelRequirement{Key: e.Key, Operator: e.Operator, Values: e.Values})
	}
	return s
}

func (l *loader) namespace(d *document, n *ynode, path string) {
	var f NamespaceResourceFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	l.in.namespaces = append(l.in.namespaces, Namespace{Name: f.Metadata.Name, Labels: f.Metadata.Labels, Pos: d.pos(n, path)})
}

// podWorkload makes the model workload of a pod template.
func (l *loader) podWorkload(d *document, path string, kind WorkloadKind, meta ObjectMeta, tmpl *PodTemplateFile, pos Pos) kubeWorkloadIn {
	ns := meta.Namespace
	if ns == "" {
		ns = "default"
	}
	spec := &tmpl.Spec
	sa := spec.ServiceAccountName
	if sa == "" {
		sa = spec.ServiceAccount
	}
	if sa == "" {
		sa = "default"
	}
	w := Workload{
		Name: meta.Name, Namespace: ns, Kind: kind, Labels: tmpl.Metadata.Labels, Replicas: 1,
		NodeSelector: mapSelector(spec.NodeSelector), NodeName: spec.NodeName, ServiceAccount: sa,
		HostNetwork: spec.HostNetwork, Pos: pos,
	}
	specPath := join(path, "spec")
	if kind != KindPod {
		specPath = join(path, "spec.template.spec")
	}
	for ci, c := range spec.Containers {
		for pi, cp := range c.Ports {
			pp := index(join(index(join(specPath, "containers"), ci), "ports"), pi)
			port := l.containerPort(d, pp, cp)
			w.Ports = append(w.Ports, port)
		}
	}
	return kubeWorkloadIn{w: w, nodeSelector: spec.NodeSelector}
}

// mapSelector writes a Kubernetes nodeSelector map as the Calico selector
// that means the same: every key equal to its value, keys sorted.
func mapSelector(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		q := "'"
		if strings.Contains(m[k], "'") {
			q = `"`
		}
		parts[i] = k + " == " + q + m[k] + q
	}
	return strings.Join(parts, " && ")
}

func (l *loader) pod(d *document, n *ynode, path string) {
	var f PodFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	tmpl := PodTemplateFile{Metadata: f.Metadata, Spec: f.Spec}
	kw := l.podWorkload(d, path, KindPod, f.Metadata, &tmpl, d.pos(n, path))
	if len(f.Metadata.OwnerReferences) > 0 {
		if o := f.Metadata.OwnerReferences[0]; o.Name != "" {
			kw.ownerKind, kw.ownerName = o.Kind, o.Name
			if o.Kind == "" {
				kw.ownerKind = string(KindPod) // netpol-analyzer's reading
			}
		}
	}
	l.in.workloads = append(l.in.workloads, kw)
}

func (l *loader) kubeWorkload(d *document, n *ynode, path string) {
	var f WorkloadResourceFile
	l.decodeInto(d, n, path, &f)
	l.requireName(d, path, f.Metadata.Name)
	kind := WorkloadKind(f.Kind)
	kw := l.podWorkload(d, path, kind, f.Metadata, &f.Spec.Template, d.pos(n, path))
	if kind == KindDaemonSet {
		kw.daemon = true
		if f.Spec.Replicas != nil {
			rp := join(path, "spec.replicas")
			l.errs.add(Errorf(d.at(rp), rp, "unknown field \"replicas\": a DaemonSet runs one pod per matching node"))
		}
	} else if f.Spec.Replicas != nil {
		kw.w.Replicas = *f.Spec.Replicas
		if kw.w.Replicas < 0 || kw.w.Replicas > MaxReplicas {
			rp := join(path, "spec.replicas")
			l.errs.add(Errorf(d.at(rp), rp, "replicas %d is outside 0-%d", kw.w.Replicas, MaxReplicas))
			kw.w.Replicas = 0
		}
	}
	l.in.workloads = append(l.in.workloads, kw)
}

func (l *loader) configMap(d *document, n *ynode, path string) {
	var f ConfigMapFile
	l.decodeInto(d, n, path, &f)
	if f.Metadata.Name != "calico-config" {
		l.warnings = append(l.warnings, Warning{Pos: d.at(join(path, "metadata.name")),
			Message: fmt.Sprintf("ConfigMap %q is not modelled and was skipped (only calico-config is read)", f.Metadata.Name)})
		return
	}
	if l.in.calicoConfig != nil {
		l.errs.add(Errorf(d.at(join(path, "metadata.name")), join(path, "metadata.name"), "a second calico-config ConfigMap"))
		return
	}
	cc := &calicoConfigIn{}
	keys := make([]string, 0, len(f.Data))
	for k := range f.Data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := f.Data[k]
		kp := join(path, "data."+k)
		switch k {
		case "calico_backend":
			cc.backend, cc.backendPos = v, d.at(kp)
		case "veth_mtu":
			mtu, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				l.errs.add(Errorf(d.at(kp), kp, "veth_mtu %q is not a number", v))
				continue
			}
			if mtu != 0 {
				l.checkMTU(d, kp, mtu)
			}
			cc.mtu, cc.mtuPos = mtu, d.at(kp)
		default:
			l.nm.add("ConfigMap calico-config", "data."+k, d.at(kp))
		}
	}
	l.in.calicoConfig = cc
}

func (l *loader) installation(d *document, n *ynode, path string) {
	var f InstallationFile
	l.decodeInto(d, n, path, &f)
	if l.in.install != nil {
		l.errs.add(Errorf(d.pos(n, path), path, "a second Installation (the first is at %s)", l.in.install.pos))
		return
	}
	in := &installationIn{pos: d.pos(n, path)}
	cn := f.Spec.CalicoNetwork
	if cn == nil {
		l.in.install = in
		return
	}
	cp := join(path, "spec.calicoNetwork")
	switch cn.BGP {
	case "", "Enabled", "Disabled":
		in.bgp, in.bgpPos = cn.BGP, d.at(join(cp, "bgp"))
	default:
		l.errs.add(Errorf(d.at(join(cp, "bgp")), join(cp, "bgp"), "%q is not Enabled or Disabled", cn.BGP))
	}
	if cn.MTU != nil {
		l.checkMTU(d, join(cp, "mtu"), *cn.MTU)
		in.mtu, in.mtuPos = *cn.MTU, d.at(join(cp, "mtu"))
	}
	if cn.IPPools != nil {
		in.hasPools = true
		unnamed := 0
		for i, op := range *cn.IPPools {
			pp := index(join(cp, "ipPools"), i)
			v6name := op.Name
			if v6name == "" {
				v6name = "default-ipv6-ippool"
			}
			if l.ipv6Pool(d, join(pp, "cidr"), v6name, op.CIDR) {
				continue
			}
			p := IPPool{Name: op.Name, BlockSize: 26, NATOutgoing: true, NodeSelector: op.NodeSelector.Value, Pos: d.at(pp)}
			if p.Name == "" {
				// The operator names the pools it makes: default-ipv4-ippool,
				// then numbered.
				unnamed++
				p.Name = "default-ipv4-ippool"
				if unnamed > 1 {
					p.Name += "-" + strconv.Itoa(unnamed)
				}
			}
			if op.CIDR == "" {
				l.errs.add(Errorf(d.at(pp), join(pp, "cidr"), "an Installation IP pool needs cidr"))
			} else if c, ok := l.cidr(d, join(pp, "cidr"), op.CIDR); ok {
				p.CIDR = c
			}
			if op.BlockSize != nil {
				p.BlockSize = *op.BlockSize
			}
			switch op.Encapsulation {
			case "", "IPIP":
				if op.Encapsulation == "" && in.bgp == "Disabled" {
					p.VXLANMode = EncapAlways // the operator's default without BGP
				} else {
					p.IPIPMode = EncapAlways
				}
			case "IPIPCrossSubnet":
				p.IPIPMode = EncapCrossSubnet
			case "VXLAN":
				p.VXLANMode = EncapAlways
			case "VXLANCrossSubnet":
				p.VXLANMode = EncapCrossSubnet
			case "None":
			default:
				ep := join(pp, "encapsulation")
				msg := fmt.Sprintf("%q is not an encapsulation (IPIP, IPIPCrossSubnet, VXLAN, VXLANCrossSubnet, None)", op.Encapsulation)
				if s := suggest(op.Encapsulation, []string{"IPIP", "IPIPCrossSubnet", "VXLAN", "VXLANCrossSubnet", "None"}); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				l.errs.add(Errorf(d.at(ep), ep, "%s", msg))
			}
			switch op.NATOutgoing {
			case "", "Enabled":
			case "Disabled":
				p.NATOutgoing = false
			default:
				l.errs.add(Errorf(d.at(join(pp, "natOutgoing")), join(pp, "natOutgoing"), "%q is not Enabled or Disabled", op.NATOutgoing))
			}
			if op.DisableBGPExport != nil {
				p.DisableBGPExport = *op.DisableBGPExport
			}
			l.checkPool(d, pp, "blockSize", &p)
			if p.NodeSelector == "" {
				p.NodeSelector = "all()"
			} else {
				l.selectorAt(op.NodeSelector)
			}
			in.pools = append(in.pools, p)
		}
	}
	l.in.install = in
}

// suffix is a deterministic stand-in for the random suffixes Kubernetes
// gives pods: n lowercase consonants and digits from a hash of the inputs.
func suffix(n int, parts ...string) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789" // Kubernetes' rand.String alphabet
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	v := h.Sum64()
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[v%uint64(len(alphabet))]
		v /= uint64(len(alphabet))
		if v == 0 {
			h.Write([]byte{byte(i)})
			v = h.Sum64()
		}
	}
	return string(b)
}

// containerPort reads one container port: containerPort is required, the
// protocol defaults to TCP, a name follows the IANA service name syntax.
func (l *loader) containerPort(d *document, path string, cp ContainerPortFile) ContainerPort {
	port := ContainerPort{Name: cp.Name, Proto: ProtoTCP}
	switch strings.ToUpper(cp.Protocol) {
	case "", "TCP":
	case "UDP":
		port.Proto = ProtoUDP
	case "SCTP":
		port.Proto = ProtoSCTP
	default:
		l.errs.add(Errorf(d.at(join(path, "protocol")), join(path, "protocol"), "%q is not TCP, UDP or SCTP", cp.Protocol))
	}
	switch {
	case cp.ContainerPort == nil:
		l.errs.add(Errorf(d.at(path), join(path, "containerPort"), "a container port needs containerPort"))
	case *cp.ContainerPort < 1 || *cp.ContainerPort > 65535:
		l.errs.add(Errorf(d.at(join(path, "containerPort")), join(path, "containerPort"), "containerPort %d is outside 1-65535", *cp.ContainerPort))
	default:
		port.Port = *cp.ContainerPort
	}
	if cp.Name != "" && !validPortName(cp.Name) {
		l.errs.add(Errorf(d.at(join(path, "name")), join(path, "name"), "%q is not a port name (lowercase letters, digits and '-', at most 15, at least one letter)", cp.Name))
	}
	return port
}
