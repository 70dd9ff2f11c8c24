package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/plan"
	"github.com/calisim/calisim/sim/topology"
)

func fixture() Input {
	sc := &topology.Scenario{
		Name:  "two-subnets <&>",
		Cloud: topology.CloudAWS,
		Underlay: topology.Underlay{
			Subnets: []topology.Subnet{
				{Name: "a", CIDR: netip.MustParsePrefix("10.0.1.0/24"), SrcDstCheck: true},
				{Name: "b", CIDR: netip.MustParsePrefix("10.0.2.0/24")},
			},
			Routers: []topology.Router{{Name: "vpc", Default: true, Interfaces: []topology.Interface{
				{Subnet: "a", Addr: netip.MustParseAddr("10.0.1.1")},
				{Subnet: "b", Addr: netip.MustParseAddr("10.0.2.1")},
			}}},
		},
		Nodes: []topology.Node{
			{Name: "n1", Subnet: "a", Addr: netip.MustParseAddr("10.0.1.10")},
			{Name: "n2", Subnet: "b", Addr: netip.MustParseAddr("10.0.2.10")},
		},
		Failures: []topology.Failure{{At: 10 * time.Second, Action: topology.FailDown, Target: topology.FailureTarget{Kind: "node", Name: "n2"}}},
	}
	res := &sim.Result{
		Scenario: sim.ScenarioInfo{Name: sc.Name, Description: "a <b>test</b> scenario", Cloud: "aws", Engine: "model", Seed: 1},
		Nodes: []sim.NodeResult{
			{Name: "n1", IP: "10.0.1.10", Subnet: "a", Blocks: []string{"10.244.0.0/26"}, HostMTU: 9001, PodMTU: 8981, Peers: 0, Routes: 3},
			{Name: "n2", IP: "10.0.2.10", Subnet: "b", Blocks: []string{"10.244.0.64/26"}, HostMTU: 9001, PodMTU: 8981, Peers: 0, Routes: 3},
		},
		BGP: sim.BGPResult{Topology: "full-mesh", Sessions: 0, Configured: 1, MaxPeersPerNode: 0, Converged: true, ConvergenceMillis: 10400,
			Timeline: []sim.Event{
				{AtMillis: 120, What: "session-established", Detail: "n1~n2"},
				{AtMillis: 400, What: "converged"},
				{AtMillis: 10000, What: "failure", Detail: "node/n2 down"},
				{AtMillis: 10000, What: "session-down", Detail: "n1~n2"},
				{AtMillis: 10400, What: "converged"},
			},
			Peerings: []sim.Peering{{A: "node/n1", B: "node/n2", Kind: "mesh", State: "Idle", Reason: "node/n2 is down"}},
		},
		Paths: []sim.Path{
			{From: "x/web-0", To: "x/db-0", Port: "tcp/80", Size: 64, Encapsulation: "none", PathMTU: 8981,
				Drop: &sim.Drop{At: "subnet/a", Reason: "src-dst-check", Detail: "a checks source and destination"},
				Hops: []sim.Hop{{At: "pod/x/web-0", Dev: "eth0", Action: "forward", Bytes: 104}, {At: "node/n1", Dev: "eth0", Action: "route", Bytes: 104}, {At: "subnet/a", Action: "drop"}}},
			{From: "x/web-0", To: "x/web-1", Port: "tcp/80", Size: 64, Delivered: true, Encapsulation: "none", PathMTU: 8981,
				Policy: &sim.PathPolicy{Verdict: "allow", DecidedBy: "profile/kns.x"},
				Hops:   []sim.Hop{{At: "pod/x/web-0", Dev: "eth0", Action: "forward", Bytes: 104}, {At: "pod/x/web-1", Action: "deliver", Bytes: 104}}},
		},
		Findings: []sim.Finding{{Code: "SRC_DST_CHECK", Severity: sim.SeverityError, Message: "subnet a checks source & destination <native fails>", Subjects: []string{"subnet/a"}}},
	}
	p := &plan.Plan{Scenario: sc.Name, Nodes: 2, Subnets: 2, Recommendation: "ipip / full-mesh: reaches all 2 pairs",
		Options: []plan.Option{
			{Encapsulation: plan.EncapNone, BGP: plan.LayoutMesh, Pairs: 2, Reachable: 1, PodMTU: 9001, Sessions: 1, MaxPeersPerNode: 1, Findings: []string{"SRC_DST_CHECK"}},
			{Encapsulation: plan.EncapIPIP, BGP: plan.LayoutMesh, Pairs: 2, Reachable: 2, PodMTU: 8981, OverheadBytes: 20, Sessions: 1, MaxPeersPerNode: 1, Recommended: true, Findings: []string{}},
			{Encapsulation: plan.EncapIPIP, BGP: plan.LayoutReflectors, Pairs: 2, Reachable: 2, PodMTU: 8981, OverheadBytes: 20, Sessions: 1, MaxPeersPerNode: 1, Findings: []string{}},
		}}
	return Input{Scenario: sc, Result: res, Plan: p}
}

