package policy

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
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
