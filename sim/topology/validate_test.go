package topology

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fieldErrors flattens a load error into its FieldErrors; it fails the test
// when any error is not a FieldError.
func fieldErrors(t *testing.T, err error) []*FieldError {
	t.Helper()
	var out []*FieldError
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var fe *FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("error %q (%T) is not a *FieldError", e, e)
		}
		out = append(out, fe)
	}
	walk(err)
	return out
}

// head is the scenario the bad cases extend; its lines are 1-16.
const head = `apiVersion: calisim/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  underlay:
    subnets:
      - name: a
        cidr: 10.0.1.0/24
      - name: b
        cidr: 10.0.2.0/24
    routers:
      - name: r
        interfaces:
          - {subnet: a, ip: 10.0.1.1}
          - {subnet: b, ip: 10.0.2.1}
        default: true
`

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		path string
		line int
		msg  string
	}{
		{"bad cidr", `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets:
      - name: a
        cidr: 10.0.0.0/24
      - name: b
        cidr: 10.0.0.0/33
`, "spec.underlay.subnets[1].cidr", 9, `"10.0.0.0/33" is not a valid CIDR`},
		{"host bits", `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets:
      - {name: a, cidr: 10.0.0.1/24}
`, "spec.underlay.subnets[0].cidr", 6, `did you mean "10.0.0.0/24"`},
		{"overlap", `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets:
      - {name: a, cidr: 10.0.0.0/16}
      - {name: b, cidr: 10.1.0.0/24}
      - {name: c, cidr: 10.0.5.0/24}
`, "spec.underlay.subnets[2].cidr", 8, "overlaps subnet a"},
		{"duplicate subnet", `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets:
      - {name: a, cidr: 10.0.0.0/24}
      - {name: a, cidr: 10.1.0.0/24}
`, "spec.underlay.subnets[1].name", 7, "defined twice"},
		{"unknown field", head + `  nodes:
    - name: n1
      subnet: a
      lables: {x: y}
`, "spec.nodes[0].lables", 20, `did you mean "labels"?`},
		{"unknown field case", head + `  Nodes: []
`, "spec.Nodes", 17, `did you mean "nodes"?`},
		{"node outside subnet", head + `  nodes:
    - {name: n1, subnet: a, ip: 10.0.2.5}
`, "spec.nodes[0].ip", 18, "outside subnet a"},
		{"node address twice", head + `  nodes:
    - {name: n1, subnet: a, ip: 10.0.1.5}
    - name: n2
      subnet: a
      ip: 10.0.1.5
`, "spec.nodes[1].ip", 21, "used twice: by node n1 and by node n2"},
		{"node on router address", head + `  nodes:
    - {name: n1, subnet: a, ip: 10.0.1.1}
`, "spec.nodes[0].ip", 18, "by router r and by node n1"},
		{"unknown subnet", head + `  nodes:
    - {name: n1, subnet: c}
`, "spec.nodes[0].subnet", 18, `unknown subnet "c"`},
		{"subnet needed", head + `  nodes:
    - {name: n1}
`, "spec.nodes[0].subnet", 18, "needs a subnet"},
		{"duplicate node after expansion", head + `  nodes:
    - {name: "n-{1..3}", subnet: a}
    - {name: n-2, subnet: b}
`, "spec.nodes[1].name", 19, `node "n-2" is defined twice`},
		{"too many nodes", head + `  nodes:
    - {name: "n-{1..50000}", subnet: a}
    - name: m-{1..50000001}
      subnet: b
`, "spec.nodes[1].name", 19, "50050001 nodes after range expansion; at most 100000"},
		{"bad range", head + `  nodes:
    - {name: "n-{1..x}", subnet: a}
`, "spec.nodes[0].name", 18, "is not a range"},
		{"unquoted range in flow", head + `  nodes:
    - {name: n-{1..3}, subnet: a}
`, "", 18, "quote a range"},
		{"subnet full", `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets: [{name: a, cidr: 10.0.0.0/30}]
  nodes:
    - {name: "n-{1..3}"}
`, "spec.nodes[0]", 7, "no free address"},
		{"port", head + `  namespaces: [{name: x}]
  workloads: [{name: w, namespace: x}]
  flows:
    - {from: x/w, to: x/w, port: tcp/70000}
`, "spec.flows[0].port", 20, "outside 1-65535"},
		{"as number", head + `  nodes:
    - {name: n1, subnet: a, asNumber: 0}
`, "spec.nodes[0].asNumber", 18, "outside 1-4294967295"},
		{"as number overflow", head + `  nodes:
    - {name: n1, subnet: a, asNumber: 4294967296}
`, "spec.nodes[0].asNumber", 18, "out of range"},
		{"mtu", head + `  calico: {}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: calico-config, namespace: kube-system}
data:
  calico_backend: bird
  veth_mtu: "100"
`, "data.veth_mtu", 24, "MTU 100 is outside 576-65535"},
		{"subnet mtu", `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets: [{name: a, cidr: 10.0.0.0/24, mtu: 70000}]
`, "spec.underlay.subnets[0].mtu", 5, "outside 576-65535"},
		{"block size", head + `---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: p}
spec:
  cidr: 10.244.0.0/16
  blockSize: 33
`, "spec.blockSize", 23, "outside 20-32"},
		{"block larger than pool", head + `---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: p}
spec:
  cidr: 10.244.0.0/24
  blockSize: 22
`, "spec.blockSize", 23, "larger than the pool"},
		{"encap mode", head + `---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: p}
spec:
  cidr: 10.244.0.0/16
  ipipMode: always
`, "spec.ipipMode", 23, `did you mean "Always"?`},
		{"ipip and vxlan", head + `---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: p}
spec:
  cidr: 10.244.0.0/16
  ipipMode: Always
  vxlanMode: CrossSubnet
`, "spec", 22, "both IPIP and VXLAN"},
		{"selector", head + `---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: p}
spec:
  cidr: 10.244.0.0/16
  nodeSelector: rack == 'a' &&
`, "spec.nodeSelector", 23, "of the selector"},
		{"unknown workload ref", head + `  namespaces: [{name: x}]
  workloads: [{name: web, namespace: x}]
  flows:
    - from: x/web
      to: x/wbe
`, "spec.flows[0].to", 21, `did you mean "web"?`},
		{"unknown namespace ref", head + `  flows:
    - {from: nope/web, to: node/x}
`, "spec.flows[0].from", 18, `unknown namespace "nope"`},
		{"unknown node ref", head + `  nodes: [{name: n1, subnet: a}]
  flows:
    - {from: node/n1, to: node/n2}
`, "spec.flows[0].to", 19, `unknown node "n2"`},
		{"unknown router ref", head + `  expect:
    flows:
      - {from: router/r, to: router/x}
`, "spec.expect.flows[0].to", 19, `unknown router "x"`},
		{"unknown external ref", head + `  externals: [{name: inet, ip: 8.8.8.8}]
  flows:
    - {from: external/inet, to: external/int}
`, "spec.flows[0].to", 19, `did you mean "inet"?`},
		{"bad ref", head + `  flows:
    - {from: a/b/c, to: node/x}
`, "spec.flows[0].from", 18, "not an endpoint reference"},
		{"unknown cloud", head + `  cloud: awz
`, "spec.cloud", 17, `did you mean "aws"?`},
		{"unknown backend", head + `  calico: {backend: bgp}
`, "spec.calico.backend", 17, "unknown backend"},
		{"unknown datastore", head + `  calico:
    datastore: consul
`, "spec.calico.datastore", 18, "unknown datastore"},
		{"router unknown subnet", `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets: [{name: a, cidr: 10.0.0.0/24}]
    routers:
      - name: r
        interfaces:
          - {subnet: z, ip: 10.0.0.1}
`, "spec.underlay.routers[0].interfaces[0].subnet", 9, `unknown subnet "z"`},
		{"router address outside", `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets: [{name: a, cidr: 10.0.0.0/24}]
    routers:
      - name: r
        interfaces:
          - subnet: a
            ip: 10.0.9.1
`, "spec.underlay.routers[0].interfaces[0].ip", 10, "outside subnet a"},
		{"two default routers", `apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets: [{name: a, cidr: 10.0.0.0/24}]
    routers:
      - {name: r1, default: true, interfaces: [{subnet: a}]}
      - name: r2
        interfaces: [{subnet: a}]
        default: true
`, "spec.underlay.routers[1].default", 10, "more than one default router"},
		{"failure target", head + `  failures:
    - {at: 10s, down: node/ghost}
`, "spec.failures[0].down", 18, `unknown node "ghost"`},
		{"failure two actions", head + `  failures:
    - {at: 10s, down: router/r, up: router/r}
`, "spec.failures[0]", 18, "exactly one of"},
		{"failure duration", head + `  failures:
    - {at: soon, down: router/r}
`, "spec.failures[0].at", 18, "not a duration"},
		{"unknown kind of policy action", head + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: p}
spec:
  ingress:
    - action: allow
`, "spec.ingress[0].action", 23, `did you mean "Allow"?`},
		{"ports without protocol", head + `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: p}
