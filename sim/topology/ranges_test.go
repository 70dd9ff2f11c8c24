package topology

import (
	"strings"
	"testing"
)

func TestRanges(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  string
		count int64
		err   string
	}{
		{in: "master", want: "master", count: 1},
		{in: "w-{1..3}", want: "w-1 w-2 w-3", count: 3},
		{in: "w-{08..11}", want: "w-08 w-09 w-10 w-11", count: 4},
		{in: "w-{8..011}", want: "w-008 w-009 w-010 w-011", count: 4},
		{in: "{1..2}-edge", want: "1-edge 2-edge", count: 2},
		{in: "r{1..2}-w{1..2}", want: "r1-w1 r1-w2 r2-w1 r2-w2", count: 4},
		{in: "w-{5..5}", want: "w-5", count: 1},
		{in: "w-{1..50000000}", count: 50_000_000},
		{in: "w-{1..999999999}-{1..999999999}-{1..999999999}", count: rangeSaturated},
		{in: "w-{3..1}", err: "ends before it starts"},
		{in: "w-{1..3", err: "not closed"},
		{in: "w-1..3}", err: "without"},
		{in: "w-{a..c}", err: "not a range"},
		{in: "w-{-1..3}", err: "not a range"},
		{in: "w-{}", err: "not a range"},
		{in: "w-{1..9999999999}", err: "not a range"},
	} {
		rs, err := parseRanges(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if c := rangeCount(rs); c != tc.count {
			t.Errorf("%q: count %d, want %d", tc.in, c, tc.count)
		}
		if tc.want == "" {
			continue
		}
		var got []string
		expandName(tc.in, rs, func(s string) { got = append(got, s) })
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%q: %v, want %s", tc.in, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cands []string
		want  string
	}{
		{"lables", []string{"labels", "name"}, "labels"},
		{"CIDR", []string{"cidr"}, "cidr"},
		{"b", []string{"a"}, ""},
		{"ab", []string{"aa"}, "aa"},
		{"nodeToNodeMeshEnable", []string{"nodeToNodeMeshEnabled", "asNumber"}, "nodeToNodeMeshEnabled"},
		{"xyzzy", []string{"labels"}, ""},
	} {
		if got := suggest(tc.name, tc.cands); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
