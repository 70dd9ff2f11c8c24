package verify

import (
	"fmt"
	"path/filepath"

	"github.com/calisim/calisim/sim/topology"
	"github.com/calisim/calisim/sim/verify/internal/birdcfg"
)

// runsBird reports whether calico-node runs BIRD in this scenario.
func runsBird(sc *topology.Scenario) bool {
	return (sc.Calico.Backend == topology.BackendBird || sc.Calico.Backend == "") && sc.Calico.BGPEnabled
}

// planBird writes a BIRD configuration per node (as confd would) and per
// router with an AS number that some node peers with.
func (l *Lab) planBird(in *Input, g *topology.Graph) error {
	sc := in.Scenario
	if !runsBird(sc) {
		l.Notes = append(l.Notes, fmt.Sprintf("calico backend %q: no BIRD runs", sc.Calico.Backend))
		return nil
	}
	peers, err := bgpPeers(sc)
	if err != nil {
		return err
	}
	pools := make([]birdcfg.Pool, 0, len(sc.Resources.IPPools))
	for _, p := range sc.Resources.IPPools {
		bp := birdcfg.Pool{CIDR: p.CIDR.Masked(), DisableBGPExport: p.DisableBGPExport}
		switch {
		case p.VXLANMode.Enabled():
			bp.Encap = birdcfg.VXLAN
		case p.IPIPMode == topology.EncapCrossSubnet:
			bp.Encap = birdcfg.IPIPCrossSubnet
		case p.IPIPMode == topology.EncapAlways:
			bp.Encap = birdcfg.IPIPAlways
		}
		pools = append(pools, bp)
	}
	for i := range sc.Nodes {
		if l.PodMTU[i] == 0 { // not wired
			continue
		}
		n := &sc.Nodes[i]
		dir := filepath.Join(l.Dir, fmt.Sprintf("n-%d", i))
		cfg := birdcfg.Node{
			Name: n.Name, Addr: n.Addr, Network: n.Prefix, AS: nodeAS(sc, i),
			ClusterID: n.RouteReflectorClusterID, ListenPort: sc.Resources.BGP.ListenPort,
			Blocks: in.Alloc.NodeBlocks(i), Pools: pools, Peers: peers[i], Dir: dir,
		}
		l.Birds = append(l.Birds, Bird{Netns: l.Names.Node(i), Owner: "node/" + n.Name, Dir: dir,
			Files: cfg.Files(), Node: i, Router: -1})
	}
	for r, rps := range routerPeers(sc, g, peers) {
		if len(rps) == 0 {
			continue
		}
		rt := &sc.Underlay.Routers[r]
		cfg := birdcfg.Router{Name: rt.Name, AS: rt.ASNumber, Peers: rps}
		for _, in := range rt.Interfaces {
			if in.Addr.IsValid() {
				cfg.RouterID = in.Addr
				break
			}
		}
		dir := filepath.Join(l.Dir, fmt.Sprintf("r-%d", r))
		l.Birds = append(l.Birds, Bird{Netns: l.Names.Router(r), Owner: "router/" + rt.Name, Dir: dir,
			Files: []birdcfg.File{{Name: birdcfg.Main, Data: cfg.Config()}}, Node: -1, Router: r})
	}
	return nil
}
