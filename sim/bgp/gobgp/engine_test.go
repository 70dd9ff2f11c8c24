package gobgp

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/topology"
)

func TestMeshRoutes(t *testing.T) {
	p := planOf(t, "mesh-3.yaml", meshYAML(3))
	r := run(t, New(), p, bgp.Options{})
	if got := r.EstablishedSessions(); got != 3 {
		t.Fatalf("established sessions = %d, want 3: %+v", got, r.Sessions)
	}
	if !r.Converged {
		t.Errorf("not converged")
	}
	for sp := range p.Speakers {
		routes := r.Routes(sp)
		if len(routes) != 3 {
			t.Fatalf("%s: %d routes, want 3: %+v", p.Speakers[sp].Name, len(routes), routes)
		}
		for _, rt := range routes {
			origin := rt.Origin
			if origin < 0 || origin >= len(p.Speakers) {
				t.Fatalf("%s %s: origin %d", p.Speakers[sp].Name, rt.Prefix, origin)
			}
			if rt.NextHop != p.Speakers[origin].Addr {
				t.Errorf("%s %s: next hop %s, want the origin's underlay address %s", p.Speakers[sp].Name, rt.Prefix, rt.NextHop, p.Speakers[origin].Addr)
			}
			if origin == sp && rt.From != -1 || origin != sp && rt.From != origin {
				t.Errorf("%s %s: from %d, origin %d", p.Speakers[sp].Name, rt.Prefix, rt.From, origin)
			}
			if rt.EBGP || len(rt.ASPath) != 0 {
				t.Errorf("%s %s: iBGP route with EBGP %v, AS path %v", p.Speakers[sp].Name, rt.Prefix, rt.EBGP, rt.ASPath)
			}
		}
	}
	if r.Updates == 0 {
		t.Errorf("no UPDATE counted")
	}
}

const torYAML = `apiVersion: calisim/v1alpha1
kind: Scenario
metadata: {name: tor}
spec:
  underlay:
    subnets:
      - {name: rack-a, cidr: 10.30.1.0/24}
      - {name: rack-b, cidr: 10.30.2.0/24}
    routers:
      - name: tor
        asNumber: 64400
        default: true
        interfaces:
          - {subnet: rack-a, ip: 10.30.1.1}
          - {subnet: rack-b, ip: 10.30.2.1}
  nodes:
    - {name: "a-{1..2}", subnet: rack-a, labels: {rack: a}}
    - {name: "b-{1..2}", subnet: rack-b, labels: {rack: b}}
---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: default}
spec: {nodeToNodeMeshEnabled: false, asNumber: 63400}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: rack-a}
spec: {nodeSelector: rack == 'a', peerIP: 10.30.1.1, asNumber: 64400}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: rack-b}
spec: {nodeSelector: rack == 'b', peerIP: 10.30.2.1, asNumber: 64400}
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: default-ipv4-ippool}
spec: {cidr: 10.244.0.0/16, blockSize: 26, ipipMode: Never, vxlanMode: Never}
`

// The ToR learns every block over eBGP with the node's underlay address as
// next hop (a local route keeps its explicit next hop), and the nodes drop
// what it re-advertises (their own AS is in the path).
func TestTorEBGP(t *testing.T) {
	p := planOf(t, "tor.yaml", torYAML)
	r := run(t, New(), p, bgp.Options{})
	if got := r.EstablishedSessions(); got != 4 {
		t.Fatalf("established = %d, want 4: %+v", got, r.Sessions)
	}
	tor := len(p.Speakers) - 1
	if p.Speakers[tor].Kind != bgp.SpeakerRouter {
		t.Fatalf("last speaker is %s", p.Speakers[tor].Ref())
	}
	routes := r.Routes(tor)
	if len(routes) != 4 {
		t.Fatalf("tor: %d routes, want 4: %+v", len(routes), routes)
	}
	for _, rt := range routes {
		if !rt.EBGP || rt.NextHop != p.Speakers[rt.Origin].Addr || len(rt.ASPath) != 1 || rt.ASPath[0] != 63400 {
			t.Errorf("tor %s: %+v", rt.Prefix, rt)
		}
	}
	for sp := 0; sp < 4; sp++ {
		if n := len(r.Routes(sp)); n != 1 {
			t.Errorf("%s: %d routes, want only its own: %+v", p.Speakers[sp].Name, n, r.Routes(sp))
		}
	}
}

