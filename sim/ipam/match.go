package ipam

import (
	"github.com/calisim/calisim/sim/selector"
)

// matcher says whether a pool's nodeSelector selects a node's labels.
type matcher func(labels map[string]string) bool

func matchAll(map[string]string) bool { return true }

// compileNodeSelector parses a pool's nodeSelector, a Calico selector over
// node labels ("" means all()).
func compileNodeSelector(expr string) (matcher, error) {
	sel, err := selector.Parse(expr)
	if err != nil {
		return nil, err
	}
	if sel.IsAll() {
		return matchAll, nil
	}
	return func(labels map[string]string) bool { return sel.Matches(selector.Map(labels)) }, nil
}
