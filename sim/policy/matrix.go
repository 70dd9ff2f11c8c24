package policy

import (
	"bufio"
	"context"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/calisim/calisim/sim/topology"
)

// Matrix is the verdict for every ordered pod pair on one port, rows and
// columns in Scenario.Pods order. A pod talking to itself is allowed
// (loopback never crosses policy).
type Matrix struct {
	Port  topology.Port
	Names []string // "namespace/pod", by pod index
	n     int
	words int
	// egress[s] holds the destinations s's egress policy allows; ingress[s]
	// the destinations whose ingress policy lets s in; allowed[s] both.
	egress, ingress, allowed []bitset
	eng                      *Engine
	// dec holds decision codes (DecidedMatrix only): egress by s*n+d,
	// ingress by d*n+s.
	dec [2][]uint32
}

// Verdict is the full verdict of the pair, as Engine.Verdict gives it: from
// the recorded decisions of a DecidedMatrix, else judged again.
func (m *Matrix) Verdict(src, dst int) Verdict {
	if m.dec[Egress] == nil {
		return m.eng.Verdict(m.eng.Pod(src), m.eng.Pod(dst), m.Port)
	}
	eg := m.eng.decision(m.dec[Egress][src*m.n+dst], m.egress[src].has(dst))
	in := m.eng.decision(m.dec[Ingress][dst*m.n+src], m.ingress[src].has(dst))
	return combine(eg, in)
}

// Decision codes recorded by DecidedMatrix.
const (
	codeNotWorkload uint32 = iota
	codeLoopback
	codeProfileDeny
	codeImplicit // + tier index; rule codes follow the tiers
)

func (e *Engine) ruleCode(r *rule) uint32 { return codeImplicit + uint32(len(e.tiers)) + uint32(r.id) }

// decision turns a recorded code back into a Decision.
func (e *Engine) decision(code uint32, allowed bool) Decision {
	switch {
	case code == codeNotWorkload:
		return Decision{Allowed: true, Rule: -1, Reason: ReasonNotWorkload}
	case code == codeLoopback:
		return Decision{Allowed: true, Rule: -1, Reason: ReasonLoopback}
	case code == codeProfileDeny:
		return Decision{DecidedBy: DecidedImplicitDeny, Rule: -1, Reason: ReasonProfileDeny}
	case code < codeImplicit+uint32(len(e.tiers)):
		return Decision{DecidedBy: DecidedImplicitDeny, Tier: e.tiers[code-codeImplicit].name, Rule: -1, Reason: ReasonImplicitDeny}
	}
	ref := e.ruleRefs[code-codeImplicit-uint32(len(e.tiers))]
	if ref.pol.profile {
		return Decision{Allowed: allowed, DecidedBy: ref.pol.decidedBy, Rule: ref.r.index, Reason: ReasonProfile, Pos: ref.r.pos}
	}
	return Decision{Allowed: allowed, DecidedBy: ref.pol.decidedBy, Tier: ref.tier, Rule: ref.r.index, Reason: ReasonRule, Pos: ref.r.pos}
}

// mark records code for every peer in pending ∧ mask.
func mark(dec []uint32, pending, mask bitset, code uint32) {
	for w := range pending {
		word := pending[w] & mask[w]
		for word != 0 {
			b := word & -word
			dec[w<<6|trailing(b)] = code
			word &^= b
		}
	}
}

// Len is the number of pods.
func (m *Matrix) Len() int { return m.n }

// Allowed reports whether pod src may reach pod dst.
func (m *Matrix) Allowed(src, dst int) bool { return m.allowed[src].has(dst) }

// EgressAllowed reports whether src's egress policy lets the flow out.
func (m *Matrix) EgressAllowed(src, dst int) bool { return m.egress[src].has(dst) }

// IngressAllowed reports whether dst's ingress policy lets the flow in.
func (m *Matrix) IngressAllowed(src, dst int) bool { return m.ingress[src].has(dst) }

