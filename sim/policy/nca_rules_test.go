package policy

import (
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/calisim/calisim/sim/topology"
)

// ncaRule is one line of NCA's firewall rules.
type ncaRule struct {
	srcNS, dstNS     []string // nil: the side is an address block
	srcPods, dstPods []*ncaExpr
	srcIPs, dstIPs   [][2]uint64
	conn             ncaConn
	text             string
}

// readNCASections parses "final fw rules for query: Q, config: C:" sections.
func readNCASections(t *testing.T, path string) [][]ncaRule {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]ncaRule
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "final fw rules for query:"):
			out = append(out, nil)
		default:
			r, err := parseNCARule(line)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, line, err)
			}
			out[len(out)-1] = append(out[len(out)-1], r)
		}
	}
	return out
}

func parseNCARule(line string) (ncaRule, error) {
	r := ncaRule{text: line}
	head, conn, ok := strings.Cut(line, " conn: ")
	if !ok {
		return r, fmt.Errorf("no conn")
	}
	var err error
	if r.conn, err = parseNCAConn(conn); err != nil {
		return r, err
	}
	rest := head
	for rest != "" {
		key, after, ok := strings.Cut(rest, ": ")
		if !ok {
			return r, fmt.Errorf("bad field at %q", rest)
		}
		var val string
		if strings.HasPrefix(after, "[") {
			depth, end := 0, -1
			for i, ch := range after {
				if ch == '[' {
					depth++
				} else if ch == ']' {
					if depth--; depth == 0 {
						end = i
						break
					}
				}
			}
			if end < 0 {
				return r, fmt.Errorf("unclosed [")
			}
			val, rest = after[1:end], strings.TrimSpace(after[end+1:])
		} else {
			val, rest, _ = strings.Cut(after, " ")
		}
		switch key {
		case "src_ns":
			r.srcNS = strings.Split(val, ",")
		case "dst_ns":
			r.dstNS = strings.Split(val, ",")
		case "src_pods", "dst_pods":
			var list []*ncaExpr
			for _, item := range splitTop(val) {
				e, err := parseNCAExpr(item)
				if err != nil {
					return r, fmt.Errorf("%s %q: %v", key, item, err)
				}
				list = append(list, e)
			}
			if key == "src_pods" {
				r.srcPods = list
			} else {
				r.dstPods = list
			}
		case "src", "dst":
			ivs, err := parseNCABlocks(val)
			if err != nil {
				return r, err
			}
			if key == "src" {
				r.srcIPs = ivs
			} else {
				r.dstIPs = ivs
			}
		default:
			return r, fmt.Errorf("unknown field %q", key)
		}
	}
	return r, nil
}

// splitTop splits at ", " outside brackets.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '{', '[':
			depth++
		case ')', '}', ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// parseNCABlocks reads "0.0.0.0/0,::/0" or "64.0.0.0-255.255.255.255"
// (IPv6 left out).
func parseNCABlocks(s string) ([][2]uint64, error) {
	var ivs [][2]uint64
	for _, part := range strings.Split(s, ",") {
		if strings.Contains(part, ":") {
			continue
		}
		if lo, hi, ok := strings.Cut(part, "-"); ok {
			a, err1 := netip.ParseAddr(lo)
			b, err2 := netip.ParseAddr(hi)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("bad range %q", part)
			}
			ivs = append(ivs, [2]uint64{v4num(a), v4num(b)})
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, err
		}
		ivs = append(ivs, intervals([]netip.Prefix{p})...)
	}
	return ivs, nil
}

// ncaConn is a connection set: All, or All but the listed, or the listed.
type ncaConn struct {
	all, but bool
	parts    []ncaConnPart
}

type ncaConnPart struct {
	protos         []string
	dstPorts       [][2]int // nil: every port
	srcPorts       bool     // restricted source ports: calisim's flows carry none
	icmpType, code *int
}

