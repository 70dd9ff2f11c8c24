package bgp

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/calisim/calisim/sim/topology"
)

// Engine runs a Plan: it brings the sessions up, propagates the routes and
// reports where everything settled.
type Engine interface {
	Name() string
	Run(ctx context.Context, p *Plan, opts Options) (*Result, error)
}

// Options steer a run.
type Options struct {
	// Seed drives every random choice (delays, jitter): same plan and seed,
	// same result, byte for byte.
	Seed uint64
	// Until, when set, stops the run at that virtual time and reports the
	// state there; zero runs until quiet after the last failure.
	Until time.Duration
	// Failures are the what-ifs to inject (the scenario's, usually).
	Failures []topology.Failure
}

// State is a session's BGP finite-state-machine state, as far as the model
// tells them apart. The zero value is StateIdle.
type State uint8

const (
	StateIdle        State = iota // not trying: an end is down or the session is disabled
	StateConnect                  // trying to open TCP/179 (BIRD's Connect/Active)
	StateOpenSent                 // TCP is up, OPENs are being exchanged
	StateEstablished              // routes flow
)

var stateNames = [...]string{"Idle", "Connect", "OpenSent", "Established"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", s)
}

// MarshalText prints the state's name.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// SessionState is where one session stands at the end of a run.
type SessionState struct {
	State  State
	Since  time.Duration // virtual time of the last state change
	Reason string        // why it is not Established ("" when it is)
}

// Event is one state change in the timeline, in virtual time.
type Event struct {
	At     time.Duration
	What   string // session-established, session-down, failure, withdrawn, converged, ...
	Detail string
}

// Route is one best route of a speaker.
type Route struct {
	Prefix  netip.Prefix
	NextHop netip.Addr
	ASPath  []uint32
	Origin  int // the speaker that originated the prefix
	From    int // the speaker it was learned from; -1: originated here
	EBGP    bool
	// LocalPref is the route's LOCAL_PREF (100 unless a policy says else).
	LocalPref uint32
	// OriginatorID and ClusterList are set on reflected routes (RFC 4456).
	OriginatorID netip.Addr
	ClusterList  []string
	Reason       string // why this route is the best one
}

// Local reports whether the speaker originated the route itself.
func (r *Route) Local() bool { return r.From < 0 }
