package policy

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/calisim/calisim/sim/topology"
)

// Explanation is how a verdict came about: for each direction, every policy
// considered in order, whether it applied, the rule that matched and what
// that did.
type Explanation struct {
	From    string        `json:"from"` // namespace/pod, host/ADDR or the address
	To      string        `json:"to"`
	Port    topology.Port `json:"port"`
	Verdict Verdict       `json:"verdict"`
	Egress  Trace         `json:"egress"`
	Ingress Trace         `json:"ingress"`
}

// Trace is one direction's walk through tiers, policies and profiles.
type Trace struct {
	Direction Direction `json:"direction"`
	// Subject is the endpoint judged (the source for egress, the destination
	// for ingress); Judged is false when it is not a workload.
	Subject  string   `json:"subject"`
	Judged   bool     `json:"judged"`
	Steps    []Step   `json:"steps"`
	Decision Decision `json:"decision"`
}

// Step is one policy or profile considered.
type Step struct {
	Tier    string `json:"tier,omitempty"` // "" for profiles
	Policy  string `json:"policy"`         // e.g. "GlobalNetworkPolicy default-deny", "Profile kns.shop"
	Name    string `json:"name"`           // as DecidedBy would name it
	Applied bool   `json:"applied"`        // the policy selects the subject for this direction
	// Rule is the index (as written) of the first matching Allow, Deny or
	// Pass rule; -1 when none matched.
	Rule     int          `json:"rule"`
	RuleText string       `json:"ruleText,omitempty"`
	Logged   []int        `json:"logged,omitempty"` // Log rules that matched before it
	Result   string       `json:"result"`           // allow, deny, pass, no-match, not-applied
	Pos      topology.Pos `json:"pos"`
}

// Explain judges the flow like Verdict and records every step.
func (e *Engine) Explain(src, dst Endpoint, port topology.Port) Explanation {
	src, dst = e.norm(src), e.norm(dst)
	x := Explanation{From: e.name(src), To: e.name(dst), Port: port, Verdict: e.Verdict(src, dst, port)}
	for _, d := range []Direction{Egress, Ingress} {
		tr := Trace{Direction: d, Subject: e.name(subject(d, src, dst))}
		var steps []step
		if e.loopback(src, dst) {
			tr.Decision = x.Verdict.Egress
		} else {
			tr.Decision = e.judge(d, src, dst, port, &steps)
		}
		tr.Judged = tr.Decision.Reason != ReasonNotWorkload && tr.Decision.Reason != ReasonLoopback
		for _, st := range steps {
			tr.Steps = append(tr.Steps, e.explainStep(d, st))
		}
		if d == Egress {
			x.Egress = tr
		} else {
			x.Ingress = tr
		}
	}
	return x
}

func (e *Engine) explainStep(d Direction, st step) Step {
	p := st.pol
	s := Step{Tier: p.tier, Policy: p.display, Name: p.decidedBy, Applied: st.applied, Rule: -1, Pos: p.pos, Result: "not-applied"}
	if p.profile {
		s.Tier = ""
	}
	for _, li := range st.logged {
		s.Logged = append(s.Logged, p.rules[d][li].index)
	}
	if !st.applied {
		return s
	}
	s.Result = "no-match"
	if st.rule >= 0 {
		r := &p.rules[d][st.rule]
		s.Rule, s.RuleText, s.Pos = r.index, r.text, r.pos
		s.Result = strings.ToLower(r.act.String())
	}
	return s
}

// name is how explanations print an endpoint.
func (e *Engine) name(ep Endpoint) string {
	switch {
	case ep.Pod >= 0 && ep.Pod < len(e.sc.Pods):
		p := &e.sc.Pods[ep.Pod]
		return p.Namespace + "/" + p.Name
	case ep.Host:
		return "host/" + ep.Addr.String()
	}
	return ep.Addr.String()
}

// Format prints the explanation as text.
func (x Explanation) Format(w io.Writer) error {
	bw := bufio.NewWriter(w)
	verdict := "ALLOWED"
	if !x.Verdict.Allowed {
		verdict = "DENIED"
	}
	fmt.Fprintf(bw, "%s -> %s %s: %s", x.From, x.To, portText(x.Port), verdict)
	if x.Verdict.DecidedBy != "" {
		fmt.Fprintf(bw, " (decidedBy %s)", x.Verdict.DecidedBy)
	}
	fmt.Fprintln(bw)
	for _, tr := range []Trace{x.Egress, x.Ingress} {
		fmt.Fprintf(bw, "%s, judged on %s:\n", tr.Direction, tr.Subject)
		if !tr.Judged {
			why := "not a workload endpoint: no policy applies"
			if tr.Decision.Reason == ReasonLoopback {
				why = "a pod talking to itself: policy is not consulted"
			}
			fmt.Fprintf(bw, "  %s -> allowed\n", why)
			continue
		}
		tier := "\x00"
		for _, s := range tr.Steps {
			if s.Tier != tier {
				tier = s.Tier
				if tier == "" {
					fmt.Fprintln(bw, "  profiles")
				} else {
					fmt.Fprintf(bw, "  tier %s\n", tier)
				}
			}
			fmt.Fprintf(bw, "    %s: ", s.Policy)
			switch s.Result {
			case "not-applied":
				fmt.Fprintln(bw, "does not apply")
				continue
			case "no-match":
				fmt.Fprint(bw, "applies, no rule matched")
			default:
				fmt.Fprintf(bw, "rule %d matched (%s) -> %s", s.Rule, s.RuleText, s.Result)
			}
			if len(s.Logged) > 0 {
				fmt.Fprintf(bw, "; logged by rules %v", s.Logged)
			}
			if s.Pos.IsValid() {
				fmt.Fprintf(bw, " [%s]", s.Pos)
			}
			fmt.Fprintln(bw)
		}
		d := tr.Decision
		result := "allowed"
		if !d.Allowed {
			result = "denied"
		}
		switch d.Reason {
		case ReasonImplicitDeny:
			fmt.Fprintf(bw, "  => denied: policies applied in tier %s and none matched (implicit-deny)\n", d.Tier)
		case ReasonProfileDeny:
			fmt.Fprintln(bw, "  => denied: no policy and no profile rule matched (implicit-deny)")
		default:
			fmt.Fprintf(bw, "  => %s by %s rule %d\n", result, d.DecidedBy, d.Rule)
		}
	}
	return bw.Flush()
}

func portText(p topology.Port) string {
	if p.Proto == topology.ProtoICMP {
		return "icmp"
	}
	return fmt.Sprintf("%s/%d", p.Proto, p.Num)
}
