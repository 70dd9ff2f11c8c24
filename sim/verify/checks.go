package verify

import (
	"context"
	"fmt"
	"github.com/calisim/calisim/sim/iproute"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/calisim/calisim/sim/topology"
)

// birdOf returns the lab's BIRD for node i, if it runs one.
func (l *Lab) birdOf(i int) (*Bird, bool) {
	for k := range l.Birds {
		if l.Birds[k].Node == i {
			return &l.Birds[k], true
		}
	}
	return nil, false
}

// wantEstablished is the set of peers node i should have established: the
// prediction's, or (with no prediction) every session it configured.
func (v *verifier) wantEstablished(i int, real []Session) []netip.Addr {
	var want []netip.Addr
	if v.in.Nodes != nil {
		for _, p := range v.in.Nodes[i].Peers {
			if p.Established {
				want = append(want, p.Addr)
			}
		}
		return want
	}
	for _, s := range real {
		want = append(want, s.Peer)
	}
	return want
}

// skipRoute says why a predicted route line cannot be checked here.
func (v *verifier) skipRoute(line string) string {
	r, _ := iproute.Parse(line)
	switch {
	case r.Attrs["dev"] == "tunl0" && v.lab.IPIPSkipped != "":
		return "ipip: " + v.lab.IPIPSkipped
	case r.Attrs["dev"] == VXLANDev && v.lab.VXLANSkipped != "":
		return "vxlan: " + v.lab.VXLANSkipped
	}
	return ""
}

// waitSettled polls the BIRDs until every session the prediction says is
// established is (at most SessionTimeout), then the route tables until every
// predicted line is there (at most SettleTimeout). It never fails: what did
// not settle shows up as a difference.
func (v *verifier) waitSettled(ctx context.Context) error {
	if len(v.lab.Birds) > 0 {
		deadline := time.Now().Add(v.opt.SessionTimeout)
		for {
			if v.sessionsUp(ctx) || time.Now().After(deadline) {
				break
			}
			if err := sleep(ctx, 250*time.Millisecond); err != nil {
				return err
			}
		}
	}
	if v.in.Nodes == nil {
		return nil
	}
	deadline := time.Now().Add(v.opt.SettleTimeout)
	for {
		if v.routesThere(ctx) || time.Now().After(deadline) {
			return nil
		}
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			return err
		}
	}
}

func (v *verifier) sessionsUp(ctx context.Context) bool {
	for i := range v.in.Scenario.Nodes {
		b, ok := v.lab.birdOf(i)
		if !ok {
			continue
		}
		real, err := realSessions(ctx, b.Socket())
		if err != nil {
			return false
		}
		up := map[netip.Addr]bool{}
		for _, s := range real {
			if s.Established() {
				up[s.Peer] = true
			}
		}
		for _, a := range v.wantEstablished(i, real) {
			if !up[a] {
				return false
			}
		}
	}
	return true
}

func (v *verifier) routesThere(ctx context.Context) bool {
	for i := range v.in.Scenario.Nodes {
		if v.lab.PodMTU[i] == 0 {
			continue
		}
		table, err := realRoutes(ctx, v.lab.Names.Node(i))
		if err != nil {
			return false
		}
		for _, want := range v.in.Nodes[i].Routes {
			if v.skipRoute(want) != "" {
				continue
			}
			// Settled means a route to the destination is there; whether it
			// is the predicted one is the check's business.
			if _, same, ok := iproute.Find(table, want); !ok && len(same) == 0 {
				return false
			}
		}
	}
	return true
}

// checkNodes compares every node's table, sessions and pod MTU.
func (v *verifier) checkNodes(ctx context.Context) error {
	sc := v.in.Scenario
	for i := range sc.Nodes {
		if err := ctx.Err(); err != nil {
			return err
		}
		subject := "node/" + sc.Nodes[i].Name
		if v.lab.PodMTU[i] == 0 {
			continue
		}
		if v.in.Nodes != nil {
			if err := v.checkRoutes(ctx, i, subject); err != nil {
				return err
			}
		}
		if err := v.checkBGP(ctx, i, subject); err != nil {
			return err
		}
		if err := v.checkPodMTU(ctx, i, subject); err != nil {
			return err
		}
	}
	return nil
}

func (v *verifier) checkRoutes(ctx context.Context, i int, subject string) error {
	table, err := realRoutes(ctx, v.lab.Names.Node(i))
	if err != nil {
		return err
	}
	predictedDst := map[string]bool{}
	for _, want := range v.in.Nodes[i].Routes {
		w, ok := iproute.Parse(want)
		if !ok {
			continue
		}
		predictedDst[w.Type+" "+w.Dst] = true
		c := Check{Kind: KindRoute, Subject: subject, Predicted: want}
		if why := v.skipRoute(want); why != "" {
			c.Status, c.Reason = Skipped, why
			v.rep.add(c)
			continue
		}
		match, same, found := iproute.Find(table, want)
		switch {
		case found:
			c.Status, c.Real = Agree, match
		case len(same) > 0:
			c.Status, c.Real = Differ, strings.Join(same, "; ")
		default:
			c.Status, c.Real = Differ, "no route to "+w.Dst
		}
		v.rep.add(c)
	}
	// Calico's own routes the twin did not predict: BIRD's (proto bird) and
	// Felix's (proto 80, or through vxlan.calico).
	for _, line := range table {
		h, ok := iproute.Parse(line)
		if !ok {
			continue
		}
		calico := h.Attrs["proto"] == "12" || h.Attrs["proto"] == felixProto || h.Attrs["dev"] == VXLANDev
		if !calico || predictedDst[h.Type+" "+h.Dst] {
			continue
		}
		v.rep.add(Check{Kind: KindExtraRoute, Subject: subject, Predicted: "no route to " + h.Dst, Real: line, Status: Differ})
	}
	return nil
}