func TestTooManySpeakers(t *testing.T) {
	p := planOf(t, "mesh-250.yaml", meshYAML(250))
	_, err := New().Run(context.Background(), p, bgp.Options{})
	want := "gobgp engine: 250 BGP speakers; at most 200 (use --engine model)"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestUnsupportedFailure(t *testing.T) {
	p := planOf(t, "mesh-3.yaml", meshYAML(3))
	pos := topology.Pos{File: "x.yaml", Line: 12, Path: "spec.failures[0]"}
	_, err := New().Run(context.Background(), p, bgp.Options{Failures: []topology.Failure{
		{At: time.Second, Action: topology.FailDown, Target: topology.FailureTarget{Kind: "subnet", Name: "lan"}, Pos: pos},
	}})
	var fe *topology.FieldError
	if !errors.As(err, &fe) || fe.Line != 12 || fe.Path != "spec.failures[0]" || !strings.Contains(err.Error(), "not supported by the gobgp engine") {
		t.Fatalf("err = %v, want a FieldError at x.yaml:12 spec.failures[0] saying it is not supported", err)
	}
}

func TestNoPlan(t *testing.T) {
	if _, err := New().Run(context.Background(), nil, bgp.Options{}); err == nil {
		t.Fatal("no error for a nil plan")
	}
}

func TestAddrPlanOrder(t *testing.T) {
	p := planOf(t, "tor.yaml", torYAML)
	a := newAddrPlan(layoutOf(p), 1)
	// Loopback addresses follow underlay addresses: the router's
	// 10.30.1.1 comes before a-1 (10.30.1.2).
	prev := netip.Addr{}
	for rank := 1; rank <= len(a.ends); rank++ {
		loop := netip.AddrFrom4([4]byte{127, 1, byte(rank >> 8), byte(rank)})
		e, ok := a.byLoop[loop]
		if !ok {
			t.Fatalf("no endpoint at %s", loop)
		}
		if prev.IsValid() && !prev.Less(a.ends[e].addr) {
			t.Errorf("%s stands for %s, after %s", loop, a.ends[e].addr, prev)
		}
		prev = a.ends[e].addr
		sp, under := a.underlay(loop)
		if sp != a.ends[e].speaker || under != a.ends[e].addr {
			t.Errorf("underlay(%s) = %d %s", loop, sp, under)
		}
	}
	if len(a.ends) != 6 { // 4 nodes, the router on two interfaces
		t.Errorf("%d endpoints, want 6", len(a.ends))
	}
}

// A reflector prefers a client's route heard directly to the copy another
// reflector reflects to it (BIRD: same ORIGINATOR_ID, shorter CLUSTER_LIST;
// GoBGP alone would take the copy from the lower router ID, rr-2's).
func TestReflectorPrefersDirect(t *testing.T) {
	p := planOf(t, "rr.yaml", rrYAML)
	r := run(t, New(), p, bgp.Options{})
	for sp := range p.Speakers {
		if !p.Speakers[sp].Reflector() {
			continue
		}
		for _, rt := range r.Routes(sp) {
			if rt.Local() {
				continue
			}
			if p.Speakers[rt.Origin].Reflector() {
				continue // another reflector's own block: learned from it
			}
			if rt.From != rt.Origin {
				t.Errorf("%s %s: learned from %s, want %s directly", p.Speakers[sp].Name, rt.Prefix, p.Speakers[rt.From].Name, p.Speakers[rt.Origin].Name)
			}
		}
	}
}
