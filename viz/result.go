package viz

import (
	"github.com/calisim/calisim/sim"
)

// resultIndex looks nodes of a sim.Result up by name. A nil *resultIndex
// (no result) answers every question with "unknown".
type resultIndex struct {
	res   *sim.Result
	nodes map[string]*sim.NodeResult
}

func indexResult(res *sim.Result) *resultIndex {
	if res == nil {
		return nil
	}
	ix := &resultIndex{res: res, nodes: make(map[string]*sim.NodeResult, len(res.Nodes))}
	for i := range res.Nodes {
		ix.nodes[res.Nodes[i].Name] = &res.Nodes[i]
	}
	return ix
}

func (ix *resultIndex) node(name string) *sim.NodeResult {
	if ix == nil {
		return nil
	}
	return ix.nodes[name]
}

func (ix *resultIndex) reflector(name string) bool {
	n := ix.node(name)
	return n != nil && n.Reflector
}
