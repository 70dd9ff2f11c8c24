package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// execute runs one command line the way main does and returns what it
// printed and its exit code.
func execute(t *testing.T, args ...string) (string, int) {
	t.Helper()
	root, stop := newRoot()
	defer stop()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return out.String(), 0
	}
	if !isSilent(err) {
		out.WriteString("error: " + err.Error())
	}
	return out.String(), exitCode(err)
}

func scenario(name string) string { return filepath.Join("..", "..", "scenarios", name) }

func TestDiagramCommand(t *testing.T) {
	dir := t.TempDir()
	for _, view := range []string{"topology", "bgp", "path"} {
		for _, format := range []string{"svg", "png", "dot"} {
			t.Run(view+"-"+format, func(t *testing.T) {
				file := filepath.Join(dir, view+"."+format)
				out, code := execute(t, "diagram", scenario("aws-two-az.yaml"), "--view", view, "--format", format, "-o", file)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, out)
				}
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				switch format {
				case "svg":
					d := xml.NewDecoder(bytes.NewReader(b))
					for {
						if _, err := d.Token(); err == io.EOF {
							break
						} else if err != nil {
							t.Fatalf("SVG: %v", err)
						}
					}
				case "png":
					img, err := png.Decode(bytes.NewReader(b))
					if err != nil || img.Bounds().Dx() < 100 {
						t.Fatalf("PNG: %v", err)
					}
				case "dot":
					if !strings.HasPrefix(string(b), "digraph") {
						t.Fatalf("not DOT: %.40q", b)
					}
				}
			})
		}
	}
	out, code := execute(t, "diagram", scenario("aws-two-az.yaml"), "--view", "path", "--from", "org-1/web-0", "--to", "org-1/web-1", "--format", "dot")
	if code != 0 || !strings.Contains(out, "src-dst-check") {
		t.Errorf("path of a dropped pair: exit %d\n%s", code, out)
	}
	out, code = execute(t, "diagram", scenario("rr-failure.yaml"), "--view", "bgp", "--at", "12s", "--format", "dot")
	if code != 0 || !strings.Contains(out, "BGP at 12s") {
		t.Errorf("--at: exit %d\n%s", code, out)
	}
	for _, bad := range [][]string{
		{"diagram", scenario("aws-two-az.yaml"), "--view", "nope"},
		{"diagram", scenario("aws-two-az.yaml"), "--format", "gif"},
		{"diagram", scenario("aws-two-az.yaml"), "--view", "bgp", "--from", "org-1/web-0", "--to", "org-1/web-1"},
		{"diagram", scenario("aws-two-az.yaml"), "--view", "path", "--from", "org-1/web-0"},
		{"diagram", "no-such-file.yaml"},
	} {
		if out, code := execute(t, bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", bad, code, out)
		}
	}
}

func TestPlanCommand(t *testing.T) {
	out, code := execute(t, "plan", scenario("azure-ipip-blocked.yaml"), "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var p struct {
		Options []struct {
			Encapsulation string `json:"encapsulation"`
			BGP           string `json:"bgp"`
			Pairs         int    `json:"pairs"`
			Reachable     int    `json:"reachable"`
			Recommended   bool   `json:"recommended"`
		} `json:"options"`
		Recommendation string `json:"recommendation"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	n := 0
	for _, o := range p.Options {
		if o.Recommended {
			n++
			if o.Encapsulation != "vxlan" {
				t.Errorf("Azure: recommended %s, want vxlan", o.Encapsulation)
			}
		}
	}
	if n != 1 || p.Recommendation == "" {
		t.Errorf("%d recommended, reason %q", n, p.Recommendation)
	}
	out, code = execute(t, "plan", scenario("onprem-l2-native.yaml"))
	if code != 0 || !strings.Contains(out, "Recommended (*): none / full-mesh") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	if _, code := execute(t, "plan", scenario("onprem-l2-native.yaml"), "-o", "yaml"); code != 2 {
		t.Errorf("-o yaml: exit %d, want 2", code)
	}
}

func TestDiffCommand(t *testing.T) {
	out, code := execute(t, "diff", scenario("aws-two-az.yaml"), scenario("aws-two-az.yaml"))
	if code != 0 || !strings.Contains(out, "no differences") {
		t.Errorf("same file: exit %d\n%s", code, out)
	}
	out, code = execute(t, "diff", scenario("azure-ipip-blocked.yaml"), scenario("azure-vxlan.yaml"))
	if code != 1 {
		t.Errorf("IPIP against VXLAN: exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"reachability: dropped at subnet/vnet: protocol-blocked -> delivered", "ROUTES", "dev vxlan.calico"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q", want)
		}
	}
	out, code = execute(t, "diff", scenario("azure-ipip-blocked.yaml"), scenario("azure-vxlan.yaml"), "-o", "json")
	var d struct {
		Changes []struct{ Section, Subject, Field, A, B string } `json:"changes"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &d) != nil || len(d.Changes) == 0 {
		t.Errorf("json: exit %d\n%s", code, out)
	}
	if _, code := execute(t, "diff", scenario("aws-two-az.yaml")); code != 2 {
		t.Errorf("one file: exit %d, want 2", code)
	}
	if _, code := execute(t, "diff", scenario("aws-two-az.yaml"), scenario("aws-two-az.yaml"), "-o", "table"); code != 2 {
		t.Errorf("-o table: exit %d, want 2", code)
	}
}

func TestReportCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "r.html")
	out, code := execute(t, "report", scenario("rr-failure.yaml"), "-o", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"<h1>rr-failure</h1>", "BGP sessions over virtual time", "Recommended:", "<svg"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	out, code = execute(t, "report", scenario("onprem-l2-native.yaml"), "--no-plan")
	if code != 0 || !strings.Contains(out, "No plan in this report") {
		t.Errorf("--no-plan to stdout: exit %d", code)
	}
}
