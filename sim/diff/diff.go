package diff

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/calisim/calisim/sim"
)

// Side is one variant: its name (usually the file), its result and the
// route table of each node, in ip-route form (nil: routes not compared).
type Side struct {
	Name   string
	Result *sim.Result
	Routes map[string][]string
}

// Section groups changes.
type Section string

const (
	SectionPaths    Section = "paths"
	SectionPools    Section = "pools"
	SectionBGP      Section = "bgp"
	SectionNodes    Section = "nodes"
	SectionRoutes   Section = "routes"
	SectionFindings Section = "findings"
)

// Change is one difference. A and B are the values on each side; "" means
// absent on that side.
type Change struct {
	Section Section `json:"section"`
	Subject string  `json:"subject"` // a flow, a pool, a node, a finding code
	Field   string  `json:"field"`
	A       string  `json:"a"`
	B       string  `json:"b"`
}

// Diff is every change from A to B.
type Diff struct {
	A       string   `json:"a"`
	B       string   `json:"b"`
	Changes []Change `json:"changes"`
}

// Empty reports whether the two variants behave the same.
func (d *Diff) Empty() bool { return len(d.Changes) == 0 }

// Compare lists what changes from a to b.
func Compare(a, b Side) *Diff {
	d := &Diff{A: a.Name, B: b.Name, Changes: []Change{}}
	ra, rb := orEmpty(a.Result), orEmpty(b.Result)
	d.paths(ra.Paths, rb.Paths)
	d.pools(ra.IPAM.Pools, rb.IPAM.Pools)
	d.bgp(&ra.BGP, &rb.BGP)
	d.nodes(ra.Nodes, rb.Nodes)
	d.routes(ra.Nodes, rb.Nodes, a.Routes, b.Routes)
	d.findings(ra.Findings, rb.Findings)
	return d
}

func orEmpty(r *sim.Result) *sim.Result {
	if r == nil {
		return &sim.Result{}
	}
	return r
}

func (d *Diff) add(s Section, subject, field, a, b string) {
	if a != b {
		d.Changes = append(d.Changes, Change{Section: s, Subject: subject, Field: field, A: a, B: b})
	}
}

// pathKeys names each path by flow, numbering repeats of one flow.
func pathKeys(ps []sim.Path) []string {
	seen := map[string]int{}
	keys := make([]string, len(ps))
	for i, p := range ps {
		k := fmt.Sprintf("%s -> %s %s", p.From, p.To, p.Port)
		seen[k]++
		if n := seen[k]; n > 1 {
			k = fmt.Sprintf("%s #%d", k, n)
		}
		keys[i] = k
	}
	return keys
}

func (d *Diff) paths(a, b []sim.Path) {
	ka, kb := pathKeys(a), pathKeys(b)
	ib := make(map[string]int, len(b))
	for i, k := range kb {
		ib[k] = i
	}
	matched := make([]bool, len(b))
	for i, k := range ka {
		j, ok := ib[k]
		if !ok {
			d.add(SectionPaths, k, "path", pathOutcome(&a[i]), "")
			continue
		}
		matched[j] = true
		pa, pb := &a[i], &b[j]
		d.add(SectionPaths, k, "reachability", pathOutcome(pa), pathOutcome(pb))
		d.add(SectionPaths, k, "encapsulation", pa.Encapsulation, pb.Encapsulation)
		d.add(SectionPaths, k, "overheadBytes", strconv.Itoa(pa.OverheadBytes), strconv.Itoa(pb.OverheadBytes))
		d.add(SectionPaths, k, "pathMTU", strconv.Itoa(pa.PathMTU), strconv.Itoa(pb.PathMTU))
		d.add(SectionPaths, k, "policy", policyText(pa.Policy), policyText(pb.Policy))
	}
	for j, k := range kb {
		if !matched[j] {
			d.add(SectionPaths, k, "path", "", pathOutcome(&b[j]))
		}
	}
}

func pathOutcome(p *sim.Path) string {
	if p.Delivered {
		return "delivered"
	}
	if p.Drop == nil {
		return "dropped"
	}
	return fmt.Sprintf("dropped at %s: %s", p.Drop.At, p.Drop.Reason)
}

func policyText(p *sim.PathPolicy) string {
	if p == nil {
		return ""
	}
	return p.Verdict + " (" + p.DecidedBy + ")"
}

func (d *Diff) pools(a, b []sim.PoolResult) {
	ib := map[string]int{}
	for i, p := range b {
		ib[p.Name] = i
	}
	matched := make([]bool, len(b))
	for _, pa := range a {
		j, ok := ib[pa.Name]
		if !ok {
			d.add(SectionPools, pa.Name, "pool", poolText(pa), "")
			continue
		}
		matched[j] = true
		pb := b[j]
		d.add(SectionPools, pa.Name, "cidr", pa.CIDR, pb.CIDR)
		d.add(SectionPools, pa.Name, "encapsulation", pa.Encap+" "+pa.Mode, pb.Encap+" "+pb.Mode)
		d.add(SectionPools, pa.Name, "blockSize", strconv.Itoa(pa.BlockSize), strconv.Itoa(pb.BlockSize))
		d.add(SectionPools, pa.Name, "natOutgoing", strconv.FormatBool(pa.NATOutgoing), strconv.FormatBool(pb.NATOutgoing))
	}
	for j, pb := range b {
		if !matched[j] {
			d.add(SectionPools, pb.Name, "pool", "", poolText(pb))
		}
	}
}

