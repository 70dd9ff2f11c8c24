package topology

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree writes files (path -> body) below dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A folder is read with its subfolders, as netpol-analyzer reads a case
// (acs-security-demos keeps each Deployment in a folder of its own); dot
// folders are skipped.
func TestFolderRecursive(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"netpols.yaml": `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: backend}
spec: {podSelector: {}}
`,
		"backend/catalog/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog, namespace: backend}
spec:
  replicas: 2
  selector: {matchLabels: {app: catalog}}
  template:
    metadata: {labels: {app: catalog}}
    spec: {containers: [{name: c, image: x}]}
`,
		"frontend/webapp/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: webapp, namespace: frontend}
spec:
  template:
    metadata: {labels: {app: webapp}}
    spec: {containers: [{name: c, image: x}]}
`,
		".git/config.yaml": "this: [is not: read\n",
	})
	sc, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range sc.Workloads {
		got = append(got, w.Namespace+"/"+w.Name)
	}
	if strings.Join(got, " ") != "backend/catalog frontend/webapp" || len(sc.Pods) != 3 || len(sc.Resources.KubeNetworkPolicies) != 1 {
		t.Errorf("workloads %v, %d pods, %d knps", got, len(sc.Pods), len(sc.Resources.KubeNetworkPolicies))
	}
}

// A file reached through a folder that spec.include names must stay inside
// the scenario's folder, symbolic links included.
func TestIncludeFolderSymlinkOutside(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"scn/s.yaml": head + "  include: [policies]\n",
		"scn/policies/a.yaml": `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: a}
spec: {}
`,
		"secret/x.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
	})
	if _, err := Load(filepath.Join(dir, "scn/s.yaml")); err != nil {
		t.Fatalf("without the link: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, "secret/x.yaml"), filepath.Join(dir, "scn/policies/x.yaml")); err != nil {
		t.Skip(err)
	}
	_, err := Load(filepath.Join(dir, "scn/s.yaml"))
	fes := fieldErrors(t, err)
	if len(fes) != 1 || fes[0].Line != 17 || !strings.Contains(fes[0].Error(), "leaves the scenario's folder") {
		t.Errorf("got %v", err)
	}
}

// A bare Pod's first ownerReference names its workload, as netpol-analyzer
// and kubectl show it; an owner without a kind reads as a Pod.
func TestPodOwnerReferences(t *testing.T) {
	sc := mustLoadBytes(t, `apiVersion: v1
kind: Pod
metadata:
  name: web-7d77fb55cc-abcde
  namespace: shop
  uid: 0b9a4c1e-1111-2222-3333-444455556666
  ownerReferences:
  - apiVersion: apps/v1
    kind: ReplicaSet
    name: web-7d77fb55cc
    uid: 9f0e0c1e-1111-2222-3333-444455556666
    controller: true
    blockOwnerDeletion: true
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: pod-1
  ownerReferences: [{name: internal-security, controller: true}]
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: lonely}
spec: {containers: [{name: c, image: x}]}
`)
	var got []string
	for _, p := range sc.Pods {
		got = append(got, p.Namespace+"/"+p.Name+"="+p.Workload+"["+string(p.Kind)+"]")
	}
	want := "shop/web-7d77fb55cc-abcde=web-7d77fb55cc[ReplicaSet] default/pod-1=internal-security[Pod] default/lonely=lonely[Pod]"
	if strings.Join(got, " ") != want {
		t.Errorf("pods:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	// A field an owner reference does not have is still refused.
	_, err := LoadBytes("p.yaml", []byte(`apiVersion: v1
kind: Pod
metadata:
  name: p
  ownerReferences: [{kind: ReplicaSet, name: r, controler: true}]
spec: {containers: [{name: c, image: x}]}
`))
	fes := fieldErrors(t, err)
	if len(fes) != 1 || fes[0].Line != 5 || fes[0].Path != "metadata.ownerReferences[0].controler" || !strings.Contains(fes[0].Error(), `did you mean "controller"`) {
		t.Errorf("got %v", err)
	}
}

// A value the decoder refuses is reported once: no second error that
// follows from it (an AS number read as 0, a node without an address in a
// subnet whose cidr was refused).
func TestNoCascadingErrors(t *testing.T) {
	for _, c := range []struct {
		name, body string
		line       int
		path, msg  string
	}{
		{"as too big", head + `---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: default}
spec: {asNumber: 4294967296}
`, 21, "spec.asNumber", "4294967296 is out of range"},
		{"as negative", head + `---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: tor}
spec: {peerIP: 10.0.1.1, asNumber: -5}
`, 21, "spec.asNumber", "-5 is out of range"},
		{"cidr refused", strings.Replace(head, "10.0.2.0/24", "10.0.2.0/33", 1) + "  nodes:\n    - {name: n, subnet: b}\n", 10, "spec.underlay.subnets[1].cidr", "is not a valid CIDR"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadBytes("s.yaml", []byte(c.body))
			fes := fieldErrors(t, err)
			if len(fes) != 1 || !strings.Contains(fes[0].Error(), c.msg) || (c.line != 0 && (fes[0].Line != c.line || fes[0].Path != c.path)) {
				t.Errorf("want one error %q at line %d %s, got:\n%v", c.msg, c.line, c.path, err)
			}
		})
	}
}

// An include that leaves the folder is refused as such even when the
// target does not exist (the check comes before any lookup on disk).
func TestIncludeOutsideMissing(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"scn/s.yaml": head + "  include: [../../no/such/file.yaml]\n"})
	_, err := Load(filepath.Join(dir, "scn/s.yaml"))
	fes := fieldErrors(t, err)
	if len(fes) != 1 || fes[0].Line != 17 || !strings.Contains(fes[0].Error(), "leaves the scenario's folder") {
		t.Errorf("got %v", err)
	}
}

