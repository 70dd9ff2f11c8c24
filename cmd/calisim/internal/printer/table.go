package printer

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/calisim/calisim/sim"
)

// maxRows bounds the rows of a table section; -o json has them all.
const maxRows = 50

func newTab(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

// Result writes the run summary a person reads first: nodes, BGP, paths,
// findings.
func Result(w io.Writer, res *sim.Result) error {
	ew := &errWriter{w: w}
	s := res.Scenario
	ew.printf("Scenario %s (cloud %s, engine %s)\n", s.Name, s.Cloud, s.Engine)
	if s.Description != "" {
		ew.printf("  %s\n", s.Description)
	}
	ew.printf("\nNODES (%d)\n", len(res.Nodes))
	tw := newTab(ew)
	fmt.Fprintln(tw, "NAME\tIP\tSUBNET\tBLOCKS\tTUNNEL\tHOST MTU\tPOD MTU\tPEERS\tROUTES")
	for i, n := range res.Nodes {
		if i == maxRows {
			fmt.Fprintf(tw, "... %d more (-o json lists them all)\n", len(res.Nodes)-maxRows)
			break
		}
		name := n.Name
		if n.Reflector {
			name += " (rr)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n", name, n.IP, n.Subnet, dash(strings.Join(n.Blocks, ",")),
			dash(n.Tunnel), n.HostMTU, n.PodMTU, n.Peers, n.Routes)
	}
	tw.Flush()

	b := res.BGP
	ew.printf("\nBGP\n  topology %s, %d sessions established of %d configured, at most %d per node\n",
		b.Topology, b.Sessions, b.Configured, b.MaxPeersPerNode)
	conv := "not converged"
	if b.Converged {
		conv = fmt.Sprintf("converged in %dms", b.ConvergenceMillis)
	}
	clock := "virtual time"
	if s.Engine == "gobgp" {
		clock = "wall time, real GoBGP speakers"
	}
	ew.printf("  %s (%s), %d UPDATEs\n", conv, clock, b.Updates)

	ew.printf("\nIPAM\n")
	tw = newTab(ew)
	fmt.Fprintln(tw, "  POOL\tCIDR\tBLOCK\tENCAP\tMODE\tNAT\tBLOCKS USED")
	for _, p := range res.IPAM.Pools {
		fmt.Fprintf(tw, "  %s\t%s\t/%d\t%s\t%s\t%v\t%d of %d\n", p.Name, p.CIDR, p.BlockSize, p.Encap, p.Mode, p.NATOutgoing, p.BlocksUsed, p.BlocksTotal)
	}
	tw.Flush()
	ew.printf("  pod capacity %d, %d pods addressed, %d without an address\n",
		res.IPAM.PodCapacity, res.IPAM.PodsAddressed, res.IPAM.PodsWithoutIP)

	ew.printf("\nPATHS (%d)\n", len(res.Paths))
	Paths(ew, res.Paths)

	ew.printf("\nFINDINGS (%d)\n", len(res.Findings))
	Findings(ew, res.Findings)
	for _, warn := range res.Warnings {
		ew.printf("warning: %s\n", warn)
	}
	return ew.err
}

// Paths writes one line per path.
func Paths(w io.Writer, paths []sim.Path) {
	tw := newTab(w)
	fmt.Fprintln(tw, "FROM\tTO\tPORT\tRESULT\tENCAP\tOVERHEAD\tPATH MTU\tPOLICY\tWHY")
	for i, p := range paths {
		if i == maxRows {
			fmt.Fprintf(tw, "... %d more (-o json lists them all)\n", len(paths)-maxRows)
			break
		}
		result, why := "delivered", ""
		if !p.Delivered {
			result = "DROPPED"
			if p.Drop != nil {
				why = p.Drop.Reason + " at " + p.Drop.At
			}
		}
		pol := "-"
		if p.Policy != nil {
			pol = p.Policy.Verdict + " (" + p.Policy.DecidedBy + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", p.From, p.To, p.Port, result, p.Encapsulation,
			p.OverheadBytes, p.PathMTU, pol, dash(why))
	}
	tw.Flush()
}

// Findings writes one block per finding.
func Findings(w io.Writer, fs []sim.Finding) {
	if len(fs) == 0 {
		fmt.Fprintln(w, "  none: the design follows the reference architecture's rules calisim checks")
		return
	}
	for _, f := range fs {
		fmt.Fprintf(w, "  %-7s %s: %s\n", strings.ToUpper(string(f.Severity)), f.Code, f.Message)
		if len(f.Subjects) > 0 {
			fmt.Fprintf(w, "          subjects: %s\n", strings.Join(f.Subjects, ", "))
		}
	}
}

// Trace writes one path hop by hop.
func Trace(w io.Writer, p sim.Path) {
	result := "DELIVERED"
	if !p.Delivered {
		result = "DROPPED"
		if p.Drop != nil {
			result += fmt.Sprintf(" at %s: %s", p.Drop.At, p.Drop.Reason)
			if p.Drop.Detail != "" {
				result += " (" + p.Drop.Detail + ")"
			}
		}
	}
	fmt.Fprintf(w, "%s -> %s %s, %d bytes payload: %s\n", p.From, p.To, p.Port, p.Size, result)
	fmt.Fprintf(w, "  encapsulation %s, overhead %d bytes, path MTU %d\n", p.Encapsulation, p.OverheadBytes, p.PathMTU)
	if p.Policy != nil {
		fmt.Fprintf(w, "  policy %s, decided by %s\n", p.Policy.Verdict, p.Policy.DecidedBy)
	}
	tw := newTab(w)
	fmt.Fprintln(tw, "  #\tAT\tDEV\tACTION\tBYTES\tDETAIL")
	for i, h := range p.Hops {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%d\t%s\n", i+1, h.At, dash(h.Dev), h.Action, h.Bytes, h.Detail)
	}
	tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// errWriter remembers the first write error so a printer can check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

// Timeline writes BGP events, one a line.
func Timeline(w io.Writer, events []sim.Event) {
	for _, e := range events {
		fmt.Fprintf(w, "  %10.3fs  %-22s %s\n", float64(e.AtMillis)/1000, e.What, e.Detail)
	}
}

// NodeStatus writes a node's peers as `calicoctl node status` does.
func NodeStatus(w io.Writer, s sim.NodeStatus) {
	fmt.Fprintln(w, "Calico process is running.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "IPv4 BGP status")
	if len(s.Peers) == 0 {
		fmt.Fprintln(w, "No IPv4 peers found.")
	} else {
		head := []string{"PEER ADDRESS", "PEER TYPE", "STATE", "SINCE", "INFO"}
		rows := make([][]string, len(s.Peers))
		for i, p := range s.Peers {
			rows[i] = []string{p.PeerAddress, p.PeerType, p.State, p.Since, p.Info}
		}
		boxTable(w, head, rows)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "IPv6 BGP status")
	fmt.Fprintln(w, "No IPv6 peers found.")
}

// boxTable draws the +---+ tables calicoctl prints.
func boxTable(w io.Writer, head []string, rows [][]string) {
	width := make([]int, len(head))
	for i, h := range head {
		width[i] = len(h)
	}
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	sep := "+"
	for _, n := range width {
		sep += strings.Repeat("-", n+2) + "+"
	}
	line := func(cells []string, center bool) {
		s := "|"
		for i, c := range cells {
			pad := width[i] - len(c)
			if center {
				l := pad / 2
				s += " " + strings.Repeat(" ", l) + c + strings.Repeat(" ", pad-l) + " |"
			} else {
				s += " " + c + strings.Repeat(" ", pad) + " |"
			}
		}
		fmt.Fprintln(w, s)
	}
	fmt.Fprintln(w, sep)
	line(head, true)
	fmt.Fprintln(w, sep)
	for _, r := range rows {
		line(r, false)
	}
	fmt.Fprintln(w, sep)
}
