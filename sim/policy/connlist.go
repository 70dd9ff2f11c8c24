package policy

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/calisim/calisim/sim/topology"
)

// Peer is one end of a connlist line: a workload, or a range of external
// addresses.
type Peer struct {
	Namespace, Name string
	Kind            topology.WorkloadKind
	// External is set for an address range Lo..Hi.
	External bool
	Lo, Hi   netip.Addr
}

func (p Peer) String() string {
	if p.External {
		return p.Lo.String() + "-" + p.Hi.String() + "[External]"
	}
	return p.Namespace + "/" + p.Name + "[" + string(p.Kind) + "]"
}

// PortSpan is an inclusive port range.
type PortSpan struct{ Min, Max uint16 }

// ProtoConns is what one protocol allows.
type ProtoConns struct {
	Proto topology.Proto
	Ports []PortSpan // ICMP: empty
}

// Conns is a set of allowed connections: everything, or some ports of some
// protocols.
type Conns struct {
	All    bool
	Protos []ProtoConns // by protocol name (ICMP, SCTP, TCP, UDP)
}

// String prints netpol-analyzer's form: "All Connections", or e.g.
// "TCP 80,8080-8090,UDP 53".
func (c Conns) String() string {
	if c.All {
		return "All Connections"
	}
	var parts []string
	for _, pc := range c.Protos {
		name := strings.ToUpper(pc.Proto.String())
		if len(pc.Ports) == 0 {
			parts = append(parts, name)
			continue
		}
		ports := make([]string, len(pc.Ports))
		for i, s := range pc.Ports {
			if s.Min == s.Max {
				ports[i] = strconv.Itoa(int(s.Min))
			} else {
				ports[i] = fmt.Sprintf("%d-%d", s.Min, s.Max)
			}
		}
		parts = append(parts, name+" "+strings.Join(ports, ","))
	}
	return strings.Join(parts, ",")
}

// Conn is one line of the connectivity list.
type Conn struct {
	Src, Dst Peer
	Conns    Conns
}

func (c Conn) String() string {
	return c.Src.String() + " => " + c.Dst.String() + " : " + c.Conns.String()
}

// connProtos are the protocols a connlist covers, in print order.
var connProtos = []topology.Proto{topology.ProtoICMP, topology.ProtoSCTP, topology.ProtoTCP, topology.ProtoUDP}

