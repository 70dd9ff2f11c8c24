package verify

import (
	"fmt"
	"net/netip"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/calisim/calisim/sim/dataplane"
	"github.com/calisim/calisim/sim/topology"
	"github.com/calisim/calisim/sim/verify/internal/birdcfg"
)

// Step is one command of a lab's build: `ip`, `bridge`, `sysctl` or `nft`,
// acting inside one of the run's namespaces (or, for `ip netns add`, on the
// namespace list itself).
type Step struct {
	Argv  []string
	Stdin string // fed to the command (nft rulesets)
}

// String prints the step as a shell command.
func (s Step) String() string {
	var b strings.Builder
	for i, a := range s.Argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(a))
	}
	if s.Stdin != "" {
		b.WriteString(" <<'EOF'\n")
		b.WriteString(s.Stdin)
		if !strings.HasSuffix(s.Stdin, "\n") {
			b.WriteByte('\n')
		}
		b.WriteString("EOF")
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Bird is one BIRD daemon of the lab.
type Bird struct {
	Netns  string
	Owner  string // node/NAME or router/NAME
	Dir    string // its config files, control socket and pid file
	Files  []birdcfg.File
	Node   int // index into Scenario.Nodes; -1 for a router
	Router int // index into Underlay.Routers; -1 for a node

	cmd  *exec.Cmd     // the running daemon (nil until started)
	done chan struct{} // closed when it has exited and been reaped
}

// Socket is BIRD's control socket (birdc -s).
func (b *Bird) Socket() string { return filepath.Join(b.Dir, "bird.ctl") }

// PIDFile is where BIRD writes its pid (bird -P).
func (b *Bird) PIDFile() string { return filepath.Join(b.Dir, "bird.pid") }

// Argv is the command that starts the daemon inside its namespace.
func (b *Bird) Argv() []string {
	return []string{"ip", "netns", "exec", b.Netns, "bird",
		"-c", filepath.Join(b.Dir, birdcfg.Main), "-s", b.Socket(), "-P", b.PIDFile()}
}

// Lab is the plan of one real build: every namespace, every command that
// wires and configures them, and every BIRD daemon. It is computed from the
// Input alone, so it can be printed and tested without root.
type Lab struct {
	Names      Names
	Dir        string   // the run's temporary folder
	Namespaces []string // in creation order
	Steps      []Step   // after the namespaces exist, in order
	Birds      []Bird
	// PodMTU is the MTU verify gives the pods of each node (Felix's rule).
	PodMTU []int
	// PodNetns[p] is pod p's namespace ("" for a pod without one: host
	// network, no address, or an unknown node).
	PodNetns []string
	// ExternalWired[e] reports whether external e hangs off a default router.
	ExternalWired []bool
	// IPIPSkipped says why IPIP routes are not programmed ("" when they are).
	IPIPSkipped string
	// VXLANSkipped says why VXLAN is not built ("" when it is).
	VXLANSkipped string
	// Notes are things a reader of the report should know about the build.
	Notes []string

	created []string // the namespaces Build made: all Teardown deletes
}

// LabOptions tune the plan.
type LabOptions struct {
	// IPIPReason, when set, says why tunl0 cannot be created here (the
	// kernel has no ipip module).
	IPIPReason string
	// VXLANReason, when set, says why vxlan.calico cannot be created here.
	VXLANReason string
}

// linkMTU is subnet s's MTU: its own, else the underlay's, else 1500.
func linkMTU(sc *topology.Scenario, s int) int {
	if s >= 0 && s < len(sc.Underlay.Subnets) && sc.Underlay.Subnets[s].MTU > 0 {
		return sc.Underlay.Subnets[s].MTU
	}
	if sc.Underlay.MTU > 0 {
		return sc.Underlay.MTU
	}
	return 1500
}

// maxLinkMTU is the largest MTU of any subnet or router interface.
func maxLinkMTU(sc *topology.Scenario) int {
	m := linkMTU(sc, -1)
	for s := range sc.Underlay.Subnets {
		m = max(m, linkMTU(sc, s))
	}
	for _, r := range sc.Underlay.Routers {
		for _, in := range r.Interfaces {
			m = max(m, in.MTU)
		}
	}
	return m
}

// MaxNamespaces bounds a build: every node, router, subnet, external and pod
// is a namespace, and each costs memory and a BIRD or a few processes.
const MaxNamespaces = 1000

// PlanLab computes the lab for in. dir is the run's temporary folder.
func PlanLab(in *Input, names Names, dir string, opt LabOptions) (*Lab, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	sc := in.Scenario
	g := topology.NewGraph(sc)
	l := &Lab{Names: names, Dir: dir, PodNetns: make([]string, len(sc.Pods)),
		ExternalWired: make([]bool, len(sc.Externals))}
	subnetIdx := map[string]int{}
	for i, s := range sc.Underlay.Subnets {
		if _, dup := subnetIdx[s.Name]; !dup {
			subnetIdx[s.Name] = i
		}
	}
	nodeIdx := map[string]int{}
	for i, n := range sc.Nodes {
		if _, dup := nodeIdx[n.Name]; !dup {
			nodeIdx[n.Name] = i
		}
	}

	ipn := func(ns string, args ...string) {
		l.Steps = append(l.Steps, Step{Argv: append([]string{"ip", "-n", ns}, args...)})
	}
	sysctl := func(ns string, kv ...string) {
		l.Steps = append(l.Steps, Step{Argv: append([]string{"ip", "netns", "exec", ns, "sysctl", "-q", "-w"}, kv...)})
	}
	base := func(ns string, forward bool) {
		l.Namespaces = append(l.Namespaces, ns)
		kv := []string{"net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"}
		if forward {
			kv = append(kv, "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0")
		}
		sysctl(ns, kv...)
		ipn(ns, "link", "set", "lo", "up")
	}

	// Subnets: a bridge each, in a namespace of its own.
	for s := range sc.Underlay.Subnets {
		ns := names.Subnet(s)
		base(ns, false)
		ipn(ns, "link", "add", BridgeName, "type", "bridge", "stp_state", "0", "mcast_snooping", "0")
		ipn(ns, "link", "set", BridgeName, "mtu", strconv.Itoa(linkMTU(sc, s)), "up")
	}
	port := func(s int, portName, peerNS, peerName string, mtu int) {
		sns := names.Subnet(s)
		m := strconv.Itoa(mtu)
		ipn(sns, "link", "add", portName, "mtu", m, "type", "veth", "peer", "name", peerName, "mtu", m, "netns", peerNS)
		ipn(sns, "link", "set", portName, "master", BridgeName, "up")
	}

	// Externals exist before the default router moves a veth end into them.
	for e := range sc.Externals {
		base(names.External(e), false)
	}

	// Routers: forward between their subnets.
	for r := range sc.Underlay.Routers {
		rt := &sc.Underlay.Routers[r]
		ns := names.Router(r)
		base(ns, true)
		for k, in := range rt.Interfaces {
			s, ok := subnetIdx[in.Subnet]
			if !ok || !in.Addr.IsValid() {
				continue
			}
			mtu := linkMTU(sc, s)
			if in.MTU > 0 {
				mtu = in.MTU
			}
			port(s, RouterPort(r, k), ns, RouterIface(k), mtu)
			ipn(ns, "addr", "add", netip.PrefixFrom(in.Addr, sc.Underlay.Subnets[s].CIDR.Bits()).String(), "dev", RouterIface(k))
			ipn(ns, "link", "set", RouterIface(k), "up")
		}
	}
	// Router routes to the subnets they are not on, and to the externals.
	for r := range sc.Underlay.Routers {
		rt := &sc.Underlay.Routers[r]
		ns := names.Router(r)
		for _, sub := range sc.Underlay.Subnets {
			via, out, ok := g.NextHop(r, sub.CIDR.Addr())
			if !ok || out < 0 || via == sub.CIDR.Addr() {
				continue // attached, or unreachable
			}
			ipn(ns, "route", "add", sub.CIDR.Masked().String(), "via", via.String())
		}
		for _, st := range rt.StaticRoutes {
			ipn(ns, "route", "add", st.Dst.Masked().String(), "via", st.Via.String())
		}
		for e, ext := range sc.Externals {
			via, out, ok := g.NextHop(r, ext.Addr)
			if !ok {
				continue
			}
			if out < 0 { // the default router itself: wire the external here
				xns := names.External(e)
				xp := ExternalPort(e)
				// The world outside never limits the path: the link takes the
				// largest MTU of the underlay.
				m := strconv.Itoa(maxLinkMTU(sc))
				ipn(ns, "link", "add", xp, "mtu", m, "type", "veth", "peer", "name", Eth0, "mtu", m, "netns", xns)
				ipn(ns, "addr", "add", externalGW.String()+"/32", "peer", ext.Addr.String(), "dev", xp)
				ipn(ns, "link", "set", xp, "up")
				l.ExternalWired[e] = true
				continue
			}
			ipn(ns, "route", "add", ext.Addr.String()+"/32", "via", via.String())
		}
	}
	// Externals: one address behind the default router on a point-to-point
	// link whose far end is the external's default route.
	for e, ext := range sc.Externals {
		ns := names.External(e)
		if !l.ExternalWired[e] {
			l.Notes = append(l.Notes, fmt.Sprintf("external/%s: no default router, so it is not wired to anything", ext.Name))
			continue
		}
		ipn(ns, "addr", "add", ext.Addr.String()+"/32", "peer", externalGW.String(), "dev", Eth0)
		ipn(ns, "link", "set", Eth0, "up")
		ipn(ns, "route", "add", "default", "via", externalGW.String(), "dev", Eth0)
	}

	// Nodes.
	l.PodMTU = make([]int, len(sc.Nodes))
	for i := range sc.Nodes {
		n := &sc.Nodes[i]
		ns := names.Node(i)
		base(ns, true)
		s, ok := subnetIdx[n.Subnet]
		if !ok || !n.Addr.IsValid() {
			l.Notes = append(l.Notes, fmt.Sprintf("node/%s: no subnet or address, left unwired", n.Name))
			continue
		}
		host := linkMTU(sc, s)
		l.PodMTU[i] = dataplane.PodMTU(host, sc.Resources.IPPools, sc.Resources.Felix)
		port(s, NodePort(i), ns, Eth0, host)
		ipn(ns, "addr", "add", netip.PrefixFrom(n.Addr, sc.Underlay.Subnets[s].CIDR.Bits()).String(), "dev", Eth0)
		ipn(ns, "link", "set", Eth0, "up")
		if _, gw, ok := g.Gateway(s); ok {
			ipn(ns, "route", "add", "default", "via", gw.String(), "dev", Eth0)
		} else {
			// Proxy ARP answers for 169.254.1.1 only with a route to it off
			// the veth; every real host has a default route for that.
			ipn(ns, "route", "add", podGW.String(), "dev", "lo")
			l.Notes = append(l.Notes, fmt.Sprintf("node/%s: no gateway on its subnet; %s dev lo stands in for the default route so proxy ARP answers its pods", n.Name, podGW))
		}
	}

	// Pods: a namespace behind a veth, routed as Calico's CNI plugin does.
	for p := range sc.Pods {
		pod := &sc.Pods[p]
		a := in.Alloc.Pods[p].Addr
		i, ok := nodeIdx[pod.Node]
		if !ok || pod.HostNetwork || !a.IsValid() || in.Alloc.Pods[p].Block < 0 || l.PodMTU[i] == 0 {
			continue
		}
		ns := names.Pod(p)
		l.PodNetns[p] = ns
		base(ns, false)
		nns := names.Node(i)
		cali := CaliName(pod.Namespace, pod.Name)
		m := strconv.Itoa(l.PodMTU[i])
		ipn(nns, "link", "add", cali, "mtu", m, "type", "veth", "peer", "name", Eth0, "mtu", m, "netns", ns)
		ipn(nns, "link", "set", cali, "address", caliMAC, "up")
		sysctl(nns, "net.ipv4.conf."+cali+".proxy_arp=1", "net.ipv4.neigh."+cali+".proxy_delay=0", "net.ipv4.conf."+cali+".forwarding=1")
		ipn(nns, "route", "add", a.String(), "dev", cali, "scope", "link")
		ipn(ns, "addr", "add", a.String()+"/32", "dev", Eth0)
		ipn(ns, "link", "set", Eth0, "up")
		ipn(ns, "route", "add", podGW.String(), "dev", Eth0, "scope", "link")
		ipn(ns, "route", "add", "default", "via", podGW.String(), "dev", Eth0)
	}

	if len(l.Namespaces) > MaxNamespaces {
		return nil, fmt.Errorf("verify: scenario %q needs %d network namespaces; verify builds at most %d (fewer nodes, pods or replicas)",
			sc.Name, len(l.Namespaces), MaxNamespaces)
	}
	l.planFelix(in, opt)
	l.planFabric(in)
	if err := l.planBird(in, g); err != nil {
		return nil, err
	}
	return l, nil
}

// podGW is the pods' default gateway: a link-local address nobody owns,
// answered by proxy ARP on the host side of the veth (Calico's scheme).
var podGW = netip.AddrFrom4([4]byte{169, 254, 1, 1})

// externalGW is the default router's end of each external's link.
var externalGW = netip.AddrFrom4([4]byte{169, 254, 0, 1})

// caliMAC is the MAC of every host-side pod veth, as Calico sets it.
const caliMAC = "ee:ee:ee:ee:ee:ee"

// stepNS is the namespace a step acts in.
func stepNS(s Step) string {
	a := s.Argv
	switch {
	case len(a) > 2 && (a[0] == "ip" || a[0] == "bridge") && a[1] == "-n":
		return a[2]
	case len(a) > 3 && a[0] == "ip" && a[1] == "netns" && a[2] == "exec":
		return a[3]
	}
	return ""
}

// phaseOf orders the build so that namespaces can be configured in
// parallel: 0 prepares every namespace (sysctls, lo); 1 makes the underlay
// links (bridges, veths from the subnets' and routers' namespaces into the
// others); 2 makes the links inside nodes (pod veths, vxlan.calico on eth0);
// 3 configures everything. Inside one namespace the order of the plan is
// kept, and no step needs another namespace's step of the same phase.
func phaseOf(s Step) int {
	a := s.Argv
	has := func(w string) bool { return slices.Contains(a, w) }
	switch {
	case has("sysctl") && strings.Contains(strings.Join(a, " "), "disable_ipv6"):
		return 0
	case len(a) == 7 && a[3] == "link" && a[4] == "set" && a[5] == "lo" && a[6] == "up":
		return 0
	case len(a) > 5 && a[0] == "ip" && a[3] == "link" && a[4] == "add":
		if has("vxlan") || strings.HasPrefix(a[5], "cali") {
			return 2
		}
		return 1
	}
	return 3
}

// phases groups the steps by phase, then by namespace (in order of first
// appearance), keeping the plan's order inside each group.
func (l *Lab) phases() [][][]Step {
	var out [][][]Step
	for ph := 0; ph <= 3; ph++ {
		var groups [][]Step
		at := map[string]int{}
		for _, s := range l.Steps {
			if phaseOf(s) != ph {
				continue
			}
			ns := stepNS(s)
			k, ok := at[ns]
			if !ok {
				k = len(groups)
				at[ns] = k
				groups = append(groups, nil)
			}
			groups[k] = append(groups[k], s)
		}
		out = append(out, groups)
	}
	return out
}

// Script prints the whole build as a shell script, in the order Build
// runs it.
func (l *Lab) Script() string {
	var b strings.Builder
	for _, ns := range l.Namespaces {
		fmt.Fprintf(&b, "ip netns add %s\n", ns)
	}
	for _, phase := range l.phases() {
		for _, group := range phase {
			for _, s := range group {
				b.WriteString(s.String())
				b.WriteByte('\n')
			}
		}
	}
	for _, bd := range l.Birds {
		fmt.Fprintf(&b, "%s\n", strings.Join(bd.Argv(), " "))
	}
	return b.String()
}

// TeardownScript prints the commands that remove everything the lab made.
func (l *Lab) TeardownScript() string {
	var b strings.Builder
	for _, bd := range l.Birds {
		fmt.Fprintf(&b, "kill $(cat %s)\n", bd.PIDFile())
	}
	for i := len(l.Namespaces) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "ip netns del %s\n", l.Namespaces[i])
	}
	fmt.Fprintf(&b, "rm -rf %s\n", l.Dir)
	return b.String()
}
