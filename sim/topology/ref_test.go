package topology

import (
	"net/netip"
	"testing"
)

func TestParseRef(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Ref
		err  bool
	}{
		{in: "org-1/web", want: Ref{Kind: RefWorkload, Namespace: "org-1", Name: "web"}},
		{in: "org-1/web-2", want: Ref{Kind: RefWorkload, Namespace: "org-1", Name: "web-2"}},
		{in: "node/rr-1", want: Ref{Kind: RefNode, Name: "rr-1"}},
		{in: "router/vpc", want: Ref{Kind: RefRouter, Name: "vpc"}},
		{in: "external/internet", want: Ref{Kind: RefExternal, Name: "internet"}},
		{in: "8.8.8.8", want: Ref{Kind: RefIP, Addr: netip.MustParseAddr("8.8.8.8")}},
		{in: "2001:db8::1", want: Ref{Kind: RefIP, Addr: netip.MustParseAddr("2001:db8::1")}},
		{in: "", err: true},
		{in: "web", err: true},
		{in: "a/b/c", err: true},
		{in: "/web", err: true},
		{in: "node/", err: true},
		{in: "ns/we b", err: true},
		{in: "fe80::1%eth0", err: true},
	} {
		got, err := ParseRef(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParseRef(%q): error %v", tc.in, err)
			continue
		}
		if err != nil {
			continue
		}
		tc.want.Raw = tc.in
		if got != tc.want {
			t.Errorf("ParseRef(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if got.String() != tc.in {
			t.Errorf("String() = %q, want %q", got.String(), tc.in)
		}
	}
}

func TestParsePort(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Port
		str  string
		err  bool
	}{
		{in: "tcp/443", want: Port{ProtoTCP, 443}, str: "tcp/443"},
		{in: "udp/53", want: Port{ProtoUDP, 53}, str: "udp/53"},
		{in: "sctp/9", want: Port{ProtoSCTP, 9}, str: "sctp/9"},
		{in: "icmp", want: Port{ProtoICMP, 0}, str: "icmp"},
		{in: "TCP/80", want: Port{ProtoTCP, 80}, str: "tcp/80"},
		{in: "tcp/65535", want: Port{ProtoTCP, 65535}, str: "tcp/65535"},
		{in: "tcp/0", err: true},
		{in: "tcp/65536", err: true},
		{in: "tcp/+80", err: true},
		{in: "tcp", err: true},
		{in: "icmp/8", err: true},
		{in: "gre/1", err: true},
		{in: "", err: true},
	} {
		got, err := ParsePort(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParsePort(%q): error %v", tc.in, err)
			continue
		}
		if err == nil && (got != tc.want || got.String() != tc.str) {
			t.Errorf("ParsePort(%q) = %v (%q), want %v (%q)", tc.in, got, got.String(), tc.want, tc.str)
		}
	}
	if DefaultPort().String() != "tcp/80" {
		t.Errorf("default port %v", DefaultPort())
	}
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"org-1/web", "node/a", "router/r", "external/e", "10.0.0.1", "::1", "a/b/c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRef(s)
		if err != nil {
			return
		}
		back, err := ParseRef(r.String())
		if err != nil {
			t.Fatalf("ParseRef(%q).String() = %q does not parse: %v", s, r.String(), err)
		}
		back.Raw, r.Raw = "", ""
		if back != r {
			t.Fatalf("round trip of %q: %+v != %+v", s, back, r)
		}
	})
}

func FuzzParsePort(f *testing.F) {
	for _, s := range []string{"tcp/443", "udp/53", "icmp", "sctp/1", "tcp/0", "TCP/80", "tcp/99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePort(s)
		if err != nil {
			return
		}
		back, err := ParsePort(p.String())
		if err != nil || back != p {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
		if p.Proto != ProtoICMP && p.Num == 0 {
			t.Fatalf("%q: port 0 accepted", s)
		}
	})
}
