package gobgp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
)

// GoBGP v3.37.0's (*BgpServer).Serve loops forever: StopBgp closes the
// listeners and the peers but leaves the loop (one goroutine per server)
// blocked on the server's management channel. The engine must leave no
// goroutine behind, so once a server is stopped and nothing can talk to it
// any more, its loop is ended by closing that (unexported) channel: the
// loop receives a nil operation, dereferences it and panics, and the
// goroutine that runs Serve recovers and returns. Reaching the channel
// takes reflect and unsafe; TestServeStops fails if a GoBGP upgrade moves
// it. What Serve had accepted but not yet handed to a peer is closed too.

// serveLoop is one server's Serve goroutine.
type serveLoop struct {
	srv      *server.BgpServer
	done     chan struct{}
	stopping atomic.Bool
	crash    atomic.Value // a panic that was not the engine's stop (string)
}

func startServe(srv *server.BgpServer) *serveLoop {
	l := &serveLoop{srv: srv, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		defer func() {
			if r := recover(); r != nil && !l.stopping.Load() {
				l.crash.Store(fmt.Sprint(r))
			}
		}()
		srv.Serve()
	}()
	return l
}

// crashed reports a panic inside GoBGP's loop that the engine did not cause.
func (l *serveLoop) crashed() error {
	if v := l.crash.Load(); v != nil {
		return fmt.Errorf("gobgp engine: GoBGP's server loop panicked: %s", v)
	}
	return nil
}

// end stops the loop of a server that StopBgp has stopped and that no
// goroutine will call again, and closes connections it accepted but never
// handled.
func (l *serveLoop) end(timeout time.Duration) error {
	mgmt, err := unexportedChan(l.srv, "mgmtCh")
	if err != nil {
		return err
	}
	// One last round trip through the loop: every operation sent before
	// (a watcher's unregistering) is handled by then, and the close below
	// is ordered after those sends for the race detector too.
	l.srv.ListPeer(context.Background(), &api.ListPeerRequest{}, func(*api.Peer) {})
	l.stopping.Store(true)
	mgmt.Close()
	select {
	case <-l.done:
	case <-time.After(timeout):
		return errors.New("gobgp engine: a GoBGP server loop did not stop")
	}
	if acc, err := unexportedChan(l.srv, "acceptCh"); err == nil && !acc.IsNil() {
		for {
			v, ok := acc.TryRecv()
			if !ok || !v.IsValid() {
				break
			}
			if c, isConn := v.Interface().(*net.TCPConn); isConn && c != nil {
				c.Close()
			}
		}
	}
	return nil
}

// inLoop runs f on the server's loop goroutine, the way GoBGP's own API
// calls do (a management operation), and returns its error.
func (l *serveLoop) inLoop(f func() error) error {
	mgmt, err := unexportedChan(l.srv, "mgmtCh")
	if err != nil {
		return err
	}
	ptr := mgmt.Type().Elem()
	if ptr.Kind() != reflect.Pointer || ptr.Elem().Kind() != reflect.Struct {
		return errors.New("gobgp engine: GoBGP's management operation is not a struct pointer (the engine is written for v3.37.0)")
	}
	op := reflect.New(ptr.Elem())
	errCh := make(chan error)
	for name, v := range map[string]any{"f": f, "errCh": errCh, "timestamp": time.Now()} {
		fv := op.Elem().FieldByName(name)
		if !fv.IsValid() || fv.Type() != reflect.TypeOf(v) {
			return fmt.Errorf("gobgp engine: GoBGP's management operation has no field %s of type %T (the engine is written for v3.37.0)", name, v)
		}
		reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem().Set(reflect.ValueOf(v))
	}
	mgmt.Send(op)
	return <-errCh
}

// drained reports, from inside the loop, whether the server has finished
// tearing down every peer it had: GoBGP frees a deleted peer's handler (and
// waits for its goroutines) when the loop handles the peer's last message,
// after DeletePeer has returned.
func (l *serveLoop) drained() (bool, error) {
	var empty bool
	err := l.inLoop(func() error {
		v := reflect.ValueOf(l.srv).Elem().FieldByName("incomings")
		if !v.IsValid() || v.Kind() != reflect.Slice {
			return errors.New("gobgp engine: GoBGP's BgpServer has no incomings list (the engine is written for v3.37.0)")
		}
		empty = v.Len() == 0
		return nil
	})
	return empty, err
}

// unexportedChan reaches the channel field name of a BgpServer.
func unexportedChan(srv *server.BgpServer, name string) (reflect.Value, error) {
	v := reflect.ValueOf(srv).Elem().FieldByName(name)
	if !v.IsValid() || v.Kind() != reflect.Chan {
		return reflect.Value{}, fmt.Errorf("gobgp engine: GoBGP's BgpServer has no channel %s (the engine is written for v3.37.0)", name)
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem(), nil
}

// watchFrame is the function GoBGP runs in the goroutine WatchEvent starts;
// when it returns, it unregisters the watcher through the server's loop.
const watchFrame = "github.com/osrg/gobgp/v3/pkg/server.(*BgpServer).WatchEvent.func"

// waitWatchers waits until no goroutine of GoBGP's WatchEvent is left: they
// end after their context is cancelled, and each must finish unregistering
// (a call into its server's loop) before the loops are ended. Runs of the
// engine are serialised, so every such goroutine in the process is ours.
func waitWatchers(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n == len(buf) {
			buf = make([]byte, 2*len(buf))
			continue
		}
		if !bytes.Contains(buf[:n], []byte(watchFrame)) {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("gobgp engine: GoBGP's event watchers did not stop")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
