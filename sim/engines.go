package sim

import (
	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/bgp/gobgp"
)

// engines is the registry of BGP engines, built in one place.
func engines() engineRegistry {
	return engineRegistry{
		"model":    bgp.NewModel,
		gobgp.Name: gobgp.New,
	}
}