func render(t *testing.T, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReportContent(t *testing.T) {
	page := render(t, fixture())
	s := string(page)
	for _, want := range []string{
		"<title>calisim report: two-subnets &lt;&amp;&gt;</title>",
		"a &lt;b&gt;test&lt;/b&gt; scenario",
		"SRC_DST_CHECK", "source &amp; destination &lt;native fails&gt;",
		`id="topology"`, `id="bgp"`, `id="paths"`, `id="nodes"`, `id="plan"`, `id="charts"`,
		`class="recommended"`, "ipip / full-mesh: reaches all 2 pairs",
		"BGP sessions over virtual time", "Path MTU per path", "BGP peers per node (ipip)",
		"DROPPED at subnet/a",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(s, "<svg"); n != 6 { // topology, bgp, one failed path, three charts
		t.Errorf("%d inline SVGs, want 6", n)
	}
	if !bytes.Equal(page, render(t, fixture())) {
		t.Error("two renders differ")
	}
}

// TestReportSelfContained: no script, no stylesheet link, no remote
// reference of any kind, ids unique.
func TestReportSelfContained(t *testing.T) {
	s := string(render(t, fixture()))
	for _, bad := range []string{"<script", "<link", "<iframe", "<img", "<object", "<embed", "@import", "<!DOCTYPE svg", "<?xml"} {
		if strings.Contains(strings.ToLower(s), strings.ToLower(bad)) {
			t.Errorf("report contains %q", bad)
		}
	}
	// Every http(s) URL must be an XML namespace name, which is never fetched.
	for _, m := range regexp.MustCompile(`(\S*)="?(https?://[^"\s]*)`).FindAllStringSubmatch(s, -1) {
		if !strings.HasPrefix(m[1], "xmlns") {
			t.Errorf("remote reference %s=%s", m[1], m[2])
		}
	}
	for _, m := range regexp.MustCompile(`(?i)(src|href)="([^"#][^"]*)"`).FindAllStringSubmatch(s, -1) {
		t.Errorf("reference to another resource: %s", m[0])
	}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`\bid="([^"]*)"`).FindAllStringSubmatch(s, -1) {
		if seen[m[1]] {
			t.Errorf("id %q used twice", m[1])
		}
		seen[m[1]] = true
	}
	// Each inline SVG is well-formed XML.
	for i, frag := range regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(s, -1) {
		d := xml.NewDecoder(strings.NewReader(frag))
		for {
			_, err := d.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Errorf("svg %d: %v", i, err)
				}
				break
			}
		}
	}
}

func TestReportWithoutPlan(t *testing.T) {
	in := fixture()
	in.Plan = nil
	s := string(render(t, in))
	if !strings.Contains(s, "No plan in this report") || strings.Contains(s, "BGP peers per node") {
		t.Error("report without a plan still shows one")
	}
	if err := Write(context.Background(), &bytes.Buffer{}, Input{}); err == nil {
		t.Error("empty input accepted")
	}
}

// chromiumConsole loads file in headless Chromium and returns the console
// messages it logged and the DOM it built. It skips when Chromium is absent.
func chromiumConsole(t *testing.T, file string) (console []string, dom string) {
	t.Helper()
	bin := "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		t.Skip("chromium not installed (apt-get install -y chromium)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0", "--dump-dom", "file://"+file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") || strings.Contains(line, "Uncaught") {
			console = append(console, line)
		}
	}
	return console, stdout.String()
}

func TestReportInChromium(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, render(t, fixture()), 0o644); err != nil {
		t.Fatal(err)
	}
	console, dom := chromiumConsole(t, file)
	if len(console) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(console, "\n"))
	}
	for _, want := range []string{"<h1>two-subnets", "<svg", "Findings"} {
		if !strings.Contains(dom, want) {
			t.Errorf("Chromium's DOM lacks %q", want)
		}
	}

	// The check can fail: a page with a console error is caught.
	bad := filepath.Join(dir, "bad.html")
	os.WriteFile(bad, []byte(`<!DOCTYPE html><html><body><script>console.error("calisim-canary")</script></body></html>`), 0o644)
	console, _ = chromiumConsole(t, bad)
	if !strings.Contains(strings.Join(console, "\n"), "calisim-canary") {
		t.Errorf("a console error was not seen: %q", console)
	}
}
