package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run runs one command line and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

const scen = "../../scenarios/"

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"routes-switching-master", []string{"routes", scen + "switching-modes-ipip.yaml", "--node", "master"}, 0},
		{"routes-azure-vxlan", []string{"routes", scen + "azure-vxlan.yaml", "--node", "aks-1"}, 0},
		{"bgp-rr-worker", []string{"bgp", scen + "route-reflectors-global.yaml", "--node", "worker-1"}, 0},
		{"bgp-blocked", []string{"bgp", scen + "bgp-blocked-ipip.yaml", "--node", "n-1"}, 0},
		{"run-crosssubnet", []string{"run", scen + "onprem-l3-crosssubnet.yaml"}, 0},
		{"run-aws-json", []string{"run", scen + "aws-two-az.yaml", "-o", "json"}, 1},
		{"trace-aws-ipip", []string{"trace", scen + "aws-two-az.yaml", "--from", "org-1/web-0", "--to", "org-1/web-2"}, 0},
		{"trace-azure-mtu", []string{"trace", scen + "azure-vxlan.yaml", "--from", "web/nginx-0", "--to", "web/nginx-1", "--size", "1411"}, 0},
		{"test-scenarios", []string{"test", scen + "aws-two-az.yaml", scen + "rr-failure.yaml"}, 0},
		{"select-labels", []string{"select", "app == 'web' && !has(canary)", "--labels", `{"app":"web"}`}, 0},
		{"select-scenario", []string{"select", "rack == 'a'", scen + "onprem-l3-crosssubnet.yaml"}, 0},
		{"policy-matrix", []string{"policy", scen + "policy-tenant-isolation.yaml", "--matrix"}, 0},
		{"run-rr-failure-timeline", []string{"run", scen + "rr-failure.yaml", "--timeline"}, 0},
		{"routes-rr-failure-at", []string{"routes", scen + "rr-failure.yaml", "--node", "worker-1", "--at", "100s"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut)
			}
			golden(t, tc.name, out)
		})
	}
}

// TestDeterministic runs the same scenarios twice, on one core and on all:
// same bytes.
func TestDeterministic(t *testing.T) {
	for _, args := range [][]string{
		{"run", scen + "rr-failure.yaml", "-o", "json", "--timeline", "--seed", "7"},
		{"run", scen + "large-mesh-no-typha.yaml", "-o", "json"},
		{"test", scen},
	} {
		prev := runtime.GOMAXPROCS(1)
		a, _, _ := run(t, args...)
		runtime.GOMAXPROCS(max(prev, 4))
		b, _, _ := run(t, args...)
		runtime.GOMAXPROCS(prev)
		if a != b || a == "" {
			t.Errorf("%v: two runs differ (GOMAXPROCS 1 and %d)", args, max(prev, 4))
		}
	}
}

// TestBadInput: the input or the command line is wrong: exit 2, the file,
// line and field named, no panic or stack trace.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badCIDR := write("bad-cidr.yaml", `apiVersion: calisim/v1alpha1
kind: Scenario
metadata: {name: bad}
spec:
  underlay:
    subnets:
      - {name: a, cidr: 10.0.0.0/24}
      - {name: b, cidr: 10.0.0.0/33}
  nodes:
    - {name: n1, subnet: a}
`)
	empty := write("empty.yaml", "")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"cidr", []string{"validate", badCIDR}, []string{"bad-cidr.yaml:8:", "spec.underlay.subnets[1].cidr", "10.0.0.0/33"}},
		{"run cidr", []string{"run", badCIDR}, []string{"bad-cidr.yaml:8:", "spec.underlay.subnets[1].cidr"}},
		{"empty", []string{"validate", empty}, []string{"empty.yaml"}},
		{"missing file", []string{"run", filepath.Join(dir, "nope.yaml")}, []string{"nope.yaml"}},
		{"bad selector", []string{"select", "a ==", "--labels", "{}"}, []string{"col"}},
		{"bad flag", []string{"run", badCIDR, "--bogus"}, []string{"unknown flag"}},
		{"bad port", []string{"trace", scen + "aws-two-az.yaml", "--from", "org-1/web-0", "--to", "org-1/web-1", "--port", "tcp/70000"}, []string{"--port"}},
		{"unknown ref", []string{"trace", scen + "aws-two-az.yaml", "--from", "org-1/nope", "--to", "org-1/web-1"}, []string{"from org-1/nope", "no pod or workload"}},
		{"unknown node", []string{"routes", scen + "aws-two-az.yaml", "--node", "nope"}, []string{"nope"}},
		{"unknown engine", []string{"run", scen + "aws-two-az.yaml", "--engine", "quagga"}, []string{"quagga", "model"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, tc.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			all := out + errOut
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			if strings.Contains(all, "goroutine ") || strings.Contains(all, "panic") {
				t.Errorf("stack trace in output:\n%s", all)
			}
		})
	}
}

func TestTestCommandCounts(t *testing.T) {
	out, _, code := run(t, "test", scen+"switching-modes-ipip.yaml")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; last != "6 passed, 0 failed" || code != 0 {
		t.Errorf("last line %q exit %d, want \"6 passed, 0 failed\" and 0", last, code)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("apiVersion: calisim/v1alpha1\nkind: Scenario\nspec: {nodes: [{name: x, subnet: nowhere}]}\n"), 0o644)
	out, _, code = run(t, "test", bad, scen+"switching-modes-ipip.yaml", "--junit", filepath.Join(dir, "j.xml"))
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; last != "6 passed, 1 failed" || code != 1 {
		t.Errorf("last line %q exit %d, want \"6 passed, 1 failed\" and 1", last, code)
	}
	j, err := os.ReadFile(filepath.Join(dir, "j.xml"))
	if err != nil || !strings.Contains(string(j), "<testsuites>") || !strings.Contains(string(j), "<failure") {
		t.Errorf("junit report missing or without the failure: %v\n%s", err, j)
	}
}

func TestCompletion(t *testing.T) {
	out, _, code := run(t, "__complete", "routes", scen+"aws-two-az.yaml", "--node", "")
	if code != 0 || !strings.Contains(out, "worker-b-2\n") || !strings.Contains(out, "master\n") {
		t.Errorf("--node completion: exit %d\n%s", code, out)
	}
	out, _, _ = run(t, "__complete", "trace", scen+"aws-two-az.yaml", "--from", "")
	for _, want := range []string{"org-1/web\n", "org-1/web-3\n", "node/master\n", "router/vpc\n", "external/internet\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("--from completion lacks %q:\n%s", want, out)
		}
	}
}

// The all-pairs policy views refuse clusters past sim.MaxMatrixPods.
func TestPolicyMatrixBound(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yaml")
	body := "apiVersion: calisim/v1alpha1\nkind: Scenario\nspec:\n  underlay: {subnets: [{name: a, cidr: 10.0.0.0/24}]}\n" +
		"  nodes: [{name: n1, subnet: a}]\n  namespaces: [{name: x}]\n" +
		"  workloads: [{name: w, namespace: x, replicas: 20001}]\n---\napiVersion: projectcalico.org/v3\nkind: IPPool\n" +
		"metadata: {name: p}\nspec: {cidr: 10.128.0.0/9, blockSize: 20}\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := run(t, "policy", p, "--matrix")
	if code != 2 || !strings.Contains(errOut, "20001 pods") {
		t.Errorf("exit %d, stderr %q; want 2 naming 20001 pods", code, errOut)
	}
}
