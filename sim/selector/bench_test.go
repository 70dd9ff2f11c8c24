package selector

import (
	"fmt"
	"testing"
)

var benchExprs = []struct{ name, expr string }{
	{"all", ""},
	{"eq", "app == 'web'"},
	{"policy", "app == 'web' && tier in {'front', 'back'} && !has(quarantine) || env not in {'dev', 'test'}"},
	{"strings", "kubernetes.io/hostname starts with 'worker-a' && app contains 'e' && env ends with 'd'"},
	{"bigset", "tier in {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'front'}"},
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range benchExprs {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bc.expr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMatches(b *testing.B) {
	labels := Map{
		"app": "web", "tier": "front", "env": "prod",
		"kubernetes.io/hostname": "worker-a-1", "projectcalico.org/namespace": "shop",
		"projectcalico.org/orchestrator": "k8s", "pod-template-hash": "5d8f9c",
	}
	for _, bc := range benchExprs {
		s, err := Parse(bc.expr)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Matches(labels)
			}
		})
	}
}

// BenchmarkMatrix evaluates 500 policy selectors against 2,000 pods, the
// size of the policy matrix the simulator builds; one op is the whole matrix.
func BenchmarkMatrix(b *testing.B) {
	pods := make([]Labels, 2000)
	for i := range pods {
		pods[i] = Map{
			"app":                         fmt.Sprintf("app-%d", i%50),
			"tier":                        []string{"front", "back", "db"}[i%3],
			"env":                         []string{"prod", "dev"}[i%2],
			"projectcalico.org/namespace": fmt.Sprintf("ns-%d", i%20),
			"kubernetes.io/hostname":      fmt.Sprintf("worker-%d", i%100),
		}
	}
	sels := make([]*Selector, 500)
	for i := range sels {
		expr := fmt.Sprintf("projectcalico.org/namespace == 'ns-%d' && (app == 'app-%d' || tier in {'front', 'db'}) && env != 'dev' && !has(quarantine)", i%20, i%50)
		s, err := Parse(expr)
		if err != nil {
			b.Fatal(err)
		}
		sels[i] = s
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		for _, s := range sels {
			for _, p := range pods {
				if s.Matches(p) {
					n++
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(sels)*len(pods)), "ns/match")
	if n == 0 {
		b.Fatal("no pod matched")
	}
}
