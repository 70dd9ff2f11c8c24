package ipam

import (
	"fmt"
	"strings"
)

// matcher says whether a pool's nodeSelector selects a node's labels.
type matcher func(labels map[string]string) bool

func matchAll(map[string]string) bool { return true }

// compileNodeSelector parses a pool's nodeSelector ("" means all()).
//
// TEMPORARY until sim/selector lands: only all() is understood.
func compileNodeSelector(expr string) (matcher, error) {
	if e := strings.TrimSpace(expr); e == "" || e == "all()" {
		return matchAll, nil
	}
	return nil, fmt.Errorf("nodeSelector %q: selectors other than all() need sim/selector, not built yet", expr)
}
