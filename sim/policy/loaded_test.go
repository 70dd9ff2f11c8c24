package policy

import (
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// TestLoadedPolicies runs manifests through topology's loader, so that the
// contract between the loader's model and the engine is tested too.
func TestLoadedPolicies(t *testing.T) {
	const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: blue}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  serviceAccountName: web-sa
  containers:
    - name: c
      image: nginx
      ports: [{name: http, containerPort: 8080, protocol: TCP}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec:
  containers: [{name: c, image: busybox}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: numbers-and-icmp}
spec:
  order: 10
  selector: app == 'web'
  types: [Ingress]
  ingress:
    - action: Allow
      protocol: 1
      icmp: {type: 8}
    - action: Deny
      protocol: UDP
    - action: Allow
      protocol: TCP
      source:
        serviceAccounts: {names: [nobody]}
    - action: Allow
      protocol: TCP
      http: {methods: [GET]}
      destination:
        ports: [http]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {matchLabels: {team: blue}}, podSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}}]
      ports: [{port: 8000, endPort: 8100}]
`
	sc, err := topology.LoadBytes("manifests.yaml", []byte(manifests))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(sc, podAddrs(t, sc))
	if err != nil {
		t.Fatal(err)
	}
	var web, client Endpoint
	for i, p := range sc.Pods {
		switch p.Name {
		case "web":
			web = e.Pod(i)
		case "client":
			client = e.Pod(i)
		}
	}
	for _, c := range []struct {
		port      topology.Port
		allowed   bool
		decidedBy string
	}{
		{topology.Port{Proto: topology.ProtoICMP}, false, DecidedImplicitDeny}, // the client's egress allows TCP 8000-8100 only
		{tcpPort(8080), true, "numbers-and-icmp"},                              // named port http; the HTTP clause is not modelled
		{tcpPort(8100), false, DecidedImplicitDeny},                            // out through the egress range, but web only opens its named port
		{tcpPort(8101), false, DecidedImplicitDeny},
		{udpPort(8080), false, DecidedImplicitDeny},
	} {
		v := e.Verdict(client, web, c.port)
		if v.Allowed != c.allowed || v.DecidedBy != c.decidedBy {
			t.Errorf("client -> web %v: %t by %q, want %t by %q", c.port, v.Allowed, v.DecidedBy, c.allowed, c.decidedBy)
		}
	}
	if v := e.Verdict(AddrEndpoint(client.Addr.Next().Next().Next()), web, topology.Port{Proto: topology.ProtoICMP}); !v.Allowed || v.DecidedBy != "numbers-and-icmp" {
		t.Errorf("ping from outside: %+v, want allowed by numbers-and-icmp rule 0", v)
	}
	if v := e.Verdict(AddrEndpoint(client.Addr.Next().Next().Next()), web, udpPort(53)); v.Allowed || v.Ingress.Rule != 1 {
		t.Errorf("udp from outside: %+v, want denied by rule 1", v)
	}
	var msgs []string
	for _, w := range e.Warnings() {
		msgs = append(msgs, w.String())
	}
	if !strings.Contains(strings.Join(msgs, "\n"), "http matches are not modelled") {
		t.Errorf("no warning about the http match: %v", msgs)
	}
}
