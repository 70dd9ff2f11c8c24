package main

import (
	"fmt"
	"io"
	"os"

	"github.com/calisim/calisim/cmd/calisim/internal/printer"
	"github.com/calisim/calisim/sim"
	"github.com/calisim/calisim/sim/packet"
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

type traceFlags struct {
	simFlags
	from, to string
	port     string
	size     int
	pcap     string
	output   string
}

func newTraceCommand() *cobra.Command {
	f := &traceFlags{}
	c := &cobra.Command{
		Use:   "trace FILE|DIR --from REF --to REF",
		Short: "Walk real packets between two endpoints, hop by hop",
		Long: `Trace builds the packet (Ethernet, IPv4 with DF, TCP/UDP/ICMP and a payload of
--size bytes, serialized by gopacket with lengths and checksums), encapsulates
it as the source node's routes say (IPIP: outer IPv4 protocol 4; VXLAN: UDP
4789, VNI 4096) and walks it over the underlay, applying source/destination
checks, blocked protocols, TTL, MTU and DF, natOutgoing and network policy.

REF is ns/workload (every pod), ns/pod, node/NAME, router/NAME,
external/NAME or an IP address. --pcap writes every hop's frame to a pcap
file that Wireshark and tshark decode.`,
		Example: `  calisim trace scenarios/aws-two-az.yaml --from org-1/web-0 --to org-1/web-2
  calisim trace scenarios/azure-vxlan.yaml --from web/nginx-0 --to web/nginx-1 --size 1411
  calisim trace scenarios/onprem-l3-crosssubnet.yaml --from app/api-0 --to app/api-2 --pcap api.pcap`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			out, err := printer.ParseFormat(f.output, printer.Table, printer.JSON, printer.YAML)
			if err != nil {
				return usageError{err}
			}
			if f.from == "" || f.to == "" {
				return usageError{fmt.Errorf("--from and --to are required")}
			}
			from, err := topology.ParseRef(f.from)
			if err != nil {
				return usageError{fmt.Errorf("--from: %w", err)}
			}
			to, err := topology.ParseRef(f.to)
			if err != nil {
				return usageError{fmt.Errorf("--to: %w", err)}
			}
			port, err := topology.ParsePort(f.port)
			if err != nil {
				return usageError{fmt.Errorf("--port: %w", err)}
			}
			if f.size < 0 || f.size > 65507 {
				return usageError{fmt.Errorf("--size %d: want 0 to 65507 payload bytes", f.size)}
			}
			tw, done, err := f.twin(c, args[0])
			if err != nil {
				return err
			}
			defer done()
			traces, err := tw.Traces(c.Context(), from, to, port, f.size)
			if err != nil {
				return usageError{err}
			}
			if len(traces) == 0 {
				return usageError{fmt.Errorf("--from %s --to %s name no pair of endpoints", f.from, f.to)}
			}
			paths := make([]sim.Path, len(traces))
			for i, t := range traces {
				paths[i] = tw.PathOf(t)
			}
			if f.pcap != "" {
				if err := writePcap(f.pcap, traces); err != nil {
					return err
				}
			}
			return printer.Write(c.OutOrStdout(), out, paths, func(w io.Writer) error {
				for i, p := range paths {
					if i > 0 {
						fmt.Fprintln(w)
					}
					printer.Trace(w, p)
				}
				if f.pcap != "" {
					fmt.Fprintf(w, "\nwrote %s\n", f.pcap)
				}
				return nil
			})
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&f.from, "from", "", "source endpoint reference")
	c.Flags().StringVar(&f.to, "to", "", "destination endpoint reference")
	c.Flags().StringVar(&f.port, "port", "tcp/80", "tcp/N, udp/N, sctp/N or icmp")
	c.Flags().IntVar(&f.size, "size", packet.DefaultSize, "payload bytes (DF set); the pod's IP packet is size+20+20 (TCP) or +8")
	c.Flags().StringVar(&f.pcap, "pcap", "", "write each hop's frame to this pcap file")
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table|json|yaml")
	_ = c.RegisterFlagCompletionFunc("from", completeRefs)
	_ = c.RegisterFlagCompletionFunc("to", completeRefs)
	_ = c.RegisterFlagCompletionFunc("port", completeWords("tcp/80", "tcp/443", "udp/53", "icmp"))
	_ = c.RegisterFlagCompletionFunc("engine", completeWords("model", "gobgp"))
	_ = c.RegisterFlagCompletionFunc("output", completeWords("table", "json", "yaml"))
	return c
}

func writePcap(name string, traces []*sim.PolicyTrace) error {
	fh, err := os.Create(name)
	if err != nil {
		return usageError{fmt.Errorf("--pcap: %w", err)}
	}
	if err := sim.WritePcap(fh, traces); err != nil {
		fh.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return fh.Close()
}
