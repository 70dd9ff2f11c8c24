package topology

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func mustLoadBytes(t *testing.T, yaml string) *Scenario {
	t.Helper()
	sc, err := LoadBytes("s.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return sc
}

func TestLoadDesignExample(t *testing.T) {
	sc, err := Load("testdata/load/aws-two-az.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "aws-two-az" || sc.Cloud != CloudAWS || sc.DefaultUnderlay {
		t.Errorf("head: %q %q %v", sc.Name, sc.Cloud, sc.DefaultUnderlay)
	}
	if len(sc.Nodes) != 1+20+3+2 {
		t.Fatalf("%d nodes, want 26", len(sc.Nodes))
	}
	// master has 10.0.1.10; workers take the lowest free addresses, skipping
	// the router's 10.0.1.1 and master's address.
	want := map[string]string{"master": "10.0.1.10", "worker-a-1": "10.0.1.2", "worker-a-8": "10.0.1.9", "worker-a-9": "10.0.1.11",
		"w-01": "10.0.2.2", "w-03": "10.0.2.4", "rr-1": "10.0.2.5"}
	for _, n := range sc.Nodes {
		if w, ok := want[n.Name]; ok && n.Addr.String() != w {
			t.Errorf("%s: %s, want %s", n.Name, n.Addr, w)
		}
		if n.Labels["kubernetes.io/hostname"] != n.Name || n.Labels["kubernetes.io/os"] != "linux" {
			t.Errorf("%s: labels %v", n.Name, n.Labels)
		}
		if n.Prefix.Bits() != 24 || n.Prefix.Addr() != n.Addr {
			t.Errorf("%s: prefix %s", n.Name, n.Prefix)
		}
	}
	rr := sc.Nodes[len(sc.Nodes)-1]
	if rr.Name != "rr-2" || rr.RouteReflectorClusterID != "224.0.0.1" || rr.ASNumber != 64512 || !rr.IsReflector() {
		t.Errorf("rr-2: %+v", rr)
	}
	// aws preset: srcDstCheck on both; MTU 9001 from the underlay.
	for _, s := range sc.Underlay.Subnets {
		if !s.SrcDstCheck || s.MTU != 9001 {
			t.Errorf("subnet %s: srcDstCheck %v mtu %d", s.Name, s.SrcDstCheck, s.MTU)
		}
	}
	if !sc.Underlay.Subnets[0].Blocks(BlockIPIP) || sc.Underlay.Subnets[1].Blocks(BlockIPIP) {
		t.Errorf("blockProtocols: %v %v", sc.Underlay.Subnets[0].BlockProtocols, sc.Underlay.Subnets[1].BlockProtocols)
	}
	if r := sc.Underlay.Routers[0]; r.ASNumber != 64600 || !r.Default || len(r.Interfaces) != 2 {
		t.Errorf("router: %+v", r)
	}
	if sc.Calico.Backend != BackendBird || !sc.Calico.BGPEnabled || sc.Calico.Typha == nil || sc.Calico.Typha.Replicas != 3 {
		t.Errorf("calico: %+v", sc.Calico)
	}
	var pods []string
	for _, p := range sc.Pods {
		pods = append(pods, p.Name+"@"+p.Node)
	}
	if got := strings.Join(pods, " "); got != "web-0@worker-a-1 web-1@worker-a-2 web-2@worker-a-3 web-3@worker-a-4" {
		t.Errorf("pods: %s", got)
	}
	if len(sc.Namespaces) != 1 || sc.Namespaces[0].Labels["kubernetes.io/metadata.name"] != "org-1" || sc.Namespaces[0].Labels["team"] != "one" {
		t.Errorf("namespaces: %+v", sc.Namespaces)
	}
	if len(sc.Flows) != 1 || sc.Flows[0].Port != (Port{ProtoTCP, 443}) || sc.Flows[0].Size != 1400 || sc.Flows[0].To.Kind != RefExternal {
		t.Errorf("flows: %+v", sc.Flows)
	}
	if len(sc.Failures) != 6 || sc.Failures[2].Target != (FailureTarget{"session", "rr-1~rr-2"}) || sc.Failures[5].Action != FailBlockBGP {
		t.Errorf("failures: %+v", sc.Failures)
	}
	if sc.Failures[0].Pos.Line != 63 {
		t.Errorf("failure pos %v", sc.Failures[0].Pos)
	}
	p := sc.Resources.IPPools
	if len(p) != 1 || p[0].IPIPMode != EncapCrossSubnet || p[0].CIDR.String() != "10.244.0.0/16" || p[0].Default {
		t.Errorf("pools: %+v", p)
	}
	e := sc.Expect
	if len(e.Flows) != 1 || *e.Flows[0].Encapsulation != EncapIPIP || e.Flows[0].Port != (Port{ProtoUDP, 53}) || *e.Flows[0].PathMTU != 1480 {
		t.Errorf("expect flows: %+v", e.Flows)
	}
	if len(e.Nodes) != 2 || e.Nodes[1].Selector != "rack == 'a'" || e.BGP.Topology != "route-reflector" || e.BGP.ConvergedWithin.Seconds() != 5 {
		t.Errorf("expect: %+v %+v", e.Nodes, e.BGP)
	}
	if *e.IPAM.PodCapacity != 65536 || e.Findings.Present[0] != "MESH_TOO_LARGE" {
		t.Errorf("expect ipam/findings: %+v %+v", e.IPAM, e.Findings)
	}
}

func TestCalicoDefaults(t *testing.T) {
	sc := mustLoadBytes(t, head+`  nodes: [{name: n1, subnet: a}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: eg}
spec:
  egress: [{action: Allow}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: both, namespace: x}
spec:
  ingress: [{action: Deny}]
  egress: [{action: Allow, protocol: TCP, destination: {ports: [80, "8000:8080", http]}}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: none}
spec: {selector: all()}
`)
	p := sc.Resources.IPPools
	if len(p) != 1 || !p[0].Default || p[0].Name != "default-ipv4-ippool" || p[0].CIDR.String() != "192.168.0.0/16" ||
		p[0].BlockSize != 26 || p[0].IPIPMode != EncapAlways || p[0].VXLANMode != EncapNever || !p[0].NATOutgoing || p[0].NodeSelector != "all()" {
		t.Errorf("default pool: %+v", p)
	}
	if b := sc.Resources.BGP; !b.NodeToNodeMeshEnabled || b.ASNumber != 64512 {
		t.Errorf("bgp: %+v", b)
	}
	if sc.Calico.Backend != BackendBird || sc.Calico.Datastore != DatastoreKubernetes || !sc.Calico.BGPEnabled || sc.Calico.Typha != nil {
		t.Errorf("calico: %+v", sc.Calico)
	}
	g := sc.Resources.GlobalNetworkPolicies
	if !slices.Equal(g[0].Types, []string{"Egress"}) || !slices.Equal(g[1].Types, []string{"Ingress"}) || g[0].Tier != "default" {
		t.Errorf("GNP types: %v %v", g[0].Types, g[1].Types)
	}
	n := sc.Resources.NetworkPolicies[0]
	if !slices.Equal(n.Types, []string{"Ingress", "Egress"}) || n.Namespace != "x" {
		t.Errorf("NP: %+v", n)
	}
	ports := n.Egress[0].Destination.Ports
	if len(ports) != 3 || ports[0] != (PortRange{80, 80, ""}) || ports[1] != (PortRange{8000, 8080, ""}) || ports[2].Name != "http" {
		t.Errorf("ports: %+v", ports)
	}
	if n.Egress[0].Protocol.Num != 6 {
		t.Errorf("protocol: %+v", n.Egress[0].Protocol)
	}
	// the NetworkPolicy's namespace exists, labelled
	if len(sc.Namespaces) != 1 || sc.Namespaces[0].Labels["kubernetes.io/metadata.name"] != "x" {
		t.Errorf("namespaces: %+v", sc.Namespaces)
	}
}

func TestCloudPresets(t *testing.T) {
	for _, tc := range []struct {
		cloud        string
		mtu          int
		srcDst, ipip bool
		bits         int
	}{{"aws", 9001, true, false, 24}, {"azure", 1500, true, true, 24}, {"gcp", 1460, true, false, 32}, {"none", 1500, false, false, 24}} {
		t.Run(tc.cloud, func(t *testing.T) {
			sc := mustLoadBytes(t, `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  cloud: `+tc.cloud+`
  underlay:
    subnets:
      - {name: a, cidr: 10.0.1.0/24}
      - {name: b, cidr: 10.0.2.0/24, mtu: 1400, srcDstCheck: false, blockProtocols: []}
  nodes: [{name: n1, subnet: a}]
`)
			a, b := sc.Underlay.Subnets[0], sc.Underlay.Subnets[1]
			if a.MTU != tc.mtu || a.SrcDstCheck != tc.srcDst || a.Blocks(BlockIPIP) != tc.ipip {
				t.Errorf("preset subnet: %+v", a)
			}
			if b.MTU != 1400 || b.SrcDstCheck || b.Blocks(BlockIPIP) {
				t.Errorf("explicit subnet must win: %+v", b)
			}
			if sc.Nodes[0].Prefix.Bits() != tc.bits {
				t.Errorf("node prefix %s", sc.Nodes[0].Prefix)
			}
		})
	}
}

func TestKubernetesWorkloads(t *testing.T) {
	src, err := os.ReadFile("testdata/load/k8s-mix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc := mustLoadBytes(t, string(src))
	var got []string
	for _, p := range sc.Pods {
		got = append(got, p.Namespace+"/"+p.Name+"@"+p.Node)
	}
	if len(got) != 3+2+4+1+1 {
		t.Fatalf("pods: %v", got)
	}
	dep := sc.Pods[:3]
	for i, p := range dep {
		parts := strings.Split(p.Name, "-")
		if len(parts) != 3 || parts[0] != "web" || len(parts[1]) != 10 || len(parts[2]) != 5 || parts[1] != strings.Split(dep[0].Name, "-")[1] {
			t.Errorf("deployment pod name %q", p.Name)
		}
		if p.Node != sc.Nodes[i].Name || p.Labels["app"] != "web" || p.Ports[0] != (ContainerPort{"http", 8080, ProtoTCP}) {
			t.Errorf("deployment pod %+v", p)
		}
	}
	if sc.Pods[3].Name != "db-0" || sc.Pods[4].Name != "db-1" {
		t.Errorf("statefulset pods %s %s", sc.Pods[3].Name, sc.Pods[4].Name)
	}
	for i, p := range sc.Pods[5:9] {
		if !strings.HasPrefix(p.Name, "agent-") || len(p.Name) != len("agent-")+5 || p.Node != sc.Nodes[i].Name || !p.HostNetwork {
			t.Errorf("daemonset pod %+v", p)
		}
	}
	if p := sc.Pods[9]; !strings.HasPrefix(p.Name, "rs-") || p.Namespace != "default" {
		t.Errorf("replicaset pod %+v", p)
	}
	if p := sc.Pods[10]; p.Name != "solo" || p.Node != "edge" || p.ServiceAccount != "solo-sa" {
		t.Errorf("bare pod %+v", p)
	}
	if sc.Workloads[2].Kind != KindDaemonSet || sc.Workloads[2].Replicas != 4 {
		t.Errorf("daemonset workload %+v", sc.Workloads[2])
	}
	var nss []string
	for _, ns := range sc.Namespaces {
		nss = append(nss, ns.Name)
	}
	if strings.Join(nss, ",") != "shop,kube-system,default" {
		t.Errorf("implied namespaces %v", nss)
	}
	// The Service is a warning naming its kind and line; not modelled fields
	// are listed once.
	if !hasWarning(sc.Warnings, "kind Service", 68) {
		t.Errorf("warnings: %v", sc.Warnings)
	}
	for _, w := range []string{"Deployment metadata.uid", "Deployment metadata.annotations", "Deployment spec.strategy", "Deployment status",
		"Deployment spec.template.spec.containers[].imagePullPolicy", "Deployment spec.template.spec.containers[].resources"} {
		if !hasWarning(sc.NotModelled, w, 0) {
			t.Errorf("not modelled: %s missing from %v", w, sc.NotModelled)
		}
	}
}

func hasWarning(ws []Warning, substr string, line int) bool {
	for _, w := range ws {
		if strings.Contains(w.Message, substr) && (line == 0 || w.Pos.Line == line) {
			return true
		}
	}
	return false
}

func TestDeterministic(t *testing.T) {
	src, err := os.ReadFile("testdata/load/k8s-mix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := LoadBytes("k.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := LoadBytes("k.yaml", src)
	for i := range a.Pods {
		if a.Pods[i].Name != b.Pods[i].Name || a.Pods[i].Node != b.Pods[i].Node {
			t.Fatalf("pod %d differs: %s %s", i, a.Pods[i].Name, b.Pods[i].Name)
		}
	}
}

func TestInstallationAndConfigMap(t *testing.T) {
	sc := mustLoadBytes(t, head+`  nodes: [{name: n1, subnet: a}]
---
apiVersion: operator.tigera.io/v1
kind: Installation
metadata: {name: default}
spec:
  variant: Calico
  calicoNetwork:
    bgp: Disabled
    mtu: 1440
    nodeAddressAutodetectionV4: {firstFound: true}
    ipPools:
      - cidr: 10.244.0.0/16
        encapsulation: VXLANCrossSubnet
        natOutgoing: Disabled
        nodeSelector: all()
      - name: extra
        cidr: 10.250.0.0/16
        blockSize: 24
        encapsulation: IPIP
`)
	if sc.Calico.BGPEnabled {
		t.Error("bgp: Disabled must disable BGP")
	}
	if sc.Resources.Felix.VethMTU != 1440 || sc.Resources.Felix.VethMTUPos.Line != 26 {
		t.Errorf("veth mtu %d at %v", sc.Resources.Felix.VethMTU, sc.Resources.Felix.VethMTUPos)
	}
	p := sc.Resources.IPPools
	if len(p) != 2 || p[0].Name != "default-ipv4-ippool" || p[0].VXLANMode != EncapCrossSubnet || p[0].NATOutgoing ||
		p[1].Name != "extra" || p[1].IPIPMode != EncapAlways || p[1].BlockSize != 24 {
		t.Errorf("pools %+v", p)
	}

	sc = mustLoadBytes(t, head+`---
apiVersion: v1
kind: ConfigMap
metadata: {name: calico-config, namespace: kube-system}
data:
  calico_backend: vxlan
  veth_mtu: "1410"
  typha_service_name: none
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
data: {a: b}
`)
	if sc.Calico.Backend != BackendVXLAN || sc.Calico.BGPEnabled || sc.Resources.Felix.VethMTU != 1410 {
		t.Errorf("calico-config: %+v %+v", sc.Calico, sc.Resources.Felix)
	}
	if !hasWarning(sc.Warnings, `ConfigMap "other"`, 28) {
		t.Errorf("warnings %v", sc.Warnings)
	}
}

func TestListAndCalicoNode(t *testing.T) {
	sc := mustLoadBytes(t, head+`  nodes:
    - {name: n1, subnet: a}
    - {name: n2, subnet: a}
---
apiVersion: v1
kind: List
items:
  - apiVersion: projectcalico.org/v3
    kind: Node
    metadata:
      name: n2
      labels: {route-reflector: "true"}
    spec:
      bgp:
        asNumber: 65001
        ipv4Address: 10.0.2.50/24
        routeReflectorClusterID: 224.0.0.1
  - apiVersion: projectcalico.org/v3
    kind: IPPoolList
    items:
      - apiVersion: projectcalico.org/v3
        kind: IPPool
        metadata: {name: z-pool}
        spec: {cidr: 10.9.0.0/16, vxlanMode: Always}
      - apiVersion: projectcalico.org/v3
        kind: IPPool
        metadata: {name: a-pool}
        spec: {cidr: 10.8.0.0/16}
`)
	n2 := sc.Nodes[1]
	if n2.Addr.String() != "10.0.2.50" || n2.Prefix.String() != "10.0.2.50/24" || n2.Subnet != "b" || n2.ASNumber != 65001 ||
		n2.RouteReflectorClusterID != "224.0.0.1" || n2.Labels["route-reflector"] != "true" || n2.Labels["kubernetes.io/hostname"] != "n2" {
		t.Errorf("n2: %+v", n2)
	}
	if sc.Nodes[0].Addr.String() != "10.0.1.2" {
		t.Errorf("n1: %s", sc.Nodes[0].Addr)
	}
	p := sc.Resources.IPPools
	if len(p) != 2 || p[0].Name != "a-pool" || p[1].Name != "z-pool" || p[0].BlockSize != 26 || p[0].NodeSelector != "all()" {
		t.Errorf("pools sorted by name: %+v", p)
	}
}

func TestDefaultUnderlay(t *testing.T) {
	sc := mustLoadBytes(t, `apiVersion: v1
kind: Pod
metadata: {name: a}
spec: {nodeName: worker-7, containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {nodeName: worker-3, containers: [{name: c}]}
`)
	if !sc.DefaultUnderlay || len(sc.Underlay.Subnets) != 1 || sc.Underlay.Subnets[0].Name != "default" || sc.Underlay.Subnets[0].CIDR.String() != "10.0.0.0/24" {
		t.Errorf("underlay: %+v", sc.Underlay)
	}
	if len(sc.Nodes) != 2 || sc.Nodes[0].Name != "worker-7" || sc.Nodes[0].Addr.String() != "10.0.0.1" || sc.Nodes[1].Name != "worker-3" {
		t.Errorf("nodes: %+v", sc.Nodes)
	}
	if !hasWarning(sc.Warnings, "no Scenario document", 0) {
		t.Errorf("warnings: %v", sc.Warnings)
	}
	sc = mustLoadBytes(t, `apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: p}
spec: {cidr: 10.244.0.0/16}
`)
	if len(sc.Nodes) != 3 || sc.Nodes[2].Name != "node-3" || sc.Nodes[2].Addr.String() != "10.0.0.3" {
		t.Errorf("nodes: %+v", sc.Nodes)
	}
}

func TestIncludes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("scn/s.yaml", head+`  include: [policies, pool.yaml]
`)
	write("scn/pool.yaml", `apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: p}
spec: {cidr: 10.244.0.0/16}
`)
	write("scn/policies/b.yml", `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: b}
spec: {}
`)
	write("scn/policies/a.yaml", `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: a}
spec: {}
`)
	write("scn/policies/notes.txt", "not yaml")
	write("outside.yaml", `apiVersion: v1
kind: Namespace
metadata: {name: x}
`)
	sc, err := Load(filepath.Join(dir, "scn/s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	g := sc.Resources.GlobalNetworkPolicies
	if len(g) != 2 || g[0].Name != "a" || g[1].Name != "b" || len(sc.Resources.IPPools) != 1 || len(sc.Files) != 4 {
		t.Errorf("includes: %+v %+v %v", g, sc.Resources.IPPools, sc.Files)
	}

	write("scn/bad.yaml", head+`  include:
    - pool.yaml
    - ../outside.yaml
`)
	_, err = Load(filepath.Join(dir, "scn/bad.yaml"))
	fes := fieldErrors(t, err)
	if len(fes) != 1 || fes[0].Line != 19 || fes[0].Path != "spec.include[1]" || !strings.Contains(fes[0].Err.Error(), "leaves the scenario's folder") {
		t.Errorf("include outside: %v", err)
	}
	// a symlink inside that points outside is outside
	if err := os.Symlink(filepath.Join(dir, "outside.yaml"), filepath.Join(dir, "scn/link.yaml")); err == nil {
		write("scn/sym.yaml", head+`  include: [link.yaml]
`)
		_, err = Load(filepath.Join(dir, "scn/sym.yaml"))
		if err == nil || !strings.Contains(err.Error(), "leaves the scenario's folder") {
			t.Errorf("symlink include: %v", err)
		}
	}
	// A folder given on the command line: its files, sorted.
	sc, err = Load(filepath.Join(dir, "scn/policies"), filepath.Join(dir, "scn/pool.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !sc.DefaultUnderlay || len(sc.Resources.GlobalNetworkPolicies) != 2 {
		t.Errorf("folder load: %+v", sc.Resources)
	}
}

func TestNodeAddresses(t *testing.T) {
	// Explicit addresses anywhere in the list are skipped by the earlier
	// nodes' assignment; router addresses too.
	sc := mustLoadBytes(t, `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets: [{name: a, cidr: 10.0.0.0/29}]
    routers: [{name: r, interfaces: [{subnet: a}]}]
  nodes:
    - {name: "n-{1..3}"}
    - {name: x, ip: 10.0.0.3}
`)
	var got []string
	for _, n := range sc.Nodes {
		got = append(got, n.Name+"="+n.Addr.String())
	}
	if strings.Join(got, " ") != "n-1=10.0.0.2 n-2=10.0.0.4 n-3=10.0.0.5 x=10.0.0.3" {
		t.Errorf("addresses: %v", got)
	}
	if sc.Underlay.Routers[0].Interfaces[0].Addr != netip.MustParseAddr("10.0.0.1") {
		t.Errorf("router: %v", sc.Underlay.Routers[0].Interfaces)
	}
}

func TestForeignFiles(t *testing.T) {
	// A typed list whose items omit apiVersion and kind (API server list
	// responses), a document of another tool, "{}" for an empty list, and a
	// policy applied twice.
	sc := mustLoadBytes(t, `{"kind": "NamespaceList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"},
 "items": [{"metadata": {"name": "a", "labels": {"x": "y"}}, "status": {"phase": "Active"}}]}
---
namespaceList: input/ns.json
queries: [{name: q}]
---
- a sequence
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a}
spec: {containers: [{name: c, ports: {}}]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: g}
spec: {order: 1}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: g}
spec: {order: 2}
`)
	if len(sc.Namespaces) != 1 || sc.Namespaces[0].Labels["x"] != "y" {
		t.Errorf("namespaces %+v", sc.Namespaces)
	}
	if len(sc.Pods) != 1 || len(sc.Pods[0].Ports) != 0 {
		t.Errorf("pods %+v", sc.Pods)
	}
	g := sc.Resources.GlobalNetworkPolicies
	if len(g) != 1 || *g[0].Order != 2 {
		t.Errorf("gnp %+v", g)
	}
	for _, w := range []struct {
		msg  string
		line int
	}{{"no apiVersion", 4}, {"not a mapping", 7}, {"defined twice", 19}} {
		if !hasWarning(sc.Warnings, w.msg, w.line) {
			t.Errorf("no warning %q at line %d: %v", w.msg, w.line, sc.Warnings)
		}
	}
	// A near miss of apiVersion is a typo, not a foreign file.
	_, err := LoadBytes("s.yaml", []byte("apiVersoin: v1\nkind: Pod\nmetadata: {name: p}\n"))
	fes := fieldErrors(t, err)
	if len(fes) != 1 || fes[0].Path != "apiVersoin" || fes[0].Line != 1 || !strings.Contains(fes[0].Error(), `did you mean "apiVersion"`) {
		t.Errorf("got %v", err)
	}
}

func TestSkippedKindsOnce(t *testing.T) {
	sc := mustLoadBytes(t, `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Service, metadata: {name: a}}
  - {apiVersion: v1, kind: Service, metadata: {name: b}}
  - {apiVersion: route.openshift.io/v1, kind: Route, metadata: {name: r}}
`)
	if !hasWarning(sc.Warnings, "kind Service (v1) is not modelled: 2 documents skipped, the first here", 4) ||
		!hasWarning(sc.Warnings, "kind Route (route.openshift.io/v1) is not modelled and was skipped", 6) {
		t.Errorf("warnings: %v", sc.Warnings)
	}
}

func TestIPv6PoolsSkipped(t *testing.T) {
	sc := mustLoadBytes(t, head+`  nodes: [{name: n1, subnet: a}]
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: default-ipv6-ippool}
spec: {cidr: "fd00:10:244::/64", blockSize: 122, vxlanMode: Always}
---
apiVersion: operator.tigera.io/v1
kind: Installation
metadata: {name: default}
spec:
  calicoNetwork:
    ipPools:
      - {cidr: "fd00:10:245::/64"}
      - {cidr: 10.244.0.0/16}
`)
	p := sc.Resources.IPPools
	if len(p) != 1 || p[0].Name != "default-ipv4-ippool" || p[0].CIDR.String() != "10.244.0.0/16" {
		t.Errorf("pools %+v", p)
	}
	if !hasWarning(sc.Warnings, "default-ipv6-ippool fd00:10:244::/64 is IPv6: not modelled", 22) ||
		!hasWarning(sc.Warnings, "default-ipv6-ippool fd00:10:245::/64 is IPv6: not modelled", 30) {
		t.Errorf("warnings %v", sc.Warnings)
	}
}

// TestPastedCalicoctlOutput loads what calicoctl prints on a fresh v3.28
// cluster.
func TestPastedCalicoctlOutput(t *testing.T) {
	sc := mustLoadBytes(t, head+`  nodes: [{name: n1, subnet: a}]
---
apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata:
  creationTimestamp: "2024-05-02T10:00:00Z"
  name: default
  resourceVersion: "812"
  uid: 0c7a1d9e-4f5b-4a38-9d1e-5b3e2e0e4f11
spec:
  bpfConnectTimeLoadBalancing: TCP
  bpfHostNetworkedNATWithoutCTLB: Enabled
  bpfLogLevel: ""
  floatingIPs: Disabled
  healthPort: 9099
  logSeverityScreen: Info
  reportingInterval: 0s
  vxlanEnabled: true
  vxlanMTU: 8951
---
apiVersion: projectcalico.org/v3
items:
- apiVersion: projectcalico.org/v3
  kind: IPPool
  metadata:
    creationTimestamp: "2024-05-02T10:00:00Z"
    name: default-ipv4-ippool
    resourceVersion: "790"
    uid: 2f0e8c57-8b8e-4f4e-9a4a-2d7c1f0b6a01
  spec:
    allowedUses: [Workload, Tunnel]
    blockSize: 26
    cidr: 10.244.0.0/16
    ipipMode: Never
    natOutgoing: true
    nodeSelector: all()
    vxlanMode: CrossSubnet
kind: IPPoolList
metadata:
  resourceVersion: "1200"
`)
	f := sc.Resources.Felix
	if f.VXLANMTU != 8951 || f.VXLANEnabled == nil || !*f.VXLANEnabled {
		t.Errorf("felix %+v", f)
	}
	if p := sc.Resources.IPPools; len(p) != 1 || p[0].VXLANMode != EncapCrossSubnet {
		t.Errorf("pools %+v", p)
	}
	if !hasWarning(sc.NotModelled, "FelixConfiguration spec.bpfHostNetworkedNATWithoutCTLB", 0) || !hasWarning(sc.NotModelled, "IPPool spec.allowedUses", 0) {
		t.Errorf("not modelled %v", sc.NotModelled)
	}
}
