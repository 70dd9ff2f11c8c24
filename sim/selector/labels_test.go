package selector

import "testing"

func TestMerged(t *testing.T) {
	own := Map{"app": "web", "tier": "front"}
	profile := Map{"app": "ignored", "projectcalico.org/namespace": "shop"}
	tests := []struct {
		name string
		l    Labels
		key  string
		v    string
		ok   bool
	}{
		{"own wins", Merged{own, profile}, "app", "web", true},
		{"from profile", Merged{own, profile}, "projectcalico.org/namespace", "shop", true},
		{"absent", Merged{own, profile}, "x", "", false},
		{"nil A", Merged{nil, profile}, "app", "ignored", true},
		{"nil B", Merged{own, nil}, "tier", "front", true},
		{"both nil", Merged{}, "app", "", false},
		{"nil map", Map(nil), "app", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := tc.l.Get(tc.key)
			if v != tc.v || ok != tc.ok {
				t.Errorf("Get(%q) = %q, %v, want %q, %v", tc.key, v, ok, tc.v, tc.ok)
			}
		})
	}
	s := mustParse(t, "app == 'web' && projectcalico.org/namespace == 'shop'")
	if !s.Matches(Merged{own, profile}) {
		t.Error("selector over merged labels does not match")
	}
}
