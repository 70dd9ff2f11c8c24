package policy

import (
	"fmt"
	"net/netip"

	"github.com/calisim/calisim/sim/topology"
)

// Direction is the side of a flow a policy judges: ingress on the
// destination endpoint, egress on the source endpoint.
type Direction uint8

const (
	Ingress Direction = iota
	Egress
)

func (d Direction) String() string {
	if d == Egress {
		return "egress"
	}
	return "ingress"
}

// MarshalText prints the direction's name.
func (d Direction) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Reason says how a direction was decided.
type Reason uint8

const (
	// ReasonNotWorkload: the endpoint on this side is not a workload (a host,
	// an external address, a hostNetwork pod); no workload policy applies.
	ReasonNotWorkload Reason = iota
	// ReasonRule: a policy rule with action Allow or Deny matched.
	ReasonRule
	// ReasonImplicitDeny: policies applied in a tier and none of their rules
	// matched (or passed): dropped at the end of the tier.
	ReasonImplicitDeny
	// ReasonProfile: no policy decided; a profile rule did (kns.<ns> allows).
	ReasonProfile
	// ReasonProfileDeny: no policy and no profile rule matched: dropped.
	ReasonProfileDeny
	// ReasonLoopback: a pod talking to its own address never leaves the pod.
	ReasonLoopback
)

var reasonNames = [...]string{"not-a-workload", "rule", "implicit-deny", "profile", "profile-no-match", "loopback"}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", r)
}

// MarshalText prints the reason's name.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// DecidedImplicitDeny is the DecidedBy of a packet dropped at the end of a
// tier (or of the profiles) because no rule matched.
const DecidedImplicitDeny = "implicit-deny"

// Endpoint is one end of a flow. Make pod endpoints with Engine.Pod and the
// others with AddrEndpoint or HostEndpoint.
type Endpoint struct {
	Pod  int        // index into Scenario.Pods; -1 when the endpoint is not a pod
	Addr netip.Addr // its address (a pod's comes from the addresses given to New)
	Host bool       // a node's own address: host endpoints are not modelled, so no policy
}

// AddrEndpoint is an address outside the cluster's workloads (an external,
// a router, a literal IP).
func AddrEndpoint(a netip.Addr) Endpoint { return Endpoint{Pod: -1, Addr: a} }

// HostEndpoint is a node's own address.
func HostEndpoint(a netip.Addr) Endpoint { return Endpoint{Pod: -1, Addr: a, Host: true} }

// Decision is the verdict of one direction.
type Decision struct {
	Allowed bool `json:"allowed"`
	// DecidedBy names the policy whose rule decided (metadata.name; a
	// Kubernetes NetworkPolicy as namespace/name), "implicit-deny", or
	// "profile/<name>"; "" when the side is not a workload.
	DecidedBy string `json:"decidedBy,omitempty"`
	Tier      string `json:"tier,omitempty"`
	// Rule is the index of the deciding rule in the policy's (or profile's)
	// ingress or egress list as written (a Kubernetes NetworkPolicy's own
	// rule index); -1 when no rule decided.
	Rule   int          `json:"rule"`
	Reason Reason       `json:"reason"`
	Pos    topology.Pos `json:"pos"` // the deciding rule, when one did
}

// Verdict is what policy does to one flow: egress judged on the source,
// ingress on the destination; both must allow.
type Verdict struct {
	Allowed bool `json:"allowed"`
	// DecidedBy is the denying direction's DecidedBy (egress first) when
	// denied; when allowed, the ingress side's, unless only the egress side
	// was decided by a policy rule.
	DecidedBy string   `json:"decidedBy,omitempty"`
	Egress    Decision `json:"egress"`
	Ingress   Decision `json:"ingress"`
}

func combine(eg, in Decision) Verdict {
	v := Verdict{Allowed: eg.Allowed && in.Allowed, Egress: eg, Ingress: in}
	switch {
	case !eg.Allowed:
		v.DecidedBy = eg.DecidedBy
	case !in.Allowed:
		v.DecidedBy = in.DecidedBy
	case in.Reason == ReasonRule || eg.Reason != ReasonRule && in.DecidedBy != "":
		v.DecidedBy = in.DecidedBy
	default:
		v.DecidedBy = eg.DecidedBy
	}
	return v
}