func (v *verifier) checkBGP(ctx context.Context, i int, subject string) error {
	var predicted []netip.Addr
	if v.in.Nodes != nil {
		for _, p := range v.in.Nodes[i].Peers {
			if p.Established {
				predicted = append(predicted, p.Addr)
			}
		}
	}
	b, ok := v.lab.birdOf(i)
	if !ok {
		if v.in.Nodes == nil {
			return nil
		}
		c := Check{Kind: KindBGP, Subject: subject, Predicted: describePeers(predicted, nil), Real: "no BIRD runs (calico backend " + string(v.in.Scenario.Calico.Backend) + ")"}
		c.Status = Differ
		if len(predicted) == 0 {
			c.Status = Agree
		}
		v.rep.add(c)
		return nil
	}
	real, err := realSessions(ctx, b.Socket())
	if err != nil {
		return err
	}
	var up []netip.Addr
	var down []string
	for _, s := range real {
		if s.Established() {
			up = append(up, s.Peer)
		} else {
			down = append(down, fmt.Sprintf("%s (%s %s)", s.Peer, s.State, s.Info))
		}
	}
	if v.in.Nodes == nil {
		predicted = v.wantEstablished(i, real)
	}
	slices.SortFunc(predicted, netip.Addr.Compare)
	slices.SortFunc(up, netip.Addr.Compare)
	c := Check{Kind: KindBGP, Subject: subject, Predicted: describePeers(predicted, nil), Real: describePeers(up, down), Status: Differ}
	if slices.Equal(predicted, up) {
		c.Status = Agree
	}
	v.rep.add(c)
	return nil
}

func describePeers(up []netip.Addr, down []string) string {
	s := fmt.Sprintf("%d established", len(up))
	if len(up) > 0 {
		parts := make([]string, len(up))
		for k, a := range up {
			parts[k] = a.String()
		}
		s += ": " + strings.Join(parts, ", ")
	}
	if len(down) > 0 {
		s += "; not established: " + strings.Join(down, ", ")
	}
	return s
}

func (v *verifier) checkPodMTU(ctx context.Context, i int, subject string) error {
	if v.in.Nodes == nil || v.in.Nodes[i].PodMTU == 0 {
		return nil
	}
	sc := v.in.Scenario
	for p := range sc.Pods {
		if sc.Pods[p].Node != sc.Nodes[i].Name || v.lab.PodNetns[p] == "" {
			continue
		}
		mtu, err := linkMTUOf(ctx, v.lab.PodNetns[p], Eth0)
		if err != nil {
			return err
		}
		c := Check{Kind: KindPodMTU, Subject: subject, Predicted: fmt.Sprint(v.in.Nodes[i].PodMTU),
			Real: fmt.Sprintf("%d (eth0 of %s/%s)", mtu, sc.Pods[p].Namespace, sc.Pods[p].Name), Status: Differ}
		if mtu == v.in.Nodes[i].PodMTU {
			c.Status = Agree
		}
		v.rep.add(c)
		return nil // one pod tells: every pod of a node gets the same MTU
	}
	return nil
}

// netnsOf is the namespace an endpoint sends from or listens in ("" when it
// has none: a pod without an address).
func (v *verifier) netnsOf(e Endpoint) string {
	sc := v.in.Scenario
	switch e.Kind {
	case EndpointPod:
		if ns := v.lab.PodNetns[e.Index]; ns != "" {
			return ns
		}
		if sc.Pods[e.Index].HostNetwork {
			for i := range sc.Nodes {
				if sc.Nodes[i].Name == sc.Pods[e.Index].Node {
					return v.lab.Names.Node(i)
				}
			}
		}
		return ""
	case EndpointNode:
		return v.lab.Names.Node(e.Index)
	case EndpointRouter:
		return v.lab.Names.Router(e.Index)
	case EndpointExternal:
		return v.lab.Names.External(e.Index)
	}
	return ""
}

// flowResult is what the probes of one flow found.
type flowResult struct {
	checks []Check
}

