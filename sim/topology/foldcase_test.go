package topology

import (
	"strings"
	"testing"
)

// A container port written in another case (as tools built on Go's
// encoding/json accept it) loads with a warning; elsewhere the case matters.
func TestFoldCaseContainerPorts(t *testing.T) {
	const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          ports:
            - {name: http, containerport: 8080, protocol: TCP}
`
	sc, err := LoadBytes("deploy.yaml", []byte(deploy))
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Pods) != 1 || len(sc.Pods[0].Ports) != 1 || sc.Pods[0].Ports[0].Port != 8080 {
		t.Fatalf("containerport not read as containerPort: %+v", sc.Pods)
	}
	found := false
	for _, w := range sc.Warnings {
		if strings.Contains(w.Message, `"containerport" read as "containerPort"`) && w.Pos.Line == 13 {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning at line 13 about containerport: %v", sc.Warnings)
	}

	_, err = LoadBytes("deploy.yaml", []byte(strings.Replace(deploy, "  replicas: 1", "  Replicas: 1", 1)))
	if err == nil || !strings.Contains(err.Error(), "deploy.yaml:5:") || !strings.Contains(err.Error(), `did you mean "replicas"`) {
		t.Errorf("spec.Replicas was not refused with did-you-mean at line 5: %v", err)
	}
}