// Connlist lists, at workload granularity, which connections policy allows
// between workloads and between workloads and external address ranges, as
// netpol-analyzer's `list` does: pods collapse to their workload (the first
// pod stands for all), external addresses are split into ranges at every
// boundary of the rules' nets (ingress rules' for sources, egress rules' for
// destinations) and of the network sets, self-connections are left out, and
// the lines are sorted. Ports are split at every boundary any rule or
// named port makes, so each port class is judged once.
func (e *Engine) Connlist(ctx context.Context) ([]Conn, error) {
	type workload struct {
		peer Peer
		pod  int
	}
	var wls []workload
	seen := map[string]bool{}
	for i := range e.sc.Pods {
		p := &e.sc.Pods[i]
		peer := Peer{Namespace: p.Namespace, Name: p.Workload, Kind: p.Kind}
		if peer.Name == "" {
			peer.Name, peer.Kind = p.Name, topology.KindPod
		}
		if k := peer.String(); !seen[k] {
			seen[k] = true
			wls = append(wls, workload{peer: peer, pod: i})
		}
	}
	// The probes: one port per class of each protocol.
	type probe struct {
		port topology.Port
		span PortSpan
	}
	var probes []probe
	classes := e.portClasses()
	protos := connProtos
	if e.opts.portProtocolsOnly {
		protos = protos[1:]
	}
	for _, proto := range protos {
		for _, span := range classes[proto] {
			probes = append(probes, probe{topology.Port{Proto: proto, Num: span.Min}, span})
		}
	}
	// conns turns "is probe k allowed" into a connection set.
	conns := func(allowed func(k int) bool) Conns {
		var c Conns
		all := true
		for k := 0; k < len(probes); {
			pc := ProtoConns{Proto: probes[k].port.Proto}
			some := false
			for ; k < len(probes) && probes[k].port.Proto == pc.Proto; k++ {
				span := probes[k].span
				if !allowed(k) {
					all = false
					continue
				}
				some = true
				if n := len(pc.Ports); n > 0 && pc.Ports[n-1].Max+1 == span.Min {
					pc.Ports[n-1].Max = span.Max
				} else {
					pc.Ports = append(pc.Ports, span)
				}
			}
			if pc.Proto == topology.ProtoICMP {
				pc.Ports = nil
			}
			if some {
				c.Protos = append(c.Protos, pc)
			}
		}
		if c.All = all; all {
			c.Protos = nil
		}
		return c
	}
	var out []Conn
	add := func(src, dst Peer, c Conns) {
		if c.All || len(c.Protos) > 0 {
			out = append(out, Conn{Src: src, Dst: dst, Conns: c})
		}
	}
	// Workload pairs: for each probe, the representatives' egress rows and
	// ingress rows with bitset operations, then one bit per pair and probe.
	W := len(wls)
	reps := make([]int, W)
	for i, wl := range wls {
		reps[i] = wl.pod
	}
	pw := (len(probes) + 63) / 64
	pairBits := make([]uint64, W*W*pw)
	for k, pr := range probes {
		eg, in, err := e.repRows(ctx, pr.port, reps)
		if err != nil {
			return nil, err
		}
		for a := 0; a < W; a++ {
			for b := 0; b < W; b++ {
				if a != b && eg[a].has(reps[b]) && in[b].has(reps[a]) {
					pairBits[(a*W+b)*pw+k>>6] |= 1 << (uint(k) & 63)
				}
			}
		}
	}
	for a := 0; a < W; a++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for b := 0; b < W; b++ {
			if a == b {
				continue
			}
			bits := pairBits[(a*W+b)*pw : (a*W+b+1)*pw]
			add(wls[a].peer, wls[b].peer, conns(func(k int) bool { return bits[k>>6]&(1<<(uint(k)&63)) != 0 }))
		}
	}
	verdicts := func(src, dst Endpoint) Conns {
		return conns(func(k int) bool { return e.Verdict(src, dst, probes[k].port).Allowed })
	}
	inRanges, outRanges := e.externalRanges()
	for _, r := range inRanges {
		for _, b := range wls {
			add(r, b.peer, verdicts(AddrEndpoint(r.Lo), e.Pod(b.pod)))
		}
	}
	for _, a := range wls {
		for _, r := range outRanges {
			add(a.peer, r, verdicts(e.Pod(a.pod), AddrEndpoint(r.Lo)))
		}
	}
	lines := make([]string, len(out))
	for i := range out {
		lines[i] = out[i].String()
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(lines[x], lines[y]) })
	sorted := make([]Conn, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted, nil
}

// repRows computes, for the port, the egress row and the ingress row of
// each of the pods in reps, as Matrix does for every pod.
func (e *Engine) repRows(ctx context.Context, port topology.Port, reps []int) (eg, in []bitset, err error) {
	n := len(e.pods)
	words := (n + 63) / 64
	prep := e.prepare(port)
	slab := make([]uint64, 2*len(reps)*words)
	eg, in = make([]bitset, len(reps)), make([]bitset, len(reps))
	for i := range reps {
		eg[i] = slab[2*i*words : (2*i+1)*words : (2*i+1)*words]
		in[i] = slab[(2*i+1)*words : (2*i+2)*words : (2*i+2)*words]
	}
	err = parallel(ctx, len(reps), func(sc *scratch, i int) {
		e.row(Egress, reps[i], prep, sc, eg[i], nil)
		e.row(Ingress, reps[i], prep, sc, in[i], nil)
	}, words)
	return eg, in, err
}