spec:
  ingress:
    - action: Allow
      destination: {ports: [80]}
`, "spec.ingress[0].protocol", 23, "needs protocol"},
		{"calico field typo", head + `---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: default}
spec:
  nodeToNodeMeshEnable: false
`, "spec.nodeToNodeMeshEnable", 22, `did you mean "nodeToNodeMeshEnabled"?`},
		{"wrong apiVersion", head + `---
apiVersion: projectcalico.org/v1
kind: IPPool
metadata: {name: p}
`, "apiVersion", 18, `did you mean "projectcalico.org/v3"?`},
		{"kind typo", head + `---
apiVersion: v1
Kind: Pod
metadata: {name: p}
`, "Kind", 19, `did you mean "kind"?`},
		{"pod unknown node", head + `---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: x}
spec:
  nodeName: ghost
  containers: [{name: c, image: nginx}]
`, "spec.nodeName", 22, `unknown node "ghost"`}, // the field's line, not the document's
		{"include outside", head + `  include: [../outside.yaml]
`, "spec.include[0]", 17, "not available"},
		{"second scenario", head + `---
apiVersion: calisim/v1alpha1
kind: Scenario
spec: {}
`, "kind", 19, "a second Scenario"},
		{"workload selector matches nothing", head + `  nodes: [{name: n1, subnet: a}]
  workloads:
    - {name: w, nodeSelector: "rack == 'z'"}
