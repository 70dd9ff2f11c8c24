package packet

import (
	"bytes"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/calisim/calisim/sim/topology"
)

// handTrace is a trace made from the builders alone: a pod's TCP SYN, its
// IPIP and VXLAN encapsulations, a UDP datagram and an ICMP echo.
func handTrace(t testing.TB) *Trace {
	t.Helper()
	pod, peer := netip.MustParseAddr("10.244.32.130"), netip.MustParseAddr("10.244.58.195")
	n1, n2 := netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("10.0.2.20")
	mac1, mac2 := [6]byte{2, 0, 0, 0, 0, 1}, [6]byte{2, 0, 0, 0, 0, 2}
	tr := &Trace{}
	add := func(at string, ip []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		f, err := Frame(mac1, mac2, ip)
		if err != nil {
			t.Fatal(err)
		}
		tr.Hops = append(tr.Hops, Hop{At: at, Frame: f, IPLen: len(ip)})
	}
	for _, port := range []topology.Port{{Proto: topology.ProtoTCP, Num: 80}, {Proto: topology.ProtoTCP, Num: 443}, {Proto: topology.ProtoUDP, Num: 53}, {Proto: topology.ProtoICMP}} {
		inner, err := NewPacket(pod, peer, port, 1000).Bytes()
		add("pod/a/b", inner, err)
		ipip, err := IPIP(n1, n2, inner)
		add("node/x", ipip, err)
		vx, err := VXLAN(n1, n2, [6]byte{0x66, 1}, [6]byte{0x66, 2}, inner)
		add("node/y", vx, err)
	}
	small, err := NewPacket(pod, peer, topology.Port{Proto: topology.ProtoUDP, Num: 9999}, 0).Bytes()
	add("pod/a/b", small, err)
	tr.Hops = append(tr.Hops, Hop{At: "router/r"}) // no frame: skipped
	return tr
}

func TestWritePcapRoundTrip(t *testing.T) {
	tr := handTrace(t)
	var buf bytes.Buffer
	if err := WritePcap(&buf, tr); err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Fatalf("link type %v", r.LinkType())
	}
	n := 0
	for i, h := range tr.Hops {
		if len(h.Frame) == 0 {
			continue
		}
		data, ci, err := r.ReadPacketData()
		if err != nil {
			t.Fatalf("packet %d: %v", n, err)
		}
		if !bytes.Equal(data, h.Frame) || ci.Length != len(h.Frame) {
			t.Fatalf("hop %d: frame differs", i)
		}
		if pk := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default); pk.ErrorLayer() != nil {
			t.Fatalf("hop %d: %v", i, pk.ErrorLayer().Error())
		}
		n++
	}
	if _, _, err := r.ReadPacketData(); err == nil {
		t.Fatal("more packets than hops with frames")
	}
	var again bytes.Buffer
	if err := WritePcap(&again, handTrace(t)); err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	_ = WritePcap(&first, tr)
	if !bytes.Equal(first.Bytes(), again.Bytes()) {
		t.Fatal("two writes of the same trace differ")
	}
	if err := WritePcap(&again, nil); err == nil {
		t.Fatal("nil trace accepted")
	}
}

// TestPcapTshark decodes the file with tshark, with checksum validation on,
// and fails on any malformed packet or expert error. Skipped without tshark.
func TestPcapTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed")
	}
	if bad := tsharkCheck(t, tshark, handTrace(t), 13, []string{"ip.proto == 4", "vxlan.vni == 4096 && udp.dstport == 4789"}); len(bad) > 0 {
		t.Fatalf("tshark found malformed packets or errors:\n%s", strings.Join(bad, "\n"))
	}
	// The check itself must be able to fail: a broken TCP checksum is an
	// expert error.
	tr := handTrace(t)
	f := tr.Hops[0].Frame
	f[14+20+16] ^= 0xff
	if bad := tsharkCheck(t, tshark, tr, 13, nil); len(bad) == 0 {
		t.Fatal("tshark did not flag a frame with a broken TCP checksum")
	}
}

// tsharkCheck writes tr to a pcap file, checks that tshark reads wantPackets
// packets and that each mustMatch filter matches one, and returns the lines
// of malformed packets and expert errors.
func tsharkCheck(t *testing.T, tshark string, tr *Trace, wantPackets int, mustMatch []string) []string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "trace.pcap")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePcap(f, tr); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	run := func(filter string) []string {
		t.Helper()
		args := []string{"-r", file, "-n",
			"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
			"-T", "fields", "-e", "frame.number", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info"}
		if filter != "" {
			args = append(args, "-Y", filter)
		}
		cmd := exec.Command(tshark, args...)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tshark %v: %v\n%s", args, err, out)
		}
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" && !strings.Contains(l, "Running as user") {
				lines = append(lines, l)
			}
		}
		return lines
	}
	if all := run(""); len(all) != wantPackets {
		t.Fatalf("tshark read %d packets, want %d:\n%s", len(all), wantPackets, strings.Join(all, "\n"))
	}
	for _, f := range mustMatch {
		if got := run(f); len(got) == 0 {
			t.Errorf("no packet matches %q", f)
		}
	}
	return run("_ws.malformed || _ws.expert.severity >= error")
}