// FormatConnlist writes one `src => dst : conns` line per connection.
func FormatConnlist(w io.Writer, conns []Conn) error {
	bw := bufio.NewWriter(w)
	for _, c := range conns {
		if _, err := fmt.Fprintln(bw, c.String()); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// portClasses splits each protocol's ports 1-65535 into spans no rule and
// no named port tells apart. ICMP is one class.
func (e *Engine) portClasses() map[topology.Proto][]PortSpan {
	cuts := map[int]bool{1: true, 65536: true}
	addRange := func(ps []topology.PortRange) {
		for _, p := range ps {
			if p.Name == "" {
				cuts[int(p.Min)] = true
				cuts[int(p.Max)+1] = true
			}
		}
	}
	e.eachRule(func(r *rule) {
		addRange(r.dst.ports)
		addRange(r.dst.notPorts)
	})
	for i := range e.pods {
		for _, cp := range e.pods[i].ports {
			if cp.Port > 0 && cp.Port < 65536 {
				cuts[cp.Port] = true
				cuts[cp.Port+1] = true
			}
		}
	}
	points := make([]int, 0, len(cuts))
	for c := range cuts {
		if c >= 1 && c <= 65536 {
			points = append(points, c)
		}
	}
	slices.Sort(points)
	var spans []PortSpan
	for i := 0; i+1 < len(points); i++ {
		spans = append(spans, PortSpan{Min: uint16(points[i]), Max: uint16(points[i+1] - 1)})
	}
	classes := map[topology.Proto][]PortSpan{topology.ProtoICMP: {{}}}
	for _, p := range []topology.Proto{topology.ProtoTCP, topology.ProtoUDP, topology.ProtoSCTP} {
		classes[p] = spans
	}
	return classes
}

// externalRanges splits the IPv4 space at the boundaries of the address
// sets that can tell external sources apart (each ingress rule's source
// nets minus notNets, each network set) and external destinations apart
// (each egress rule's destination nets minus notNets, each network set), as
// netpol-analyzer does: a set's boundaries are those of its merged
// intervals, so except: [10.0.0.0/9, 10.128.0.0/9] cuts like 10.0.0.0/8.
func (e *Engine) externalRanges() (in, out []Peer) {
	inCuts := map[uint64]bool{0: true, 1 << 32: true}
	outCuts := map[uint64]bool{0: true, 1 << 32: true}
	addSide := func(cuts map[uint64]bool, sd *side) {
		if len(sd.nets) == 0 && len(sd.notNets) == 0 {
			return
		}
		for _, iv := range ipSet(sd.nets, sd.notNets) {
			cuts[iv[0]] = true
			cuts[iv[1]+1] = true
		}
	}
	add := func(p *policy) {
		for i := range p.rules[Ingress] {
			addSide(inCuts, &p.rules[Ingress][i].src)
		}
		for i := range p.rules[Egress] {
			addSide(outCuts, &p.rules[Egress][i].dst)
		}
	}
	for ti := range e.tiers {
		for _, p := range e.tiers[ti].policies {
			add(p)
		}
	}
	for _, p := range e.profileList {
		add(p)
	}
	for _, s := range e.sets {
		for _, iv := range ipSet(s.nets, nil) {
			inCuts[iv[0]], outCuts[iv[0]] = true, true
			inCuts[iv[1]+1], outCuts[iv[1]+1] = true, true
		}
	}
	return rangesFromCuts(inCuts), rangesFromCuts(outCuts)
}

// ipSet is the IPv4 addresses in nets (all of them when nets is empty)
// and not in notNets, as sorted disjoint inclusive intervals.
func ipSet(nets, notNets []netip.Prefix) [][2]uint64 {
	in := intervals(nets)
	if len(nets) == 0 {
		in = [][2]uint64{{0, 1<<32 - 1}}
	}
	var out [][2]uint64
	for _, iv := range in {
		cur := [][2]uint64{iv}
		for _, ex := range intervals(notNets) {
			var next [][2]uint64
			for _, c := range cur {
				if ex[1] < c[0] || ex[0] > c[1] {
					next = append(next, c)
					continue
				}
				if ex[0] > c[0] {
					next = append(next, [2]uint64{c[0], ex[0] - 1})
				}
				if ex[1] < c[1] {
					next = append(next, [2]uint64{ex[1] + 1, c[1]})
				}
			}
			cur = next
		}
		out = append(out, cur...)
	}
	return mergeIntervals(out)
}

// intervals is the union of the IPv4 prefixes, merged.
func intervals(nets []netip.Prefix) [][2]uint64 {
	var ivs [][2]uint64
	for _, n := range nets {
		if !n.Addr().Is4() {
			continue
		}
		n = n.Masked()
		lo := v4num(n.Addr())
		ivs = append(ivs, [2]uint64{lo, lo + uint64(1)<<(32-n.Bits()) - 1})
	}
	return mergeIntervals(ivs)
}

func mergeIntervals(ivs [][2]uint64) [][2]uint64 {
	slices.SortFunc(ivs, func(a, b [2]uint64) int { return cmp.Compare(a[0], b[0]) })
	var out [][2]uint64
	for _, iv := range ivs {
		if n := len(out); n > 0 && iv[0] <= out[n-1][1]+1 {
			out[n-1][1] = max(out[n-1][1], iv[1])
			continue
		}
		out = append(out, iv)
	}
	return out
}

func rangesFromCuts(cuts map[uint64]bool) []Peer {
	points := make([]uint64, 0, len(cuts))
	for c := range cuts {
		points = append(points, c)
	}
	slices.Sort(points)
	out := make([]Peer, 0, len(points)-1)
	for i := 0; i+1 < len(points); i++ {
		out = append(out, Peer{External: true, Lo: v4addr(points[i]), Hi: v4addr(points[i+1] - 1)})
	}
	return out
}

func v4num(a netip.Addr) uint64 {
	b := a.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
}

func v4addr(n uint64) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}
