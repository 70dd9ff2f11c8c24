package sim

import (
	"bytes"
	"fmt"
	"io"

	"github.com/calisim/calisim/sim/packet"
)

// WritePcap writes the frames of every trace into one pcap file: the first
// trace's file as packet.WritePcap writes it, then the frames of the others
// (their own file headers cut), so one capture holds every pair.
func WritePcap(w io.Writer, traces []*PolicyTrace) error {
	for i, t := range traces {
		var buf bytes.Buffer
		if err := packet.WritePcap(&buf, t.Trace); err != nil {
			return fmt.Errorf("pcap of %s -> %s: %w", t.Flow.Src.Name, t.Flow.Dst.Name, err)
		}
		b := buf.Bytes()
		if i > 0 {
			b = b[pcapFileHeaderLen:]
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// pcapFileHeaderLen is the size of a classic pcap file header.
const pcapFileHeaderLen = 24

// PathOf summarises one trace as run -o json shows paths.
func (tw *Twin) PathOf(t *PolicyTrace) Path { return tw.path(t) }
