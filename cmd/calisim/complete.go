package main

import (
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

// completeNodes completes --node with the node names of the scenario given
// as the first argument (calisim completion bash|zsh|fish installs it).
func completeNodes(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	sc, err := topology.Load(args[0])
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	names := make([]string, 0, len(sc.Nodes))
	for _, n := range sc.Nodes {
		names = append(names, n.Name)
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// completeRefs completes --from and --to with the scenario's endpoint
// references: ns/workload, ns/pod, node/NAME, router/NAME, external/NAME.
func completeRefs(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	sc, err := topology.Load(args[0])
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var refs []string
	for _, w := range sc.Workloads {
		refs = append(refs, w.Namespace+"/"+w.Name)
	}
	for _, p := range sc.Pods {
		refs = append(refs, p.Namespace+"/"+p.Name)
	}
	for _, n := range sc.Nodes {
		refs = append(refs, "node/"+n.Name)
	}
	for _, r := range sc.Underlay.Routers {
		refs = append(refs, "router/"+r.Name)
	}
	for _, e := range sc.Externals {
		refs = append(refs, "external/"+e.Name)
	}
	return refs, cobra.ShellCompDirectiveNoFileComp
}

// completeWords completes a flag from a fixed list.
func completeWords(words ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	}
}