// `kubectl get installation` and `calicoctl get ippools` pasted together
// name the operator's pool twice: the IPPool resource is used, with a
// warning; two IPPool resources of one name are still refused.
func TestInstallationPoolAlsoPasted(t *testing.T) {
	install := `apiVersion: operator.tigera.io/v1
kind: Installation
metadata: {name: default}
spec:
  calicoNetwork:
    ipPools:
    - {name: default-ipv4-ippool, cidr: 10.244.0.0/16, encapsulation: VXLANCrossSubnet, natOutgoing: Enabled}
    - {name: second, cidr: 10.245.0.0/16, encapsulation: None}
---
`
	pool := `apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: default-ipv4-ippool}
spec: {cidr: 10.244.0.0/16, ipipMode: CrossSubnet, vxlanMode: Never, natOutgoing: true, blockSize: 26}
`
	sc := mustLoadBytes(t, install+pool)
	p := sc.Resources.IPPools
	if len(p) != 2 || p[0].Name != "default-ipv4-ippool" || p[0].IPIPMode != EncapCrossSubnet || p[1].Name != "second" {
		t.Errorf("pools %+v", p)
	}
	if !hasWarning(sc.Warnings, "also given as an IPPool resource", 7) || !hasWarning(sc.Warnings, "they differ", 7) {
		t.Errorf("warnings %v", sc.Warnings)
	}
	_, err := LoadBytes("s.yaml", []byte(pool+"---\n"+pool))
	if fes := fieldErrors(t, err); len(fes) != 1 || !strings.Contains(fes[0].Error(), "defined twice") {
		t.Errorf("two IPPools of one name: %v", err)
	}
}

// Kubernetes refuses an ipBlock whose except is not a strict subset of its
// cidr.
func TestIPBlockExceptSubset(t *testing.T) {
	doc := func(except string) string {
		return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.1.0.0/16, ` + except + `]
`
	}
	mustLoadBytes(t, doc("10.2.3.4/32"))
	for _, bad := range []string{"192.168.0.0/16", "10.0.0.0/8", "10.0.0.0/7"} {
		_, err := LoadBytes("p.yaml", []byte(doc(bad)))
		fes := fieldErrors(t, err)
		if len(fes) != 1 || fes[0].Line != 10 || fes[0].Path != "spec.ingress[0].from[0].ipBlock.except[1]" || !strings.Contains(fes[0].Error(), "not a strict subset") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// A Tier's defaultAction is read (Deny when absent); other values are
// refused with a suggestion.
func TestTierDefaultAction(t *testing.T) {
	sc := mustLoadBytes(t, `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100, defaultAction: Pass}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: platform}
spec: {order: 200}
`)
	tiers := sc.Resources.Tiers
	if len(tiers) != 2 || tiers[0].DefaultAction != "Pass" || tiers[1].DefaultAction != "Deny" {
		t.Errorf("tiers %+v", tiers)
	}
	_, err := LoadBytes("t.yaml", []byte("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: s}\nspec: {order: 1, defaultAction: pass}\n"))
	fes := fieldErrors(t, err)
	if len(fes) != 1 || fes[0].Line != 4 || fes[0].Path != "spec.defaultAction" || !strings.Contains(fes[0].Error(), `did you mean "Pass"`) {
		t.Errorf("got %v", err)
	}
}

// A near miss of a kind of an API calisim reads is refused as a typo; a
// real kind calisim does not model (v1 Node, close to Pod) is a warning.
func TestKindTypos(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"apiVersion: projectcalico.org/v3\nkind: IPPol\nmetadata: {name: a}\nspec: {cidr: 10.0.0.0/8}\n", `did you mean "IPPool"`},
		{"apiVersion: apps/v1\nkind: Deploymnt\nmetadata: {name: a}\n", `did you mean "Deployment"`},
		{"apiVersion: networking.k8s.io/v1\nkind: NetworkPolcy\nmetadata: {name: a}\n", `did you mean "NetworkPolicy"`},
	} {
		_, err := LoadBytes("k.yaml", []byte(c.doc))
		fes := fieldErrors(t, err)
		if len(fes) != 1 || fes[0].Line != 2 || fes[0].Path != "kind" || !strings.Contains(fes[0].Error(), c.want) {
			t.Errorf("%q: %v", c.doc, err)
		}
	}
	sc := mustLoadBytes(t, `apiVersion: v1
