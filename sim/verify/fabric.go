package verify

import (
	"fmt"
	"strings"

	"github.com/calisim/calisim/sim/topology"
)

// planFabric turns the fabric's rules into nftables rules, so the drops the
// twin predicts really happen:
//
//   - a subnet's rules go on its bridge (a `bridge` family table in the
//     subnet's namespace, forward hook: every frame between two ports):
//     srcDstCheck lets a node's port send only from, and receive only to,
//     the node's own address (router ports are the cloud's router and are
//     not checked); blockProtocols drop IP protocol 4 (ipip) or UDP 4789
//     (vxlan); blockBGP drops TCP port 179 either way;
//   - a router's rules go on the router (an `inet` table: forward, input and
//     output hooks), so they also stop BGP to the router itself;
//   - natOutgoing is Calico's SNAT on each node: pod traffic from a
//     natOutgoing pool to outside every pool leaves with the node address.
func (l *Lab) planFabric(in *Input) {
	sc := in.Scenario
	subnetIdx := map[string]int{}
	for i, s := range sc.Underlay.Subnets {
		if _, dup := subnetIdx[s.Name]; !dup {
			subnetIdx[s.Name] = i
		}
	}
	for s := range sc.Underlay.Subnets {
		sub := &sc.Underlay.Subnets[s]
		var rules []string
		if sub.SrcDstCheck {
			for i := range sc.Nodes {
				n := &sc.Nodes[i]
				if n.Subnet != sub.Name || !n.Addr.IsValid() {
					continue
				}
				rules = append(rules,
					fmt.Sprintf("iifname %q ether type ip ip saddr != %s counter drop comment \"srcDstCheck node/%s\"", NodePort(i), n.Addr, n.Name),
					fmt.Sprintf("oifname %q ether type ip ip daddr != %s counter drop comment \"srcDstCheck node/%s\"", NodePort(i), n.Addr, n.Name))
			}
		}
		rules = append(rules, protoRules(sub.BlockProtocols, sub.BlockBGP, "subnet/"+sub.Name)...)
		if len(rules) == 0 {
			continue
		}
		l.addNft(l.Names.Subnet(s), "bridge", map[string][]string{"forward": rules})
	}
	for r := range sc.Underlay.Routers {
		rt := &sc.Underlay.Routers[r]
		rules := protoRules(rt.BlockProtocols, rt.BlockBGP, "router/"+rt.Name)
		if len(rules) == 0 {
			continue
		}
		l.addNft(l.Names.Router(r), "inet", map[string][]string{"forward": rules, "input": rules, "output": rules})
	}

	// natOutgoing, per node: SNAT pod traffic from a natOutgoing pool to
	// anywhere outside every pool.
	var natPools, allPools []string
	for _, p := range sc.Resources.IPPools {
		allPools = append(allPools, p.CIDR.Masked().String())
		if p.NATOutgoing && !p.Disabled {
			natPools = append(natPools, p.CIDR.Masked().String())
		}
	}
	if len(natPools) == 0 {
		return
	}
	rule := fmt.Sprintf("ip saddr { %s } ip daddr != { %s } counter masquerade comment \"cali-nat-outgoing\"",
		strings.Join(natPools, ", "), strings.Join(allPools, ", "))
	for i := range sc.Nodes {
		if l.PodMTU[i] == 0 {
			continue
		}
		ns := l.Names.Node(i)
		l.Steps = append(l.Steps, Step{Argv: []string{"ip", "netns", "exec", ns, "nft", "-f", "-"},
			Stdin: "table ip calico-nat {\n  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n    " + rule + "\n  }\n}\n"})
	}
}

// protoRules are the nft rules for blocked protocols and BGP.
func protoRules(block []topology.FabricProto, bgp bool, who string) []string {
	var rules []string
	for _, p := range block {
		switch p {
		case topology.BlockIPIP:
			rules = append(rules, fmt.Sprintf("ip protocol 4 counter drop comment \"blockProtocols ipip %s\"", who))
		case topology.BlockVXLAN:
			rules = append(rules, fmt.Sprintf("udp dport 4789 counter drop comment \"blockProtocols vxlan %s\"", who))
		}
	}
	if bgp {
		rules = append(rules,
			fmt.Sprintf("tcp dport 179 counter drop comment \"blockBGP %s\"", who),
			fmt.Sprintf("tcp sport 179 counter drop comment \"blockBGP %s\"", who))
	}
	return rules
}

// addNft adds a `calisim` table of the family with one base chain per hook.
func (l *Lab) addNft(ns, family string, chains map[string][]string) {
	var b strings.Builder
	fmt.Fprintf(&b, "table %s calisim {\n", family)
	for _, hook := range []string{"forward", "input", "output"} { // fixed order
		rules, ok := chains[hook]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "  chain %s {\n    type filter hook %s priority 0; policy accept;\n", hook, hook)
		for _, r := range rules {
			fmt.Fprintf(&b, "    %s\n", r)
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	l.Steps = append(l.Steps, Step{Argv: []string{"ip", "netns", "exec", ns, "nft", "-f", "-"}, Stdin: b.String()})
}