`, "spec.workloads[0].nodeSelector", 19, "matches no node"},
		{"duplicate workload", head + `  workloads:
    - {name: w}
    - {name: w}
`, "spec.workloads[1].name", 19, "defined twice"},
		{"knp typo", head + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
    - from:
        - podSelectr: {}
`, "spec.ingress[0].from[0].podSelectr", 25, `did you mean "podSelector"?`},
		{"daemonset replicas", head + `---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: d}
spec:
  replicas: 2
  template:
    spec:
      containers: [{name: c}]
`, "spec.replicas", 22, "one pod per matching node"},
		{"installation encapsulation", head + `---
apiVersion: operator.tigera.io/v1
kind: Installation
metadata: {name: default}
spec:
  calicoNetwork:
    ipPools:
      - cidr: 10.244.0.0/16
        encapsulation: VXLANCrosSubnet
`, "spec.calicoNetwork.ipPools[0].encapsulation", 25, `did you mean "VXLANCrossSubnet"?`},
		{"container port typo", head + `  nodes: [{name: n1, subnet: a}]
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: nginx
      ports:
        - name: http
          containerPorts: 80
`, "spec.containers[0].ports[0].containerPorts", 28, `did you mean "containerPort"?`},
		{"container port missing", head + `  nodes: [{name: n1, subnet: a}]
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      ports:
        - name: http
`, "spec.containers[0].ports[0].containerPort", 26, "needs containerPort"},
		{"no nodes", head + `  workloads: [{name: w}]
`, "spec.workloads[0]", 17, "the scenario has no nodes"},
		{"wrong type", head + `  nodes:
    - {name: n1, subnet: a, labels: [x]}
`, "spec.nodes[0].labels", 18, "expected a mapping"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadBytes("s.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("loaded without error; want %s at line %d", tc.path, tc.line)
			}
			var got []string
			for _, fe := range fieldErrors(t, err) {
				if fe.File != "s.yaml" {
					t.Errorf("error names file %q, want s.yaml", fe.File)
				}
				if fe.Line == tc.line && fe.Path == tc.path && strings.Contains(fe.Err.Error(), tc.msg) {
					return
				}
				got = append(got, fmt.Sprintf("line %d path %q: %v", fe.Line, fe.Path, fe.Err))
			}
			t.Errorf("want line %d path %q containing %q; got:\n  %s", tc.line, tc.path, tc.msg, strings.Join(got, "\n  "))
		})
	}
}

// TestErrorFormat checks the printed form FILE:LINE:COL: PATH: MESSAGE and
// that every error of a run is reported, sorted by line.
func TestErrorFormat(t *testing.T) {
	_, err := LoadBytes("s.yaml", []byte(`apiVersion: calisim/v1alpha1
kind: Scenario
spec:
  underlay:
    subnets:
      - name: a
        cidr: 10.0.0.0/24
      - name: b
        cidr: "10.0.0.0/33"
  cloud: gcpp
`))
	if err == nil {
		t.Fatal("no error")
	}
	want := `s.yaml:9:15: spec.underlay.subnets[1].cidr: "10.0.0.0/33" is not a valid CIDR
s.yaml:10:10: spec.cloud: unknown cloud "gcpp" (none, aws, azure, gcp) (did you mean "gcp"?)`
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
}

// TestSelectorColumn checks that a selector error points inside the value.
func TestSelectorColumn(t *testing.T) {
	_, err := LoadBytes("s.yaml", []byte(head+`---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: p}
spec:
  selector: "app == 'web' && ?"
`))
	fes := fieldErrors(t, err)
	if len(fes) != 1 {
		t.Fatalf("want one error, got %v", err)
	}
	// `  selector: "` is 13 columns; the value starts at column 14; "?" is
	// its 17th character.
	if fes[0].Line != 22 || fes[0].Col != 14+16 || fes[0].Path != "spec.selector" {
		t.Errorf("got %d:%d %s: %v; want 22:30 spec.selector", fes[0].Line, fes[0].Col, fes[0].Path, fes[0].Err)
	}
	if !strings.Contains(fes[0].Err.Error(), "at column 17 of the selector") {
		t.Errorf("message %q does not give the selector column", fes[0].Err)
	}
}
