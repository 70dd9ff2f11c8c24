package packet

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// PcapSnaplen is the snapshot length written in the pcap header: enough for
// any IPv4 packet in an Ethernet frame.
const PcapSnaplen = 65535 + EthernetHeaderLen

// pcapEpoch is the timestamp of a trace's first frame; every next hop is one
// microsecond later, so the file is byte-identical on every run.
func pcapEpoch() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }

// WritePcap writes each hop's frame of t as one packet of a classic pcap
// file (link type Ethernet). Hops without a frame are skipped.
func WritePcap(w io.Writer, t *Trace) error {
	if t == nil {
		return errors.New("pcap: no trace")
	}
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(PcapSnaplen, layers.LinkTypeEthernet); err != nil {
		return fmt.Errorf("pcap header: %w", err)
	}
	ts := pcapEpoch()
	for i, h := range t.Hops {
		if len(h.Frame) == 0 {
			continue
		}
		ci := gopacket.CaptureInfo{Timestamp: ts.Add(time.Duration(i) * time.Microsecond), CaptureLength: len(h.Frame), Length: len(h.Frame)}
		if err := pw.WritePacket(ci, h.Frame); err != nil {
			return fmt.Errorf("pcap hop %d (%s): %w", i, h.At, err)
		}
	}
	return nil
}
