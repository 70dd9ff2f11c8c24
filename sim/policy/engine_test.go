package policy

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name     string
		world    func() *world
		wantLine int
		wantPath string
		wantMsg  string
	}{
		{
			name: "policy selector does not parse",
			world: func() *world {
				return newWorld("a").pod("a/x").gnp(topology.Policy{Name: "bad", Selector: "app == "})
			},
			wantLine: 10, wantPath: "spec.selector", wantMsg: "at column",
		},
		{
			name: "rule selector does not parse",
			world: func() *world {
				return newWorld("a").pod("a/x").np(topology.Policy{Name: "bad", Namespace: "a",
					Ingress: []topology.Rule{{Action: "Allow"}, {Action: "Allow", Source: topology.EntityRule{Selector: "has(x"}}}})
			},
			wantLine: 100, wantPath: "spec.ingress[1].source.selector", wantMsg: "does not parse",
		},
		{
			name: "unknown action",
			world: func() *world {
				return newWorld("a").gnp(topology.Policy{Name: "bad", Egress: []topology.Rule{{Action: "allow"}}})
			},
			wantLine: 10, wantPath: "spec.egress[0].action", wantMsg: "not Allow",
		},
		{
			name: "ports without a port protocol",
			world: func() *world {
				return newWorld("a").gnp(topology.Policy{Name: "bad", Ingress: []topology.Rule{{Action: "Allow", Protocol: icmp, Destination: topology.EntityRule{Ports: ports(80)}}}})
			},
			wantLine: 10, wantPath: "spec.ingress[0].protocol", wantMsg: "TCP, UDP or SCTP",
		},
		{
			name: "tier that does not exist",
			world: func() *world {
				return newWorld("a").gnp(topology.Policy{Name: "x.bad", Tier: "x"})
			},
			wantLine: 10, wantPath: "spec.tier", wantMsg: `tier "x" does not exist`,
		},
		{
			name: "kubernetes operator",
			world: func() *world {
				return newWorld("a").knp(topology.KubeNetworkPolicy{Name: "bad", Namespace: "a",
					PodSelector: topology.LabelSelector{MatchExpressions: []topology.LabelRequirement{{Key: "a", Operator: "Equals"}}}})
			},
			wantLine: 200, wantPath: "spec.podSelector.matchExpressions[0].operator", wantMsg: "Equals",
		},
		{
			name: "kubernetes endPort below port",
			world: func() *world {
				return newWorld("a").knp(topology.KubeNetworkPolicy{Name: "bad", Namespace: "a",
					Ingress: []topology.KubeRule{{Ports: []topology.KubePort{{Port: &topology.PortRange{Min: 90, Max: 90}, EndPort: 80}}}}})
			},
			wantLine: 200, wantPath: "spec.ingress[0].ports[0].endPort", wantMsg: "below port",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.world()
			_, err := New(&w.sc, w.addrs)
			if err == nil {
				t.Fatal("New: no error")
			}
			var fe *topology.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FieldError", err)
			}
			if fe.Line != tc.wantLine || fe.Path != tc.wantPath || !strings.Contains(fe.Error(), tc.wantMsg) {
				t.Errorf("error %q (line %d, path %q), want line %d path %q containing %q", fe, fe.Line, fe.Path, tc.wantLine, tc.wantPath, tc.wantMsg)
			}
		})
	}
}

func TestNewErrorsAreAllReported(t *testing.T) {
	w := newWorld("a").
		gnp(topology.Policy{Name: "bad1", Selector: "(("}).
		gnp(topology.Policy{Name: "bad2", Ingress: []topology.Rule{{Action: "Nope"}}})
	_, err := New(&w.sc, w.addrs)
	if err == nil || !strings.Contains(err.Error(), "test.yaml:10") || !strings.Contains(err.Error(), "test.yaml:11") {
		t.Fatalf("want both errors, sorted by line; got %v", err)
	}
	if strings.Index(err.Error(), "test.yaml:10") > strings.Index(err.Error(), "test.yaml:11") {
		t.Errorf("errors not sorted by line: %v", err)
	}
}

func TestNewAddressCount(t *testing.T) {
	w := newWorld("a").pod("a/x").pod("a/y")
	if _, err := New(&w.sc, w.addrs[:1]); err == nil {
		t.Error("New with 1 address for 2 pods: no error")
	}
	if _, err := New(&w.sc, nil); err != nil {
		t.Errorf("New without addresses: %v", err)
	}
}

func TestWarnings(t *testing.T) {
	w := newWorld("a").pod("a/x", "app", "x").pod("a/y").
		gnp(topology.Policy{Name: "dnt", DoNotTrack: true, Selector: "all()", Ingress: []topology.Rule{{Action: "Deny"}}}).
		gnp(topology.Policy{Name: "pre", PreDNAT: true, Selector: "all()", Ingress: []topology.Rule{{Action: "Deny"}}}).
		gnp(topology.Policy{Name: "l7", Selector: "app == 'x'", Ingress: []topology.Rule{
			{Action: "Deny", Destination: topology.EntityRule{Services: true}},
			{Action: "Allow", HTTP: true},
			{Action: "Allow", HTTP: true},
			{Action: "Deny", Protocol: tcp, Source: topology.EntityRule{Ports: ports(1234)}},
		}})
	e := w.engine(t)
	var msgs []string
	for _, wn := range e.Warnings() {
		msgs = append(msgs, wn.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"doNotTrack", "preDNAT", "http matches", "services matches", "source ports are"} {
		if strings.Count(all, want) != 1 {
			t.Errorf("warning %q listed %d times, want once:\n%s", want, strings.Count(all, want), all)
		}
	}
	// doNotTrack and preDNAT are skipped; the services rule never matches;
	// the http rule's L4 part allows.
	v := e.Verdict(w.find(t, e, "a/y"), w.find(t, e, "a/x"), tcpPort(80))
	if !v.Allowed || v.DecidedBy != "l7" || v.Ingress.Rule != 1 {
		t.Errorf("verdict %+v, want allowed by l7 rule 1", v)
	}
}

func TestEndpointFor(t *testing.T) {
	w := newWorld("a").pod("a/x").pod("a/y")
	e := w.engine(t)
	if ep := e.EndpointFor(netip.MustParseAddr("10.0.0.2")); ep.Pod != 1 {
		t.Errorf("EndpointFor(10.0.0.2) = %+v, want pod 1", ep)
	}
	if ep := e.EndpointFor(netip.MustParseAddr("8.8.8.8")); ep.Pod != -1 {
		t.Errorf("EndpointFor(8.8.8.8) = %+v, want no pod", ep)
	}
}

func TestVerdictBadPodIndex(t *testing.T) {
	w := newWorld("a").pod("a/x", "app", "x").gnp(topology.Policy{Name: "x", Selector: "app == 'x'", Ingress: []topology.Rule{{Action: "Allow", Source: topology.EntityRule{Selector: "all()"}}}})
	e := w.engine(t)
	bad := Endpoint{Pod: 7, Addr: netip.MustParseAddr("192.0.2.1")}
	v := e.Verdict(bad, e.Pod(0), tcpPort(80))
	if v.Allowed || v.DecidedBy != DecidedImplicitDeny {
		t.Errorf("an out-of-range pod index is judged as its address: %+v", v)
	}
	e.Explain(e.Pod(0), Endpoint{Pod: -5}, tcpPort(80))
}