// AllowedCount is the number of allowed ordered pairs (the diagonal included).
func (m *Matrix) AllowedCount() int {
	n := 0
	for _, r := range m.allowed {
		n += r.count()
	}
	return n
}

// Format writes one line per source pod: its name (ns/pod), exactly one
// space, then one character per destination pod in the order of the lines
// ('.' allowed, 'X' denied). Names are not padded: the format is
// "ns/pod, a space, then one character per destination", so that a reader
// can split each line at its first space.
func (m *Matrix) Format(w io.Writer) error {
	bw := bufio.NewWriter(w)
	var line []byte
	for s := 0; s < m.n; s++ {
		line = append(line[:0], m.Names[s]...)
		line = append(line, ' ')
		for d := 0; d < m.n; d++ {
			if m.allowed[s].has(d) {
				line = append(line, '.')
			} else {
				line = append(line, 'X')
			}
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// prepRule is a rule with its port-dependent clauses resolved for one port.
type prepRule struct {
	ok       bool
	src, dst bitset // pods the rule's source / destination side matches
}

// prepare resolves every rule for the port.
func (e *Engine) prepare(port topology.Port) []prepRule {
	n := len(e.pods)
	var fam [2]bitset // by ipVersion 4, 6: pods whose address is of that family or unknown
	for i := range fam {
		fam[i] = newBitset(n)
	}
	for i := range e.pods {
		a := e.pods[i].addr
		if !a.IsValid() || a.Is4() {
			fam[0].set(i)
		}
		if !a.IsValid() || !a.Is4() {
			fam[1].set(i)
		}
	}
	prep := make([]prepRule, e.nrules)
	named := map[string]bitset{}
	e.eachRule(func(r *rule) {
		pr := prepRule{ok: !r.never && r.l4(port)}
		if !pr.ok {
			prep[r.id] = pr
			return
		}
		pr.src, pr.dst = r.src.bits, r.dst.bits
		if r.ipVersion != 0 {
			f := fam[0]
			if r.ipVersion == 6 {
				f = fam[1]
			}
			pr.src = andNew(pr.src, f)
			pr.dst = andNew(pr.dst, f)
		}
		if len(r.dst.ports) > 0 {
			pr.dst = andNew(pr.dst, e.portBits(r.dst.ports, port, named))
		}
		if len(r.dst.notPorts) > 0 {
			pr.dst = andNew(pr.dst, e.allPods)
			pr.dst.andNot(e.portBits(r.dst.notPorts, port, named))
		}
		prep[r.id] = pr
	})
	return prep
}

// portBits is the set of destination pods for which the port is in the
// list, as portsMatch decides: every pod when a number or range holds it,
// else the pods declaring one of its named ports with this number and
// protocol. named caches the named ports' sets.
func (e *Engine) portBits(list []topology.PortRange, port topology.Port, named map[string]bitset) bitset {
	out := newBitset(len(e.pods))
	if port.Proto == topology.ProtoICMP {
		return out
	}
	for _, pr := range list {
		if pr.Name == "" && pr.Min <= port.Num && port.Num <= pr.Max {
			return e.allPods
		}
	}
	for _, pr := range list {
		if pr.Name == "" {
			continue
		}
		b, ok := named[pr.Name]
		if !ok {
			b = newBitset(len(e.pods))
			for i := range e.pods {
				if e.pods[i].workload && hasNamedPort(e.pods[i].ports, pr.Name, port) {
					b.set(i)
				}
			}
			named[pr.Name] = b
		}
		out.or(b)
	}
	return out
}

func andNew(a, b bitset) bitset {
	c := make(bitset, len(a))
	copy(c, a)
	c.and(b)
	return c
}

// eachRule calls f for every compiled rule of every policy and profile.
func (e *Engine) eachRule(f func(*rule)) {
	for ti := range e.tiers {
		for _, p := range e.tiers[ti].policies {
			for d := range p.rules {
				for i := range p.rules[d] {
					f(&p.rules[d][i])
				}
			}
		}
	}
	for _, p := range e.profileList {
		for d := range p.rules {
			for i := range p.rules[d] {
				f(&p.rules[d][i])
			}
		}
	}
}

// Matrix computes the verdict of every ordered pod pair on one port. Each
// pod's egress row and ingress column is computed with bitset operations
// over the precomputed policy and rule sets, rows spread over the CPUs; the
// result does not depend on their number.
func (e *Engine) Matrix(ctx context.Context, port topology.Port) (*Matrix, error) {
	return e.matrix(ctx, port, false)
}

// DecidedMatrix is Matrix that also records, for every pair and direction,
// what decided (8 bytes per ordered pair), so that Matrix.Verdict answers
// with DecidedBy without judging the pair again.
func (e *Engine) DecidedMatrix(ctx context.Context, port topology.Port) (*Matrix, error) {
	return e.matrix(ctx, port, true)
}

func (e *Engine) matrix(ctx context.Context, port topology.Port, decided bool) (*Matrix, error) {
	n := len(e.pods)
	words := (n + 63) / 64
	m := &Matrix{Port: port, n: n, words: words, Names: make([]string, n), eng: e}
	if decided {
		m.dec[Egress], m.dec[Ingress] = make([]uint32, n*n), make([]uint32, n*n)
	}
	for i := range e.sc.Pods {
		m.Names[i] = e.sc.Pods[i].Namespace + "/" + e.sc.Pods[i].Name
	}
	slab := make([]uint64, 3*n*words)
	m.egress, m.ingress, m.allowed = make([]bitset, n), make([]bitset, n), make([]bitset, n)
	for i := 0; i < n; i++ {
		m.egress[i] = slab[(3*i)*words : (3*i+1)*words : (3*i+1)*words]
		m.ingress[i] = slab[(3*i+1)*words : (3*i+2)*words : (3*i+2)*words]
		m.allowed[i] = slab[(3*i+2)*words : (3*i+3)*words : (3*i+3)*words]
	}
	prep := e.prepare(port)
	// Phase 1: egress rows and ingress rows (by destination).
	if err := parallel(ctx, n, func(sc *scratch, i int) {
		var decE, decI []uint32
		if decided {
			decE, decI = m.dec[Egress][i*n:(i+1)*n], m.dec[Ingress][i*n:(i+1)*n]
		}
		e.row(Egress, i, prep, sc, m.egress[i], decE)
		e.row(Ingress, i, prep, sc, m.ingress[i], decI)
		m.egress[i].set(i) // loopback
		m.ingress[i].set(i)
		if decided {
			decE[i], decI[i] = codeLoopback, codeLoopback
		}
	}, words); err != nil {
		return nil, err
	}
	// Phase 2: turn ingress rows (by destination, over sources) into rows by
	// source, 64x64 blocks at a time; then allowed = egress ∧ ingress.
	byDst := make([]uint64, n*words)
	for i := 0; i < n; i++ {
		copy(byDst[i*words:(i+1)*words], m.ingress[i])
	}
	blocks := words
	if err := parallel(ctx, blocks, func(_ *scratch, bi int) {
		var blk [64]uint64
		for bj := 0; bj < words; bj++ {
			// rows bj*64.. of byDst (destinations), word bi (sources bi*64..)
			for r := 0; r < 64; r++ {
				d := bj*64 + r
				if d < n {
					blk[r] = byDst[d*words+bi]
				} else {
					blk[r] = 0
				}
			}
			transpose64(&blk)
			for r := 0; r < 64; r++ {
				src := bi*64 + r
				if src < n {
					m.ingress[src][bj] = blk[r]
				}
			}
		}
	}, words); err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		copy(m.allowed[i], m.egress[i])
		m.allowed[i].and(m.ingress[i])
	}
	return m, nil
}

// scratch is one worker's reusable bitsets.
type scratch struct{ pending, next bitset }

// parallel runs f for i in [0,n) over GOMAXPROCS workers; each i writes only
// its own output, so the result is the same at any GOMAXPROCS.
func parallel(ctx context.Context, n int, f func(*scratch, int), words int) error {
	workers := min(runtime.GOMAXPROCS(0), max(n/16, 1))
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Bool
	const chunk = 16
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := &scratch{pending: make(bitset, words), next: make(bitset, words)}
			for {
				if ctx.Err() != nil {
					failed.Store(true)
					return
				}
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					f(sc, i)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() {
		return ctx.Err()
	}
	return nil
}

// row computes, for the subject pod i judged in direction d, the set of
// peers allowed (destinations for egress, sources for ingress) into out.
//
// With dec non-nil (one code per peer) it also records what decided each
// peer: a rule, an implicit deny at the end of a tier, or the end of the
// profiles; zero (not a workload) when the subject is not judged.
func (e *Engine) row(d Direction, i int, prep []prepRule, sc *scratch, out bitset, dec []uint32) {
	if !e.pods[i].workload {
		copy(out, e.allPods)
		return
	}
	pending, next := sc.pending, sc.next
	copy(pending, e.allPods)
	out.zero()
	// self is the subject's side of a rule, peer the other.
	self := func(pr *prepRule) bitset {
		if d == Egress {
			return pr.src
		}
		return pr.dst
	}
	peer := func(pr *prepRule) bitset {
		if d == Egress {
			return pr.dst
		}
		return pr.src
	}
	for ti := range e.tiers {
		applied := false
		next.zero()
	policies:
		for _, p := range e.tiers[ti].policies {
			if !p.types[d] || !p.applies.has(i) {
				continue
			}
			applied = true
			for ri := range p.rules[d] {
				r := &p.rules[d][ri]
				pr := &prep[r.id]
				if !pr.ok || r.act == actLog || !self(pr).has(i) {
					continue
				}
				mask := peer(pr)
				switch r.act {
				case actAllow:
					out.orAnd(pending, mask)
				case actPass:
					next.orAnd(pending, mask)
				}
				if dec != nil && r.act != actPass {
					mark(dec, pending, mask, e.ruleCode(r))
				}
				pending.andNot(mask)
				if pending.empty() {
					break policies
				}
			}
		}
		if applied {
			if e.tiers[ti].passEnd {
				next.or(pending) // defaultAction Pass: undecided peers go on
			} else if dec != nil {
				mark(dec, pending, e.allPods, codeImplicit+uint32(ti))
			}
			pending, next = next, pending
		}
	}
	for _, p := range e.pods[i].profiles {
		for ri := range p.rules[d] {
			r := &p.rules[d][ri]
			pr := &prep[r.id]
			if !pr.ok || (r.act != actAllow && r.act != actDeny) || !self(pr).has(i) {
				continue
			}
			if r.act == actAllow {
				out.orAnd(pending, peer(pr))
			}
			if dec != nil {
				mark(dec, pending, peer(pr), e.ruleCode(r))
			}
			pending.andNot(peer(pr))
		}
	}
	if dec != nil {
		mark(dec, pending, e.allPods, codeProfileDeny)
	}
	// the scratch slices may have been swapped; hand both back.
	sc.pending, sc.next = pending, next
}

// transpose64 transposes a 64x64 bit matrix in place: bit c of row r (bit
// c = 1<<c) moves to bit r of row c.
func transpose64(a *[64]uint64) {
	// Swap ever smaller off-diagonal blocks (Hacker's Delight 7-3, for
	// least-significant-bit-first columns).
	m := uint64(0x00000000FFFFFFFF)
	for j := 32; j != 0; j, m = j>>1, m^(m<<(uint(j)>>1)) {
		for k := 0; k < 64; k = (k + j + 1) &^ j {
			t := (a[k]>>uint(j) ^ a[k+j]) & m
			a[k] ^= t << uint(j)
			a[k+j] ^= t
		}
	}
}
