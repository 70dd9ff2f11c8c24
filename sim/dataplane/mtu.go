package dataplane

import (
	"fmt"

	"github.com/calisim/calisim/sim/topology"
)

// MTUSource says where a pod MTU came from.
type MTUSource uint8

const (
	// MTUAuto: computed as Felix does, host MTU minus the largest overhead.
	MTUAuto MTUSource = iota
	// MTUVeth: calico-config veth_mtu or the Installation's calicoNetwork.mtu.
	MTUVeth
	// MTUFelix: FelixConfiguration ipipMTU or vxlanMTU.
	MTUFelix
)

var mtuSourceNames = [...]string{"auto", "veth_mtu", "felix"}

func (s MTUSource) String() string {
	if int(s) < len(mtuSourceNames) {
		return mtuSourceNames[s]
	}
	return fmt.Sprintf("mtusource(%d)", s)
}

// MarshalText makes MTUSource print as its name in JSON and YAML.
func (s MTUSource) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// DefaultMTU is the link MTU when neither the subnet nor the underlay sets one.
const DefaultMTU = 1500

// mtus is a node's MTU picture (see NodeInfo for the meaning of each).
type mtus struct {
	Host, Pod   int
	Source      MTUSource
	IPIP, VXLAN int
	Overhead    int
	Path        int
	Mismatch    bool
	Exceeding   string
}

// EncapsInUse reports which encapsulations any enabled pool uses: Felix
// creates the tunnel device and counts its overhead on every node then.
func EncapsInUse(pools []topology.IPPool) (ipip, vxlan bool) {
	for i := range pools {
		p := &pools[i]
		if p.Disabled {
			continue
		}
		switch p.Encap() {
		case topology.EncapIPIP:
			ipip = true
		case topology.EncapVXLAN:
			vxlan = true
		}
	}
	return ipip, vxlan
}

// PodMTU is Felix's pod MTU on a node whose link MTU is host (see
// computeMTU), for callers that program pods themselves (calisim verify).
func PodMTU(host int, pools []topology.IPPool, f topology.FelixConfig) int {
	ipip, vxlan := EncapsInUse(pools)
	return computeMTU(host, host, ipip, vxlan, f).Pod
}

// computeMTU applies Felix's MTU rules to one node. host is its link MTU,
// path the smallest link MTU on its paths (path >= host is clamped to host).
//
//   - tunl0 = FelixConfiguration ipipMTU, else host - 20; vxlan.calico =
//     vxlanMTU, else host - 50;
//   - pod MTU = veth_mtu (calico-config or Installation) when set; else the
//     smallest MTU of the tunnel devices in use (each configured or
//     computed), which is host minus the largest overhead when nothing is
//     configured; else (native only) host;
//   - mismatch: the pod MTU plus the largest overhead in use, or a tunnel
//     MTU plus its overhead, is more than the smallest link on the node's
//     paths carries: a full-size packet is dropped with DF set.
func computeMTU(host, path int, ipip, vxlan bool, f topology.FelixConfig) mtus {
	if path <= 0 || path > host {
		path = host
	}
	m := mtus{Host: host, Pod: host, Path: path}
	type tun struct {
		on       bool
		mtu      *int
		set      int
		overhead int
		name     string
	}
	tuns := [...]tun{
		{ipip, &m.IPIP, f.IPIPMTU, topology.EncapIPIP.Overhead(), "ipipMTU"},
		{vxlan, &m.VXLAN, f.VXLANMTU, topology.EncapVXLAN.Overhead(), "vxlanMTU"},
	}
	first := true
	for _, t := range tuns {
		if !t.on {
			continue
		}
		*t.mtu = host - t.overhead
		src := MTUAuto
		if t.set > 0 {
			*t.mtu, src = t.set, MTUFelix
		}
		m.Overhead = max(m.Overhead, t.overhead)
		if first || *t.mtu < m.Pod {
			m.Pod, m.Source = *t.mtu, src
			first = false
		}
		if *t.mtu+t.overhead > path && m.Exceeding == "" {
			m.Mismatch = true
			m.Exceeding = fmt.Sprintf("%s %d + %d overhead > path MTU %d", t.name, *t.mtu, t.overhead, path)
		}
	}
	if f.VethMTU > 0 {
		m.Pod, m.Source = f.VethMTU, MTUVeth
	}
	if m.Pod+m.Overhead > path {
		m.Mismatch = true
		m.Exceeding = fmt.Sprintf("pod MTU %d (%s) + %d overhead > path MTU %d", m.Pod, m.Source, m.Overhead, path)
	}
	return m
}