func poolText(p sim.PoolResult) string {
	return fmt.Sprintf("%s /%d %s %s", p.CIDR, p.BlockSize, p.Encap, p.Mode)
}

func (d *Diff) bgp(a, b *sim.BGPResult) {
	d.add(SectionBGP, "bgp", "topology", a.Topology, b.Topology)
	d.add(SectionBGP, "bgp", "sessions", strconv.Itoa(a.Sessions), strconv.Itoa(b.Sessions))
	d.add(SectionBGP, "bgp", "configured", strconv.Itoa(a.Configured), strconv.Itoa(b.Configured))
	d.add(SectionBGP, "bgp", "maxPeersPerNode", strconv.Itoa(a.MaxPeersPerNode), strconv.Itoa(b.MaxPeersPerNode))
	d.add(SectionBGP, "bgp", "converged", strconv.FormatBool(a.Converged), strconv.FormatBool(b.Converged))
	d.add(SectionBGP, "bgp", "convergenceMillis", strconv.FormatInt(a.ConvergenceMillis, 10), strconv.FormatInt(b.ConvergenceMillis, 10))
}

func (d *Diff) nodes(a, b []sim.NodeResult) {
	ib := map[string]int{}
	for i, n := range b {
		ib[n.Name] = i
	}
	matched := make([]bool, len(b))
	for _, na := range a {
		j, ok := ib[na.Name]
		if !ok {
			d.add(SectionNodes, na.Name, "node", na.IP, "")
			continue
		}
		matched[j] = true
		nb := b[j]
		d.add(SectionNodes, na.Name, "ip", na.IP, nb.IP)
		d.add(SectionNodes, na.Name, "subnet", na.Subnet, nb.Subnet)
		d.add(SectionNodes, na.Name, "tunnel", na.Tunnel, nb.Tunnel)
		d.add(SectionNodes, na.Name, "podMTU", strconv.Itoa(na.PodMTU), strconv.Itoa(nb.PodMTU))
		d.add(SectionNodes, na.Name, "peers", strconv.Itoa(na.Peers), strconv.Itoa(nb.Peers))
		d.add(SectionNodes, na.Name, "reflector", strconv.FormatBool(na.Reflector), strconv.FormatBool(nb.Reflector))
		if !slices.Equal(na.Blocks, nb.Blocks) {
			d.add(SectionNodes, na.Name, "blocks", fmt.Sprint(na.Blocks), fmt.Sprint(nb.Blocks))
		}
	}
	for j, nb := range b {
		if !matched[j] {
			d.add(SectionNodes, nb.Name, "node", "", nb.IP)
		}
	}
}

// routes compares each node's table as sets of lines: a line only in A
// is removed, only in B added, in the table order of its side.
func (d *Diff) routes(na, nb []sim.NodeResult, ra, rb map[string][]string) {
	if ra == nil || rb == nil {
		return
	}
	var names []string
	seen := map[string]bool{}
	for _, ns := range [][]sim.NodeResult{na, nb} {
		for _, n := range ns {
			if !seen[n.Name] {
				seen[n.Name] = true
				names = append(names, n.Name)
			}
		}
	}
	for _, name := range names {
		la, lb := ra[name], rb[name]
		inB := make(map[string]bool, len(lb))
		for _, l := range lb {
			inB[l] = true
		}
		inA := make(map[string]bool, len(la))
		for _, l := range la {
			inA[l] = true
			if !inB[l] {
				d.add(SectionRoutes, name, "route", l, "")
			}
		}
		for _, l := range lb {
			if !inA[l] {
				d.add(SectionRoutes, name, "route", "", l)
			}
		}
	}
}

// findings compares finding codes (the first finding of each code): a
// code on one side only, or a code whose message changed.
func (d *Diff) findings(a, b []sim.Finding) {
	firsts := func(fs []sim.Finding) ([]sim.Finding, map[string]sim.Finding) {
		var order []sim.Finding
		m := make(map[string]sim.Finding, len(fs))
		for _, f := range fs {
			if _, dup := m[f.Code]; !dup {
				m[f.Code] = f
				order = append(order, f)
			}
		}
		return order, m
	}
	text := func(f sim.Finding) string { return string(f.Severity) + ": " + f.Message }
	oa, ma := firsts(a)
	ob, mb := firsts(b)
	for _, f := range oa {
		if g, ok := mb[f.Code]; ok {
			d.add(SectionFindings, f.Code, "finding", text(f), text(g))
		} else {
			d.add(SectionFindings, f.Code, "finding", text(f), "")
		}
	}
	for _, f := range ob {
		if _, ok := ma[f.Code]; !ok {
			d.add(SectionFindings, f.Code, "finding", "", text(f))
		}
	}
}
