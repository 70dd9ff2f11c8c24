package policy

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/calisim/calisim/sim/topology"
)

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
