package policy

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/calisim/calisim/sim/topology"
)

// ncaScheme is the part of an NCA scheme file the test reads.
type ncaScheme struct {
	NamespaceList     string `yaml:"namespaceList"`
	PodList           string `yaml:"podList"`
	NetworkConfigList []struct {
		Name              string   `yaml:"name"`
		NetworkPolicyList []string `yaml:"networkPolicyList"`
	} `yaml:"networkConfigList"`
	Queries []struct {
		Name            string   `yaml:"name"`
		ConnectivityMap []string `yaml:"connectivityMap"`
		ExpectedOutput  string   `yaml:"expectedOutput"`
	} `yaml:"queries"`
}

// ncaDiffers lists, per config (as the query names it), where Calico and
// NCA part; see the diff constants. Checked like netpolAnalyzerDiffers.
var ncaDiffers = map[string][]string{
	// NCA's pods have no addresses, so nets never match them.
	"calico-testcase16-nets/connectivity_map_testcase16/equiv-ranges-containment-games/kube-system/testcase16-nets-almost-all-range-smaller": {diffNets},
	// Four policies without order: Calico (Felix's policy sorter) breaks
	// the tie by name, NCA keeps file order, so a different policy decides.
	"calico-testcase18-pass/connectivity_map/np-pod-based-policies": {diffOrder},
	// Empty Profiles (kns.<ns>/ksa.<ns>.<sa> with no rules) end the chain.
	"calico-testcase19-profiles/connectivity_map_with_labels_to_apply/np9-cnc-fe-between-namespaces-with-label-to-apply": {diffEmptyProfile},
	// The pod lists mark every pod hostNetwork: true.
	"k8s-cyclonus-simple-example/connectivity_map/cyclonus-simple-example": {diffHostNetwork},
	"k8s-fw-test1/connectivity_map/np1":                                    {diffHostNetwork},
	"k8s-fw-test4/connectivity_map_4/np4":                                  {diffHostNetwork},
	"k8s-fw-test4/connectivity_map_4/np3":                                  {diffHostNetwork},
	"k8s-fw-test4/connectivity_map_3/np3":                                  {diffHostNetwork},
	"k8s-label-expr/test_app_label/test1":                                  {diffHostNetwork},
	"k8s-label-expr/test_app_label/test2":                                  {diffHostNetwork},
	"k8s-label-expr/test_app_label/test3":                                  {diffHostNetwork},
	"k8s-label-expr/test_app_label/test4":                                  {diffHostNetwork},
	"k8s-label-expr/test_tier_and_app_label/test5":                         {diffHostNetwork},
	"k8s-label-expr/test_tier_and_app_label/test6":                         {diffHostNetwork},
	"k8s-label-expr/test_tier_and_app_label/test7":                         {diffHostNetwork},
	"k8s-label-expr/test_tier_and_app_label/test8":                         {diffHostNetwork},
	"k8s-label-expr/test_tier_and_app_label/test9":                         {diffHostNetwork},
	"k8s-label-expr/test_tier_and_app_label/test10":                        {diffHostNetwork},
}