func parseNCAConn(s string) (ncaConn, error) {
	var c ncaConn
	switch {
	case s == "All connections":
		c.all = true
		return c, nil
	case strings.HasPrefix(s, "All but "):
		c.but = true
		s = strings.TrimPrefix(s, "All but ")
	}
	for _, group := range splitTop(s) {
		group = strings.TrimSuffix(strings.TrimPrefix(group, "{"), "}")
		var p ncaConnPart
		// fields: protocols:A, B,dst_ports:1-2,3,icmp_type:N ...
		field := ""
		for _, tok := range strings.Split(group, ",") {
			tok = strings.TrimSpace(tok)
			if k, v, ok := strings.Cut(tok, ":"); ok {
				field, tok = k, v
			}
			switch field {
			case "protocols":
				p.protos = append(p.protos, tok)
			case "dst_ports":
				lo, hi, ok := strings.Cut(tok, "-")
				if !ok {
					hi = lo
				}
				a, err1 := strconv.Atoi(lo)
				b, err2 := strconv.Atoi(hi)
				if err1 != nil || err2 != nil {
					return c, fmt.Errorf("bad ports %q", tok)
				}
				p.dstPorts = append(p.dstPorts, [2]int{a, b})
			case "src_ports":
				p.srcPorts = true
			case "icmp_type":
				n, err := strconv.Atoi(tok)
				if err != nil {
					return c, err
				}
				p.icmpType = &n
			case "icmp_code":
				n, err := strconv.Atoi(tok)
				if err != nil {
					return c, err
				}
				p.code = &n
			default:
				return c, fmt.Errorf("unknown conn field %q", field)
			}
		}
		c.parts = append(c.parts, p)
	}
	return c, nil
}

// allows reports whether the set holds the probe; ok is false when the set
// restricts source ports, which calisim's flows do not have.
func (c ncaConn) allows(port topology.Port) (allowed, ok bool) {
	if c.all {
		return true, true
	}
	in := false
	for _, p := range c.parts {
		if !slices.Contains(p.protos, strings.ToUpper(port.Proto.String())) {
			continue
		}
		if p.srcPorts {
			return false, false
		}
		if port.Proto == topology.ProtoICMP {
			if (p.icmpType == nil || *p.icmpType == icmpEchoType) && (p.code == nil || *p.code == icmpEchoCode) {
				in = true
			}
			continue
		}
		if p.dstPorts == nil {
			in = true
		}
		for _, r := range p.dstPorts {
			if r[0] <= int(port.Num) && int(port.Num) <= r[1] {
				in = true
			}
		}
	}
	return in != c.but, true
}

// ncaExpr is NCA's pod expression: *, has(k), !has(k), k=v, k!=v,
// k in (..), k not in (..), has_named_port=n, a pod or workload name,
// joined by and/or with ( ) or { } for grouping.
type ncaExpr struct {
	op         string // "and", "or", "atom"
	kids       []*ncaExpr
	match      func(p *topology.Pod, own map[string]owner) bool
	key, value string
}