kind: Node
metadata: {name: worker-1}
---
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: s, namespace: a}
---
apiVersion: example.com/v1
kind: IPPol
metadata: {name: x}
`)
	for _, w := range []struct {
		msg  string
		line int
	}{{"kind Node (v1) is not modelled", 2}, {"kind StagedNetworkPolicy (projectcalico.org/v3) is not modelled", 6}, {"kind IPPol (example.com/v1) is not modelled", 10}} {
		if !hasWarning(sc.Warnings, w.msg, w.line) {
			t.Errorf("no warning %q at line %d: %v", w.msg, w.line, sc.Warnings)
		}
	}
}

// A kind under the wrong apiVersion names every apiVersion that serves it,
// in order, the same on every run.
func TestKindWrongAPIVersionDeterministic(t *testing.T) {
	for range 20 {
		_, err := LoadBytes("k.yaml", []byte("apiVersion: v1\nkind: NetworkPolicy\nmetadata: {name: a}\n"))
		fes := fieldErrors(t, err)
		if len(fes) != 1 || fes[0].Path != "apiVersion" || !strings.Contains(fes[0].Error(), `(did you mean "networking.k8s.io/v1" or "projectcalico.org/v3"?)`) {
			t.Fatalf("got %v", err)
		}
	}
}

// Calico v1's ipip and nat-outgoing pool fields are refused as Calico v3
// refuses them (the pool would otherwise run without encapsulation).
func TestIPPoolV1Fields(t *testing.T) {
	_, err := LoadBytes("p.yaml", []byte(`apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: legacy}
spec:
  cidr: 10.250.0.0/16
  ipip: {enabled: true, mode: always}
  nat-outgoing: true
`))
	fes := fieldErrors(t, err)
	if len(fes) != 2 || fes[0].Line != 6 || fes[0].Path != "spec.ipip" || !strings.Contains(fes[0].Error(), "use ipipMode") ||
		fes[1].Line != 7 || fes[1].Path != "spec.nat-outgoing" || !strings.Contains(fes[1].Error(), "use natOutgoing") {
		t.Errorf("got %v", err)
	}
}

// Errors found on a Calico Node once the nodes are known point at the
// offending field's line, not the document's first line.
func TestCalicoNodeErrorLines(t *testing.T) {
	for _, c := range []struct {
		name, addr string
		line       int
		path, msg  string
	}{
		{"n9", "10.0.1.99/24", 23, "metadata.name", `names no node of the scenario`},
		{"n1", "10.0.9.20/24", 26, "spec.bgp.ipv4Address", "is in no subnet"},
	} {
		_, err := LoadBytes("s.yaml", []byte(head+`  nodes:
    - {name: n1, subnet: a}
---
apiVersion: projectcalico.org/v3
kind: Node
metadata:
  name: `+c.name+`
spec:
  bgp:
    ipv4Address: `+c.addr+`
`))
		fes := fieldErrors(t, err)
		if len(fes) != 1 || fes[0].Line != c.line || fes[0].Path != c.path || !strings.Contains(fes[0].Error(), c.msg) {
			t.Errorf("%s: got %v", c.name, err)
		}
	}
}

// References checked once the scenario is known (a BGPPeer's node, a
// policy's tier, a workload defined twice, a nodeSelector matching no node)
// are reported at the field's line, List items included.
func TestLateReferenceLines(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		line      int
		path, msg string
	}{
		{"bgppeer node", `apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: p}
spec:
  peerIP: 10.0.1.1
  asNumber: 64600
  node: ghost
`, 25, "spec.node", `unknown node "ghost"`},
		{"tier in a List", `apiVersion: v1
kind: List
items:
- apiVersion: projectcalico.org/v3
  kind: GlobalNetworkPolicy
  metadata: {name: nowhere.p}
  spec:
    tier: nowhere
    selector: all()
`, 26, "items[0].spec.tier", `unknown tier "nowhere"`},
		{"deployment twice", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {template: {spec: {containers: [{name: c}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec: {template: {spec: {containers: [{name: c}]}}}
`, 27, "metadata.name", "defined twice"},
		{"nodeSelector", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      nodeSelector: {disk: ssd}
      containers: [{name: c}]
`, 25, "spec.template.spec.nodeSelector", "matches no node"},
	} {
		_, err := LoadBytes("s.yaml", []byte(head+"  nodes: [{name: n1, subnet: a}]\n---\n"+c.doc))
		fes := fieldErrors(t, err)
		if len(fes) != 1 || fes[0].Line != c.line || fes[0].Path != c.path || !strings.Contains(fes[0].Error(), c.msg) {
			t.Errorf("%s: want line %d %s %q, got %v", c.name, c.line, c.path, c.msg, err)
		}
	}
}
