package gobgp

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/calisim/calisim/sim/bgp"
	"github.com/calisim/calisim/sim/topology"
)

// Every socket and goroutine the engine made is gone when Run returns:
// after a full run, after a run with a node restarted (a retired server),
// and after a run whose context is cancelled half way.
func TestNoLeaks(t *testing.T) {
	p := planOf(t, "mesh-5.yaml", meshYAML(5))
	cases := []struct {
		name    string
		timeout time.Duration
		opts    bgp.Options
		wantErr error
	}{
		{name: "full run", timeout: time.Minute},
		{name: "node restarted", timeout: time.Minute, opts: bgp.Options{Failures: []topology.Failure{
			{At: time.Second, Action: topology.FailDown, Target: topology.FailureTarget{Kind: "node", Name: "n-2"}},
			{At: 2 * time.Second, Action: topology.FailUp, Target: topology.FailureTarget{Kind: "node", Name: "n-2"}},
		}}},
		{name: "cancelled while connecting", timeout: 300 * time.Millisecond, wantErr: context.DeadlineExceeded},
		{name: "cancelled while settling", timeout: 1800 * time.Millisecond, wantErr: context.DeadlineExceeded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			goroutines := settleGoroutines(0, 200*time.Millisecond)
			sockets := socketFDs(t)
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			_, err := New().Run(ctx, p, tc.opts)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if got := socketFDs(t); got > sockets {
				t.Errorf("%d sockets open after the run, %d before", got, sockets)
			}
			if got := settleGoroutines(goroutines, 5*time.Second); got > goroutines {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				t.Errorf("%d goroutines after the run, %d before:\n%s", got, goroutines, buf[:n])
			}
		})
	}
}

// TestServeStops proves that the way the engine ends GoBGP's server loop
// (closing its management channel) still works with the GoBGP in go.mod.
func TestServeStops(t *testing.T) {
	p := planOf(t, "mesh-2.yaml", meshYAML(2))
	n, err := startNetwork(context.Background(), layoutOf(p), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := n.close(); err != nil {
		t.Fatal(err)
	}
	for sp, k := range n.sp {
		select {
		case <-k.loop.done:
		default:
			t.Errorf("speaker %d: server loop still running", sp)
		}
		if err := k.loop.crashed(); err != nil {
			t.Errorf("speaker %d: %v", sp, err)
		}
	}
	buf := make([]byte, 1<<20)
	if n := runtime.Stack(buf, true); bytes.Contains(buf[:n], []byte("(*BgpServer).Serve")) {
		t.Errorf("a Serve loop is left:\n%s", buf[:n])
	}
}
