package verify

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestReportSummaryAndText(t *testing.T) {
	r := &Report{Scenario: "s", RunID: "abc123"}
	r.add(Check{Kind: KindRoute, Subject: "node/a", Predicted: "x", Real: "x", Status: Agree})
	r.add(Check{Kind: KindBGP, Subject: "node/a", Predicted: "1 established", Real: "0 established", Status: Differ})
	r.add(Check{Kind: KindFlow, Subject: "a -> b", Predicted: "delivered (ipip)", Status: Skipped, Reason: "ipip: no module"})
	r.count()
	if got, want := r.Summary(), "2 checks, 1 agree, 1 differ, 1 skipped"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if lines[len(lines)-1] != r.Summary() {
		t.Errorf("the last line must be the summary, got %q", lines[len(lines)-1])
	}
	for _, want := range []string{"differ  bgp", "predicted: 1 established", "real:      0 established", "skipped:   ipip: no module"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, b.String())
		}
	}
	r2 := &Report{}
	r2.add(Check{Status: Agree})
	r2.count()
	if got := r2.Summary(); got != "1 checks, 1 agree, 0 differ" {
		t.Errorf("without skips the summary has no skipped part: %q", got)
	}
	b.Reset()
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back["differ"] != 1.0 || back["checked"] != 2.0 || back["skipped"] != 1.0 {
		t.Errorf("JSON counts: %v", back)
	}
}