// checkFlows sends real packets for every predicted flow, several at a time,
// and adds the checks in flow order.
func (v *verifier) checkFlows(ctx context.Context) error {
	flows := v.in.Flows
	results := make([]flowResult, len(flows))
	ls := &listeners{}
	defer ls.close()
	// Listeners first, so no connect races its listener.
	for _, f := range flows {
		if f.Port.Proto != topology.ProtoTCP || v.skipFlow(&f) != "" {
			continue
		}
		if ns := v.netnsOf(f.To); ns != "" {
			if err := ls.ensure(ns, tcpPort(f.Port)); err != nil {
				return fmt.Errorf("verify: listening in %s: %w", ns, err)
			}
		}
	}
	sem := make(chan struct{}, max(v.opt.Parallel, 1))
	var wg sync.WaitGroup
	for k := range flows {
		if err := ctx.Err(); err != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[k] = v.probeFlow(ctx, &flows[k])
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, r := range results {
		for _, c := range r.checks {
			v.rep.add(c)
		}
	}
	return nil
}

func tcpPort(p topology.Port) int {
	if p.Num == 0 {
		return 80
	}
	return int(p.Num)
}

// skipFlow says why a flow cannot be tested for real here.
func (v *verifier) skipFlow(f *FlowPrediction) string {
	switch {
	case f.DropReason == "policy-denied":
		return "verify builds no network policy"
	case f.Encap == topology.EncapIPIP && v.lab.IPIPSkipped != "":
		return "ipip: " + v.lab.IPIPSkipped
	case f.Encap == topology.EncapVXLAN && v.lab.VXLANSkipped != "":
		return "vxlan: " + v.lab.VXLANSkipped
	case v.netnsOf(f.From) == "":
		return f.From.Name + " has no network namespace (no address)"
	case !f.To.Addr.IsValid():
		return f.To.Name + " has no address"
	}
	return ""
}

func (v *verifier) probeFlow(ctx context.Context, f *FlowPrediction) flowResult {
	subject := f.String()
	pred := "delivered"
	if !f.Delivered {
		pred = "dropped"
		if f.DropReason != "" {
			pred += ": " + f.DropReason
		}
		if f.DropAt != "" {
			pred += " at " + f.DropAt
		}
	}
	if f.Encap != topology.EncapNone {
		pred += " (" + f.Encap.String() + ")"
	}
	c := Check{Kind: KindFlow, Subject: subject, Predicted: pred}
	if why := v.skipFlow(f); why != "" {
		c.Status, c.Reason = Skipped, why
		return flowResult{checks: []Check{c}}
	}
	src := v.netnsOf(f.From)
	pr := ping(ctx, src, f.To.Addr, f.IPLen())
	delivered := pr.OK
	how := []string{pr.Detail}
	switch f.Port.Proto {
	case topology.ProtoTCP:
		ok, detail := tcpConnect(ctx, src, f.To.Addr, tcpPort(f.Port))
		delivered = delivered && ok
		how = append(how, detail)
	case topology.ProtoUDP, topology.ProtoSCTP:
		how = append(how, f.Port.Proto.String()+" checked with ICMP of the same IP length")
	}
	c.Real = "delivered"
	if !delivered {
		c.Real = "not delivered"
	}
	c.Reason = strings.Join(how, "; ")
	c.Status = Differ
	if delivered == f.Delivered {
		c.Status = Agree
	}
	out := []Check{c}
	if f.Delivered && f.PathMTU > 0 {
		out = append(out, v.probePathMTU(ctx, src, f))
	}
	return flowResult{checks: out}
}

// probePathMTU checks the predicted path MTU P with two packets, DF set: P
// bytes must cross and P+1 must not. When that fails it looks for the real
// path MTU by bisection (at most a dozen more packets).
func (v *verifier) probePathMTU(ctx context.Context, src string, f *FlowPrediction) Check {
	p := f.PathMTU
	c := Check{Kind: KindPathMTU, Subject: fmt.Sprintf("%s -> %s", f.From, f.To), Predicted: fmt.Sprint(p)}
	at := ping(ctx, src, f.To.Addr, p)
	above := ping(ctx, src, f.To.Addr, p+1)
	c.Reason = at.Detail + "; " + above.Detail
	if at.OK && !above.OK {
		c.Status, c.Real = Agree, fmt.Sprint(p)
		return c
	}
	c.Status = Differ
	// The largest length that crosses lies in [lo, hi): lo crosses, hi not.
	lo, hi := minIPLen, p
	if at.OK {
		lo, hi = p+1, maxIPLen+1
	} else if !ping(ctx, src, f.To.Addr, lo).OK {
		c.Real = fmt.Sprintf("< %d (not even %d bytes cross)", lo, lo)
		return c
	}
	for hi-lo > 1 && ctx.Err() == nil {
		mid := (lo + hi) / 2
		if ping(ctx, src, f.To.Addr, mid).OK {
			lo = mid
		} else {
			hi = mid
		}
	}
	c.Real = fmt.Sprint(lo)
	if r := ping(ctx, src, f.To.Addr, lo+1); !r.OK {
		c.Reason += "; " + r.Detail
	}
	return c
}

// The range the path MTU is searched in: the smallest IPv4 packet every
// link must carry, and the largest ping can send.
const (
	minIPLen = 576
	maxIPLen = 65535 - 8
)
