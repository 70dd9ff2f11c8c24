package bgp

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// A mesh beyond MaxSessions is refused with a field error before anything
// is allocated: a 100,000-node mesh would be five billion sessions.
func TestMeshBound(t *testing.T) {
	n := maxMeshNodes() + 1
	sc := &topology.Scenario{
		Calico:   topology.Calico{Backend: topology.BackendBird, BGPEnabled: true},
		Underlay: topology.Underlay{Subnets: []topology.Subnet{{Name: "dc", CIDR: netip.MustParsePrefix("10.0.0.0/16"), MTU: 1500}}},
		Resources: topology.Resources{BGP: topology.BGPConfig{NodeToNodeMeshEnabled: true, ASNumber: 64512,
			Pos: topology.Pos{File: "s.yaml", Line: 40, Col: 7}}},
	}
	base := netip.MustParseAddr("10.0.0.1")
	for i := 0; i < n; i++ {
		sc.Nodes = append(sc.Nodes, topology.Node{Name: fmt.Sprintf("n-%d", i), Subnet: "dc", Addr: base,
			Prefix: netip.PrefixFrom(base, 16)})
		base = base.Next()
	}
	_, err := NewPlan(sc, nil, nil)
	var fe *topology.FieldError
	if !errors.As(err, &fe) || fe.Line != 40 || !strings.Contains(err.Error(), "route reflectors") {
		t.Fatalf("NewPlan(%d-node mesh) = %v; want a field error at line 40 naming route reflectors", n, err)
	}
	if int64(n-1)*int64(n-2)/2 > MaxSessions {
		t.Errorf("maxMeshNodes() = %d, but its mesh exceeds MaxSessions", n-1)
	}
}
