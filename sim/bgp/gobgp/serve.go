package gobgp

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"reflect"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

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
