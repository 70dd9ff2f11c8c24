package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// pingResult is what one `ping -M do` said.
type pingResult struct {
	OK     bool
	Detail string // the line that says why not
}

// ping sends ICMP echo requests with DF set from inside ns, each IP packet
// iplen bytes long (ICMP payload = iplen - 20 - 8), and reports whether any
// reply came back within about a second.
func ping(ctx context.Context, ns string, dst netip.Addr, iplen int) pingResult {
	payload := max(iplen-28, 0)
	argv := []string{"ip", "netns", "exec", ns, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "1",
		"-M", "do", "-s", strconv.Itoa(payload), dst.String()}
	out, err := run(ctx, argv, "")
	head := fmt.Sprintf("ping -M do -s %d", payload)
	if err == nil {
		return pingResult{OK: true, Detail: head + ": reply"}
	}
	return pingResult{Detail: head + ": " + pingWhy(out)}
}

// pingWhy picks the line of ping's output that says why no reply came: a
// local error ("ping: local error: message too long, mtu=1450") or an ICMP
// error from the way ("From 10.0.1.1 icmp_seq=1 Frag needed and DF set").
func pingWhy(out string) string {
	for _, line := range strings.Split(out, "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "ping: ") {
			return strings.TrimPrefix(l, "ping: ")
		}
		if strings.HasPrefix(l, "From ") {
			if i := strings.Index(l, "icmp_seq="); i > 0 {
				if j := strings.IndexByte(l[i:], ' '); j > 0 {
					return strings.TrimSpace(l[:i]) + " " + strings.TrimSpace(l[i+j:])
				}
			}
			return l
		}
	}
	return "no reply"
}

// listeners keeps one TCP listener per (namespace, port) for the TCP
// probes, accepting and closing every connection.
type listeners struct {
	mu sync.Mutex
	ls map[string]net.Listener
}

func (ls *listeners) ensure(ns string, port int) error {
	key := ns + "/" + strconv.Itoa(port)
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.ls == nil {
		ls.ls = map[string]net.Listener{}
	}
	if _, ok := ls.ls[key]; ok {
		return nil
	}
	var l net.Listener
	err := inNetns(ns, func() error {
		var err error
		l, err = net.Listen("tcp4", ":"+strconv.Itoa(port))
		return err
	})
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil // something already listens there (BIRD on 179): connects still tell
	}
	if err != nil {
		return err
	}
	ls.ls[key] = l
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return nil
}

func (ls *listeners) close() {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for k, l := range ls.ls {
		l.Close()
		delete(ls.ls, k)
	}
}

// tcpConnect opens a TCP connection from inside ns to dst:port.
func tcpConnect(ctx context.Context, ns string, dst netip.Addr, port int) (bool, string) {
	var conn net.Conn
	var derr error
	err := inNetns(ns, func() error {
		d := net.Dialer{Timeout: 2 * time.Second}
		// The socket is made here, inside ns; the handshake may finish on any
		// thread, the socket stays in ns.
		conn, derr = d.DialContext(ctx, "tcp4", netip.AddrPortFrom(dst, uint16(port)).String())
		return nil
	})
	if err != nil {
		return false, err.Error()
	}
	if derr != nil {
		var oe *net.OpError
		if errors.As(derr, &oe) && oe.Err != nil {
			return false, fmt.Sprintf("tcp connect :%d: %v", port, oe.Err)
		}
		return false, fmt.Sprintf("tcp connect :%d: %v", port, derr)
	}
	conn.Close()
	return true, fmt.Sprintf("tcp connect :%d: established", port)
}
