package policy

import (
	"context"
	"testing"
)

func benchmarkMatrix(b *testing.B, pods, namespaces, policies int) {
	w := genWorld(1, pods, namespaces, policies)
	b.ReportAllocs()
	for b.Loop() {
		e, err := New(&w.sc, w.addrs)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Matrix(context.Background(), tcpPort(80)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatrix2000 is `calisim policy --matrix` at 2,000 pods, 40
// namespaces and 500 policies, one port: compile and matrix.
func BenchmarkMatrix2000(b *testing.B) { benchmarkMatrix(b, 2000, 40, 500) }

// BenchmarkMatrix10000 is the same at 10,000 pods, 200 namespaces, 2,500 policies.
func BenchmarkMatrix10000(b *testing.B) { benchmarkMatrix(b, 10000, 200, 2500) }

// BenchmarkNew2000 is the compile step alone.
func BenchmarkNew2000(b *testing.B) {
	w := genWorld(1, 2000, 40, 500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(&w.sc, w.addrs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerdict is one scalar verdict at 2,000 pods and 500 policies.
func BenchmarkVerdict(b *testing.B) {
	w := genWorld(1, 2000, 40, 500)
	e := w.engine(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e.Verdict(e.Pod(i%2000), e.Pod((i*7+3)%2000), tcpPort(80))
		i++
	}
}

// BenchmarkDecidedMatrix2000 is Matrix2000 recording what decided each pair.
func BenchmarkDecidedMatrix2000(b *testing.B) {
	w := genWorld(1, 2000, 40, 500)
	e := w.engine(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.DecidedMatrix(context.Background(), tcpPort(80)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatrixOnly2000 is the matrix step alone, the engine compiled once.
func BenchmarkMatrixOnly2000(b *testing.B) {
	w := genWorld(1, 2000, 40, 500)
	e := w.engine(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Matrix(context.Background(), tcpPort(80)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConnlist2000 is the workload connectivity list at 2,000 pods
// (320 workloads), 500 policies: every port class of every protocol.
func BenchmarkConnlist2000(b *testing.B) {
	w := genWorld(1, 2000, 40, 500)
	e := w.engine(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Connlist(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
