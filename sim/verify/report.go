package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Status is a check's verdict.
type Status string

const (
	Agree   Status = "agree"
	Differ  Status = "differ"
	Skipped Status = "skipped"
)

// Check kinds.
const (
	KindRoute      = "route"       // a predicted route line is in the real table
	KindExtraRoute = "extra-route" // a real Calico route the twin did not predict
	KindBGP        = "bgp"         // the node's established sessions
	KindPodMTU     = "pod-mtu"     // the MTU of the node's pods
	KindFlow       = "flow"        // a real packet is delivered or dropped as predicted
	KindPathMTU    = "path-mtu"    // the largest packet that crosses, DF set
)

// Check is one comparison of the prediction with the real build.
type Check struct {
	Kind      string `json:"kind"`
	Subject   string `json:"subject"`
	Predicted string `json:"predicted"`
	Real      string `json:"real"`
	Status    Status `json:"status"`
	Reason    string `json:"reason,omitempty"` // why skipped, or how it was measured
}

// Environment is what this machine can build.
type Environment struct {
	IPIP  string `json:"ipip"`  // "available" or why not
	VXLAN string `json:"vxlan"` // "available" or why not
}

// Timing is where the run's time went.
type Timing struct {
	BuildMillis   int64 `json:"buildMillis"` // namespaces, links, rules, BIRD started
	BGPMillis     int64 `json:"bgpMillis"`   // sessions established and routes settled
	ProbeMillis   int64 `json:"probeMillis"` // tables read, packets sent
	TotalMillis   int64 `json:"totalMillis"` // including teardown
	CleanupMillis int64 `json:"cleanupMillis"`
}

// Report is the outcome of one verify run. Its JSON tags are the contract
// of `calisim verify -o json`.
type Report struct {
	Scenario    string      `json:"scenario"`
	RunID       string      `json:"runID"`
	Environment Environment `json:"environment"`
	Namespaces  int         `json:"namespaces"`
	Birds       int         `json:"birds"`
	Timing      Timing      `json:"timing"`
	Notes       []string    `json:"notes,omitempty"`
	Checks      []Check     `json:"checks"`
	Total       int         `json:"checked"` // agree + differ
	Agree       int         `json:"agree"`
	Differ      int         `json:"differ"`
	Skipped     int         `json:"skipped"`
	// Kept is set when --keep left the build in place; Teardown then says
	// how to remove it.
	Kept     bool   `json:"kept"`
	Teardown string `json:"teardown,omitempty"`
}

func (r *Report) add(c Check) { r.Checks = append(r.Checks, c) }

func (r *Report) count() {
	r.Total, r.Agree, r.Differ, r.Skipped = 0, 0, 0, 0
	for _, c := range r.Checks {
		switch c.Status {
		case Agree:
			r.Agree++
		case Differ:
			r.Differ++
		case Skipped:
			r.Skipped++
		}
	}
	r.Total = r.Agree + r.Differ
}

// Summary is the last line of the text report:
// "N checks, N agree, N differ" and ", N skipped" when any were.
func (r *Report) Summary() string {
	s := fmt.Sprintf("%d checks, %d agree, %d differ", r.Total, r.Agree, r.Differ)
	if r.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", r.Skipped)
	}
	return s
}

// WriteText prints the report for people: the build, one block per check
// (predicted vs real), the summary line last.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "verify %s (run %s): %d namespaces, %d BIRD daemons; built in %s, BGP settled in %s, probed in %s\n",
		r.Scenario, r.RunID, r.Namespaces, r.Birds, millis(r.Timing.BuildMillis), millis(r.Timing.BGPMillis), millis(r.Timing.ProbeMillis))
	fmt.Fprintf(&b, "kernel: ipip %s; vxlan %s\n", r.Environment.IPIP, r.Environment.VXLAN)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	b.WriteByte('\n')
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "%-7s %-11s %s\n", c.Status, c.Kind, c.Subject)
		fmt.Fprintf(&b, "        predicted: %s\n", c.Predicted)
		if c.Status != Skipped || c.Real != "" {
			fmt.Fprintf(&b, "        real:      %s\n", c.Real)
		}
		if c.Reason != "" {
			label := "how:      "
			if c.Status == Skipped {
				label = "skipped:  "
			}
			fmt.Fprintf(&b, "        %s %s\n", label, c.Reason)
		}
	}
	if r.Kept {
		fmt.Fprintf(&b, "\nkept: the build is still in place; remove it with:\n%s", r.Teardown)
	}
	b.WriteByte('\n')
	b.WriteString(r.Summary())
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func millis(ms int64) string { return fmt.Sprintf("%.1fs", float64(ms)/1000) }
