package policy

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/calisim/calisim/sim/topology"
)

// ruleText is a one-line description of a rule, Calico's field names.
func ruleText(r *topology.Rule) string {
	var b strings.Builder
	b.WriteString(r.Action)
	if r.IPVersion != 0 {
		fmt.Fprintf(&b, " ipVersion=%d", r.IPVersion)
	}
	if r.Protocol != nil {
		fmt.Fprintf(&b, " protocol=%s", protoText(r.Protocol))
	}
	if r.NotProtocol != nil {
		fmt.Fprintf(&b, " notProtocol=%s", protoText(r.NotProtocol))
	}
	if r.ICMP != nil {
		fmt.Fprintf(&b, " icmp=%s", icmpText(r.ICMP))
	}
	if r.NotICMP != nil {
		fmt.Fprintf(&b, " notICMP=%s", icmpText(r.NotICMP))
	}
	entityText(&b, "source", &r.Source)
	entityText(&b, "destination", &r.Destination)
	if r.HTTP {
		b.WriteString(" http=(not modelled)")
	}
	return b.String()
}

func protoText(p *topology.ProtoMatch) string {
	if p.Name != "" {
		return p.Name
	}
	return strconv.Itoa(int(p.Num))
}

func icmpText(m *topology.ICMPMatch) string {
	s := "type:any"
	if m.Type != nil {
		s = "type:" + strconv.Itoa(*m.Type)
	}
	if m.Code != nil {
		s += ",code:" + strconv.Itoa(*m.Code)
	}
	return s
}

func entityText(b *strings.Builder, name string, e *topology.EntityRule) {
	var parts []string
	if len(e.Nets) > 0 {
		parts = append(parts, "nets="+prefixesText(e.Nets))
	}
	if len(e.NotNets) > 0 {
		parts = append(parts, "notNets="+prefixesText(e.NotNets))
	}
	if e.Selector != "" {
		parts = append(parts, fmt.Sprintf("selector=%q", e.Selector))
	}
	if e.NotSelector != "" {
		parts = append(parts, fmt.Sprintf("notSelector=%q", e.NotSelector))
	}
	if e.NamespaceSelector != "" {
		parts = append(parts, fmt.Sprintf("namespaceSelector=%q", e.NamespaceSelector))
	}
	if sa := e.ServiceAccounts; sa != nil {
		if len(sa.Names) > 0 {
			parts = append(parts, "serviceAccounts.names=["+strings.Join(sa.Names, ",")+"]")
		}
		if sa.Selector != "" {
			parts = append(parts, fmt.Sprintf("serviceAccounts.selector=%q", sa.Selector))
		}
	}
	if len(e.Ports) > 0 {
		parts = append(parts, "ports="+portsText(e.Ports))
	}
	if len(e.NotPorts) > 0 {
		parts = append(parts, "notPorts="+portsText(e.NotPorts))
	}
	if e.Services {
		parts = append(parts, "services=(not modelled)")
	}
	if len(parts) > 0 {
		fmt.Fprintf(b, " %s{%s}", name, strings.Join(parts, " "))
	}
}

func prefixesText(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return "[" + strings.Join(s, ",") + "]"
}

func portsText(ps []topology.PortRange) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = portRangeText(p)
	}
	return "[" + strings.Join(s, ",") + "]"
}

func portRangeText(p topology.PortRange) string {
	switch {
	case p.Name != "":
		return p.Name
	case p.Min == p.Max:
		return strconv.Itoa(int(p.Min))
	}
	return fmt.Sprintf("%d:%d", p.Min, p.Max)
}