func parseNCAExpr(s string) (*ncaExpr, error) {
	s = strings.TrimSpace(s)
	// or binds loosest, then and; both outside brackets.
	for _, op := range []string{" or ", " and "} {
		var parts []string
		depth, start := 0, 0
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '(', '{':
				depth++
			case ')', '}':
				depth--
			}
			if depth == 0 && strings.HasPrefix(s[i:], op) {
				parts = append(parts, s[start:i])
				start = i + len(op)
				i += len(op) - 1
			}
		}
		if len(parts) > 0 {
			parts = append(parts, s[start:])
			e := &ncaExpr{op: strings.TrimSpace(op)}
			for _, p := range parts {
				k, err := parseNCAExpr(p)
				if err != nil {
					return nil, err
				}
				e.kids = append(e.kids, k)
			}
			return e, nil
		}
	}
	if n := len(s); n >= 2 && (s[0] == '(' && s[n-1] == ')' || s[0] == '{' && s[n-1] == '}') {
		return parseNCAExpr(s[1 : n-1])
	}
	e := &ncaExpr{op: "atom"}
	switch {
	case s == "*":
		e.match = func(*topology.Pod, map[string]owner) bool { return true }
	case strings.HasPrefix(s, "!has(") && strings.HasSuffix(s, ")"):
		k := s[5 : len(s)-1]
		e.match = func(p *topology.Pod, _ map[string]owner) bool { _, ok := p.Labels[k]; return !ok }
	case strings.HasPrefix(s, "has(") && strings.HasSuffix(s, ")"):
		k := s[4 : len(s)-1]
		e.match = func(p *topology.Pod, _ map[string]owner) bool { _, ok := p.Labels[k]; return ok }
	case strings.Contains(s, " not in ("), strings.Contains(s, " in ("):
		neg := strings.Contains(s, " not in (")
		sep := " in ("
		if neg {
			sep = " not in ("
		}
		k, vals, _ := strings.Cut(s, sep)
		set := strings.Split(strings.TrimSuffix(vals, ")"), ",")
		e.match = func(p *topology.Pod, _ map[string]owner) bool {
			v, ok := p.Labels[k]
			return (ok && slices.Contains(set, v)) != neg
		}
	case strings.Contains(s, "!="):
		k, v, _ := strings.Cut(s, "!=")
		e.match = func(p *topology.Pod, _ map[string]owner) bool { return p.Labels[k] != v }
	case strings.HasPrefix(s, "has_named_port="):
		n := strings.TrimPrefix(s, "has_named_port=")
		e.match = func(p *topology.Pod, _ map[string]owner) bool {
			return slices.ContainsFunc(p.Ports, func(c topology.ContainerPort) bool { return c.Name == n })
		}
	case strings.Contains(s, "="):
		k, v, _ := strings.Cut(s, "=")
		e.match = func(p *topology.Pod, _ map[string]owner) bool { val, ok := p.Labels[k]; return ok && val == v }
	case strings.ContainsAny(s, "()!{} "):
		return nil, fmt.Errorf("cannot parse %q", s)
	default: // a pod, its owner, or NCA's name for a workload's n-th pod (workload-n)
		e.match = func(p *topology.Pod, own map[string]owner) bool {
			return p.Name == s || own[p.Namespace+"/"+p.Name].name == s || p.Workload == s ||
				own[p.Namespace+"/"+p.Name].kind == "" && p.Workload+"-"+strconv.Itoa(podOrdinal(own, p)) == s
		}
	}
	return e, nil
}

// podOrdinal is the pod's 1-based place among its workload's pods, as NCA
// numbers the pods it makes from a workload; calisim's loader names them
// differently (Kubernetes style). The "own" map carries the ordinals.
func podOrdinal(own map[string]owner, p *topology.Pod) int {
	return own[ordinalKey+p.Namespace+"/"+p.Name].ordinal
}

const ordinalKey = "\x00ordinal:"

func (e *ncaExpr) eval(p *topology.Pod, own map[string]owner) bool {
	switch e.op {
	case "and":
		for _, k := range e.kids {
			if !k.eval(p, own) {
				return false
			}
		}
		return true
	case "or":
		for _, k := range e.kids {
			if k.eval(p, own) {
				return true
			}
		}
		return false
	}
	return e.match(p, own)
}

// side reports whether the pod is on the rule's side (ns and pods).
func ncaPodIn(nss []string, exprs []*ncaExpr, p *topology.Pod, own map[string]owner) bool {
	if nss == nil || !slices.Contains(nss, p.Namespace) {
		return false
	}
	for _, e := range exprs {
		if e.eval(p, own) {
			return true
		}
	}
	return false
}

func ncaAddrIn(ivs [][2]uint64, a netip.Addr) bool {
	n := v4num(a)
	for _, iv := range ivs {
		if iv[0] <= n && n <= iv[1] {
			return true
		}
	}
	return false
}
