package diff

import (
	"fmt"
	"io"
	"strings"
)

// WriteText prints the diff for a person: a header, then each section's
// changes, "- " for A and "+ " for B.
func (d *Diff) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "--- a: %s\n+++ b: %s\n", d.A, d.B)
	if d.Empty() {
		b.WriteString("no differences\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	var section Section
	var subject string
	for _, c := range d.Changes {
		if c.Section != section {
			section, subject = c.Section, ""
			fmt.Fprintf(&b, "\n%s\n", strings.ToUpper(string(section)))
		}
		if c.Subject != subject {
			subject = c.Subject
			fmt.Fprintf(&b, "  %s\n", subject)
		}
		switch {
		case c.Section == SectionRoutes && c.A != "":
			fmt.Fprintf(&b, "    - %s\n", c.A)
		case c.Section == SectionRoutes:
			fmt.Fprintf(&b, "    + %s\n", c.B)
		default:
			fmt.Fprintf(&b, "    %s: %s -> %s\n", c.Field, orNone(c.A), orNone(c.B))
		}
	}
	fmt.Fprintf(&b, "\n%d differences\n", len(d.Changes))
	_, err := io.WriteString(w, b.String())
	return err
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
