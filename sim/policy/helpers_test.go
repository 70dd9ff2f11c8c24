package policy

import (
	"net/netip"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// world builds scenarios by hand for the tests.
type world struct {
	sc    topology.Scenario
	addrs []netip.Addr
}

func newWorld(namespaces ...string) *world {
	w := &world{}
	for _, ns := range namespaces {
		w.sc.Namespaces = append(w.sc.Namespaces, topology.Namespace{Name: ns, Labels: map[string]string{"kubernetes.io/metadata.name": ns}})
	}
	return w
}

// nsLabel adds a label to a namespace.
func (w *world) nsLabel(ns, k, v string) *world {
	for i := range w.sc.Namespaces {
		if w.sc.Namespaces[i].Name == ns {
			w.sc.Namespaces[i].Labels[k] = v
		}
	}
	return w
}

// pod adds a pod "ns/name" with labels k=v pairs; its address is 10.0.0.N.
func (w *world) pod(ref string, labels ...string) *world {
	var ns, name string
	for i := range ref {
		if ref[i] == '/' {
			ns, name = ref[:i], ref[i+1:]
		}
	}
	p := topology.Pod{Name: name, Namespace: ns, Workload: name, Kind: topology.KindPod, Labels: map[string]string{}}
	for i := 0; i+1 < len(labels); i += 2 {
		p.Labels[labels[i]] = labels[i+1]
	}
	w.sc.Pods = append(w.sc.Pods, p)
	w.addrs = append(w.addrs, netip.AddrFrom4([4]byte{10, 0, 0, byte(len(w.sc.Pods))}))
	return w
}

func (w *world) last() *topology.Pod { return &w.sc.Pods[len(w.sc.Pods)-1] }

func (w *world) gnp(p topology.Policy) *world {
	p.Kind = topology.KindGlobalNetworkPolicy
	p.Pos = topology.Pos{File: "test.yaml", Line: 10 + len(w.sc.Resources.GlobalNetworkPolicies)}
	w.sc.Resources.GlobalNetworkPolicies = append(w.sc.Resources.GlobalNetworkPolicies, p)
	return w
}

func (w *world) np(p topology.Policy) *world {
	p.Kind = topology.KindNetworkPolicy
	p.Pos = topology.Pos{File: "test.yaml", Line: 100 + len(w.sc.Resources.NetworkPolicies)}
	w.sc.Resources.NetworkPolicies = append(w.sc.Resources.NetworkPolicies, p)
	return w
}

func (w *world) knp(p topology.KubeNetworkPolicy) *world {
	p.Pos = topology.Pos{File: "test.yaml", Line: 200 + len(w.sc.Resources.KubeNetworkPolicies)}
	w.sc.Resources.KubeNetworkPolicies = append(w.sc.Resources.KubeNetworkPolicies, p)
	return w
}

func (w *world) engine(t testing.TB) *Engine {
	t.Helper()
	e, err := New(&w.sc, w.addrs)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// find returns the endpoint named ns/pod, external/A.B.C.D or host/A.B.C.D.
func (w *world) find(t testing.TB, e *Engine, ref string) Endpoint {
	t.Helper()
	for i, p := range w.sc.Pods {
		if p.Namespace+"/"+p.Name == ref {
			return e.Pod(i)
		}
	}
	var kind, addr string
	for i := range ref {
		if ref[i] == '/' {
			kind, addr = ref[:i], ref[i+1:]
		}
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		t.Fatalf("no endpoint %q", ref)
	}
	if kind == "host" {
		return HostEndpoint(a)
	}
	return AddrEndpoint(a)
}

func f64(v float64) *float64 { return &v }
func intp(v int) *int        { return &v }

var (
	tcp  = &topology.ProtoMatch{Name: "TCP", Num: 6}
	udp  = &topology.ProtoMatch{Name: "UDP", Num: 17}
	icmp = &topology.ProtoMatch{Name: "ICMP", Num: 1}
)

func tcpPort(n uint16) topology.Port { return topology.Port{Proto: topology.ProtoTCP, Num: n} }
func udpPort(n uint16) topology.Port { return topology.Port{Proto: topology.ProtoUDP, Num: n} }

func ports(ns ...uint16) []topology.PortRange {
	var out []topology.PortRange
	for _, n := range ns {
		out = append(out, topology.PortRange{Min: n, Max: n})
	}
	return out
}

func pfx(s ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, x := range s {
		out = append(out, netip.MustParsePrefix(x))
	}
	return out
}

func netipP(s string) netip.Prefix { return netip.MustParsePrefix(s) }
