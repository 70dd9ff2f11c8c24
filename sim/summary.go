package sim

import (
	"fmt"
	"io"
	"strings"

	"github.com/calisim/calisim/sim/topology"
)

// Summary is what `calisim validate` says about a loaded scenario.
type Summary struct {
	Name        string   `json:"name"`
	Files       []string `json:"files"`
	Cloud       string   `json:"cloud"`
	Subnets     int      `json:"subnets"`
	Routers     int      `json:"routers"`
	Nodes       int      `json:"nodes"`
	Reflectors  int      `json:"reflectors"`
	Namespaces  int      `json:"namespaces"`
	Workloads   int      `json:"workloads"`
	Pods        int      `json:"pods"`
	Pools       []string `json:"pools"`
	Resources   []string `json:"resources"` // "3 GlobalNetworkPolicy", ...
	Flows       int      `json:"flows"`
	Failures    int      `json:"failures"`
	Expect      int      `json:"expectations"`
	Warnings    []string `json:"warnings,omitempty"`
	NotModelled []string `json:"notModelled,omitempty"`
}

// Summarize counts what a scenario holds.
func Summarize(sc *topology.Scenario) Summary {
	s := Summary{
		Name: sc.Name, Files: sc.Files, Cloud: string(sc.Cloud),
		Subnets: len(sc.Underlay.Subnets), Routers: len(sc.Underlay.Routers), Nodes: len(sc.Nodes),
		Namespaces: len(sc.Namespaces), Workloads: len(sc.Workloads), Pods: len(sc.Pods),
		Flows: len(sc.Flows), Failures: len(sc.Failures),
	}
	for i := range sc.Nodes {
		if sc.Nodes[i].IsReflector() {
			s.Reflectors++
		}
	}
	for _, p := range sc.Resources.IPPools {
		mode := "native"
		if e := p.Encap(); e != topology.EncapNone {
			mode = fmt.Sprintf("%s %s", e, p.EncapMode())
		}
		extra := ""
		if p.Default {
			extra = ", Calico's default"
		}
		if p.Disabled {
			extra += ", disabled"
		}
		s.Pools = append(s.Pools, fmt.Sprintf("%s %s /%d %s%s", p.Name, p.CIDR, p.BlockSize, mode, extra))
	}
	r := sc.Resources
	for _, c := range []struct {
		n    int
		kind string
	}{
		{len(r.BGPPeers), "BGPPeer"}, {len(r.Tiers), "Tier"},
		{len(r.GlobalNetworkPolicies), "GlobalNetworkPolicy"}, {len(r.NetworkPolicies), "NetworkPolicy (Calico)"},
		{len(r.KubeNetworkPolicies), "NetworkPolicy (Kubernetes)"}, {len(r.GlobalNetworkSets), "GlobalNetworkSet"},
		{len(r.NetworkSets), "NetworkSet"}, {len(r.Profiles), "Profile"},
	} {
		if c.n > 0 {
			s.Resources = append(s.Resources, fmt.Sprintf("%d %s", c.n, c.kind))
		}
	}
	e := sc.Expect
	s.Expect = len(e.Flows) + len(e.Nodes)
	for _, set := range []bool{e.BGP != nil, e.IPAM != nil, e.Findings != nil} {
		if set {
			s.Expect++
		}
	}
	for _, w := range sc.Warnings {
		s.Warnings = append(s.Warnings, w.String())
	}
	for _, w := range sc.NotModelled {
		s.NotModelled = append(s.NotModelled, w.String())
	}
	return s
}

// Write prints the summary on one screen.
func (s Summary) Write(w io.Writer) error {
	ew := &lineWriter{w: w}
	ew.printf("%s: scenario %q is valid\n", strings.Join(s.Files, ", "), s.Name)
	ew.printf("  cloud %s; %d subnets, %d routers, %d nodes (%d route reflectors)\n", s.Cloud, s.Subnets, s.Routers, s.Nodes, s.Reflectors)
	ew.printf("  %d namespaces, %d workloads, %d pods\n", s.Namespaces, s.Workloads, s.Pods)
	for _, p := range s.Pools {
		ew.printf("  IPPool %s\n", p)
	}
	if len(s.Resources) > 0 {
		ew.printf("  resources: %s\n", strings.Join(s.Resources, ", "))
	}
	ew.printf("  %d flows, %d failures, %d expectations\n", s.Flows, s.Failures, s.Expect)
	for _, w := range s.Warnings {
		ew.printf("  warning: %s\n", w)
	}
	if len(s.NotModelled) > 0 {
		ew.printf("  accepted but not modelled:\n")
		for _, w := range s.NotModelled {
			ew.printf("    %s\n", w)
		}
	}
	return ew.err
}

type lineWriter struct {
	w   io.Writer
	err error
}

func (l *lineWriter) printf(format string, args ...any) {
	if l.err == nil {
		_, l.err = fmt.Fprintf(l.w, format, args...)
	}
}