// TestConformanceNCA expands NCA's expected firewall rules to verdicts per
// pod pair, per pod and external address block, and per protocol and port
// class, and compares them with Verdict.
func TestConformanceNCA(t *testing.T) {
	root := requireCases(t, "nca")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var configs, compared, agreeing, agreeAsNCA, cells, cellAgree int
	for _, d := range entries {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(root, d.Name())
		data, err := os.ReadFile(filepath.Join(dir, "scheme.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var sch ncaScheme
		if err := yaml.Unmarshal(data, &sch); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, q := range sch.Queries {
			if !strings.HasSuffix(q.ExpectedOutput, ".txt") {
				continue // the same answers in another format
			}
			sections := readNCASections(t, filepath.Join(dir, q.ExpectedOutput))
			if len(sections) != len(q.ConnectivityMap) {
				t.Fatalf("%s: %d sections for %d configs", q.ExpectedOutput, len(sections), len(q.ConnectivityMap))
			}
			for i, cfg := range q.ConnectivityMap {
				configs++
				name := d.Name() + "/" + q.Name + "/" + cfg
				rules := sections[i]
				t.Run(name, func(t *testing.T) {
					sc, own := loadNCAConfig(t, dir, &sch, cfg)
					if len(sc.Pods) == 0 && sch.PodList != "" {
						weps, hosts := workloadEndpoints(t, filepath.Join(dir, sch.PodList))
						if hosts > 0 {
							t.Skipf("%d HostEndpoints: calisim does not model host endpoints", hosts)
						}
						sc.Pods = weps
						for i := range sc.Pods {
							own[sc.Pods[i].Namespace+"/"+sc.Pods[i].Name] = owner{ip: wepAddrs[sc.Pods[i].Namespace+"/"+sc.Pods[i].Name]}
						}
					}
					if len(sc.Pods) == 0 {
						t.Skip("no pods")
					}
					compared++
					addrs := recordedAddrs(sc, podAddrs(t, sc), own)
					c, a, bad := compareNCA(t, sc, addrs, own, rules, options{})
					cells += c
					cellAgree += a
					diffs := ncaDiffers[name]
					switch {
					case len(bad) == 0 && len(diffs) == 0:
						agreeing++
						agreeAsNCA++
					case len(bad) == 0:
						t.Errorf("listed as differing (%v) but agrees", diffs)
					case len(diffs) == 0:
						for j, b := range bad {
							if j == 15 {
								t.Errorf("... and %d more", len(bad)-15)
								break
							}
							t.Error(b)
						}
						t.Errorf("%d of %d cells differ from NCA and the config names no Calico semantics that explain it", len(bad), c)
					default:
						if _, _, bad2 := compareNCA(t, sc, addrs, own, rules, diffOptions(diffs)); len(bad2) > 0 {
							t.Errorf("with NCA's semantics for %v, still %d cells differ: %v", diffs, len(bad2), bad2[0])
							return
						}
						agreeAsNCA++
						for i := range diffs {
							fewer := append(slices.Clone(diffs[:i]), diffs[i+1:]...)
							if _, _, b := compareNCA(t, sc, addrs, own, rules, diffOptions(fewer)); len(b) == 0 {
								t.Errorf("%q is listed but not needed", diffs[i])
							}
						}
						t.Logf("differs from NCA on %d of %d cells, as Calico does (%v)", len(bad), c, diffs)
					}
				})
			}
		}
	}
	t.Logf("NCA: %d configs, %d with pods to compare; %d agree in every cell as they are, %d once the listed Calico differences are switched to NCA's semantics; %d of %d cells agree as they are",
		configs, compared, agreeing, agreeAsNCA, cellAgree, cells)
}

// loadNCAConfig loads the namespace and pod lists with the config's policy
// files; a config named cfg/[Kind/]ns/name keeps that one policy.
func loadNCAConfig(t *testing.T, dir string, sch *ncaScheme, cfg string) (*topology.Scenario, map[string]owner) {
	t.Helper()
	parts := strings.Split(cfg, "/")
	var paths []string
	for _, p := range []string{sch.NamespaceList, sch.PodList} {
		if p != "" && !slices.Contains(paths, filepath.Join(dir, p)) {
			paths = append(paths, filepath.Join(dir, p))
		}
	}
	found := false
	for _, nc := range sch.NetworkConfigList {
		if nc.Name == parts[0] {
			found = true
			for _, p := range nc.NetworkPolicyList {
				paths = append(paths, filepath.Join(dir, p))
			}
		}
	}
	if !found {
		t.Fatalf("no config %q", parts[0])
	}
	sc, err := topology.Load(paths...)
	if err != nil {
		t.Skipf("the loader refuses the config (not policy's to fix): %s", firstLine(err))
	}
	if len(parts) > 1 {
		ns, name, kind := parts[len(parts)-2], parts[len(parts)-1], ""
		if len(parts) == 4 {
			kind = parts[1]
		}
		r := &sc.Resources
		keep := func(k, pns, pname string) bool { return (kind == "" || kind == k) && pns == ns && pname == name }
		r.GlobalNetworkPolicies = slices.DeleteFunc(r.GlobalNetworkPolicies, func(p topology.Policy) bool { return !keep("GlobalNetworkPolicy", "", p.Name) })
		r.NetworkPolicies = slices.DeleteFunc(r.NetworkPolicies, func(p topology.Policy) bool { return !keep("CalicoNetworkPolicy", p.Namespace, p.Name) })
		r.KubeNetworkPolicies = slices.DeleteFunc(r.KubeNetworkPolicies, func(p topology.KubeNetworkPolicy) bool { return !keep("K8sNetworkPolicy", p.Namespace, p.Name) })
		if len(r.GlobalNetworkPolicies)+len(r.NetworkPolicies)+len(r.KubeNetworkPolicies) != 1 {
			t.Fatalf("config %q selects %d policies", cfg, len(r.GlobalNetworkPolicies)+len(r.NetworkPolicies)+len(r.KubeNetworkPolicies))
		}
	}
	own := owners(t, paths)
	seen := map[string]int{}
	for i := range sc.Pods {
		p := &sc.Pods[i]
		k := p.Namespace + "/" + p.Workload
		seen[k]++
		own[ordinalKey+p.Namespace+"/"+p.Name] = owner{ordinal: seen[k]}
	}
	return sc, own
}

// wepAddrs holds the addresses of the WorkloadEndpoints read last.
var wepAddrs = map[string]netip.Addr{}

// workloadEndpoints turns a list of Calico WorkloadEndpoints (Kubernetes
// pods as Calico sees them: labels, service account, profiles kns.<ns> and
// ksa.<ns>.<sa>, addresses, named ports) into pods, and counts the
// HostEndpoints in the list.
func workloadEndpoints(t *testing.T, path string) ([]topology.Pod, int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type wep struct {
		Kind     string `yaml:"kind"`
		Metadata struct {
			Namespace string            `yaml:"namespace"`
			Labels    map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec struct {
			Pod        string   `yaml:"pod"`
			IPNetworks []string `yaml:"ipNetworks"`
			Profiles   []string `yaml:"profiles"`
			Ports      []struct {
				Name     string `yaml:"name"`
				Port     int    `yaml:"port"`
				Protocol string `yaml:"protocol"`
			} `yaml:"ports"`
		} `yaml:"spec"`
	}
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	// Endpoints come as lists, lists of lists, or bare sequences.
	var items []wep
	hostCount := 0
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, it := range x {
				walk(it)
			}
		case map[string]any:
			if list, ok := x["items"].([]any); ok {
				walk(list)
				return
			}
			switch x["kind"] {
			case "HostEndpoint":
				hostCount++
			case "WorkloadEndpoint":
				b, err := yaml.Marshal(x)
				if err != nil {
					t.Fatal(err)
				}
				var w wep
				if err := yaml.Unmarshal(b, &w); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				items = append(items, w)
			}
		}
	}
	walk(doc)
	var pods []topology.Pod
	hosts := hostCount
	for _, it := range items {
		p := topology.Pod{Name: it.Spec.Pod, Namespace: it.Metadata.Namespace, Workload: it.Spec.Pod, Kind: topology.KindPod, Labels: map[string]string{}}
		for k, v := range it.Metadata.Labels {
			if k == labelServiceAccount {
				p.ServiceAccount = v
			}
			if !strings.HasPrefix(k, "projectcalico.org/") {
				p.Labels[k] = v
			}
		}
		for _, pr := range it.Spec.Profiles {
			if !strings.HasPrefix(pr, "kns.") && !strings.HasPrefix(pr, "ksa.") {
				t.Fatalf("WorkloadEndpoint %s/%s has profile %s, not a kns./ksa. one", p.Namespace, p.Name, pr)
			}
		}
		for _, port := range it.Spec.Ports {
			proto := topology.ProtoTCP
			switch strings.ToUpper(port.Protocol) {
			case "UDP":
				proto = topology.ProtoUDP
			case "SCTP":
				proto = topology.ProtoSCTP
			}
			p.Ports = append(p.Ports, topology.ContainerPort{Name: port.Name, Port: port.Port, Proto: proto})
		}
		if len(it.Spec.IPNetworks) > 0 {
			if pf, err := netip.ParsePrefix(it.Spec.IPNetworks[0]); err == nil {
				wepAddrs[p.Namespace+"/"+p.Name] = pf.Addr()
			}
		}
		pods = append(pods, p)
	}
	return pods, hosts
}

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

// compareNCA judges every cell with the engine and with NCA's rules; it
// returns the number of cells compared, agreeing, and the disagreements.
func compareNCA(t *testing.T, sc *topology.Scenario, addrs []netip.Addr, own map[string]owner, rules []ncaRule, opts options) (int, int, []string) {
	t.Helper()
	e, err := newEngine(sc, addrs, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	// probes: every port class of the engine and of NCA's answers
	cuts := map[int]bool{1: true, 65536: true}
	for _, spans := range e.portClasses() {
		for _, s := range spans {
			cuts[int(s.Min)] = true
		}
	}
	extCuts := map[uint64]bool{0: true}
	in, out := e.externalRanges()
	for _, r := range append(in, out...) {
		extCuts[v4num(r.Lo)] = true
	}
	for _, r := range rules {
		for _, p := range r.conn.parts {
			for _, pr := range p.dstPorts {
				cuts[pr[0]], cuts[pr[1]+1] = true, true
			}
		}
		for _, iv := range append(slices.Clone(r.srcIPs), r.dstIPs...) {
			extCuts[iv[0]] = true
			if iv[1] < 1<<32-1 {
				extCuts[iv[1]+1] = true
			}
		}
	}
	var probes []topology.Port
	for _, proto := range []topology.Proto{topology.ProtoTCP, topology.ProtoUDP, topology.ProtoSCTP} {
		for c := range cuts {
			if c >= 1 && c <= 65535 {
				probes = append(probes, topology.Port{Proto: proto, Num: uint16(c)})
			}
		}
	}
	probes = append(probes, topology.Port{Proto: topology.ProtoICMP})
	slices.SortFunc(probes, func(a, b topology.Port) int {
		if a.Proto != b.Proto {
			return int(a.Proto) - int(b.Proto)
		}
		return int(a.Num) - int(b.Num)
	})
	var exts []netip.Addr
	for c := range extCuts {
		exts = append(exts, v4addr(c))
	}
	slices.SortFunc(exts, netip.Addr.Compare)

	cells, agree := 0, 0
	var bad []string
	judge := func(src, dst Endpoint, srcName, dstName string, want func(r *ncaRule) bool) {
		for _, port := range probes {
			expected, comparable := false, true
			for i := range rules {
				if !want(&rules[i]) {
					continue
				}
				ok, cmp := rules[i].conn.allows(port)
				if !cmp {
					comparable = false
				}
				expected = expected || ok
			}
			if !comparable {
				continue
			}
			cells++
			got := e.Verdict(src, dst, port).Allowed
			if got == expected {
				agree++
			} else {
				bad = append(bad, fmt.Sprintf("%s -> %s %v: calisim %t, NCA %t", srcName, dstName, port, got, expected))
			}
		}
	}
	for s := range sc.Pods {
		ps := &sc.Pods[s]
		for d := range sc.Pods {
			if s == d {
				continue
			}
			pd := &sc.Pods[d]
			judge(e.Pod(s), e.Pod(d), e.name(e.Pod(s)), e.name(e.Pod(d)), func(r *ncaRule) bool {
				return ncaPodIn(r.srcNS, r.srcPods, ps, own) && ncaPodIn(r.dstNS, r.dstPods, pd, own)
			})
		}
		for _, a := range exts {
			judge(AddrEndpoint(a), e.Pod(s), a.String(), e.name(e.Pod(s)), func(r *ncaRule) bool {
				return r.srcIPs != nil && ncaAddrIn(r.srcIPs, a) && ncaPodIn(r.dstNS, r.dstPods, ps, own)
			})
			judge(e.Pod(s), AddrEndpoint(a), e.name(e.Pod(s)), a.String(), func(r *ncaRule) bool {
				return ncaPodIn(r.srcNS, r.srcPods, ps, own) && r.dstIPs != nil && ncaAddrIn(r.dstIPs, a)
			})
		}
	}
	return cells, agree, bad
}
