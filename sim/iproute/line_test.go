package iproute

import "testing"

func TestFind(t *testing.T) {
	table := []string{
		"default via 10.0.1.1 dev eth0",
		"10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10",
		"blackhole 10.244.32.128/26 proto bird",
		"10.244.58.192/26 via 10.0.2.20 dev tunl0 proto bird onlink",
		"10.244.1.0/26 via 10.0.1.11 dev eth0 proto bird",
		"10.244.32.130 dev cali1234567890a scope link",
	}
	tests := []struct {
		name string
		want string
		ok   bool
	}{
		{"exact ipip", "10.244.58.192/26 via 10.0.2.20 dev tunl0 proto bird onlink", true},
		{"subset", "10.244.58.192/26 dev tunl0", true},
		{"wrong dev", "10.244.58.192/26 via 10.0.2.20 dev eth0 proto bird", false},
		{"missing flag", "10.244.1.0/26 via 10.0.1.11 dev eth0 onlink", false},
		{"blackhole", "blackhole 10.244.32.128/26 proto bird", true},
		{"blackhole is not unicast", "10.244.32.128/26 proto bird", false},
		{"default", "default via 10.0.1.1", true},
		{"host route without /32", "10.244.32.130/32 scope link", true},
		{"absent", "10.9.9.0/24 via 10.0.1.1", false},
		{"host bits masked", "10.244.58.193/26 dev tunl0", true},
		{"proto by number", "10.244.1.0/26 via 10.0.1.11 proto 12", true},
		{"wrong proto", "10.244.1.0/26 via 10.0.1.11 proto 80", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, ok := Find(table, tc.want)
			if ok != tc.ok {
				t.Errorf("Find(%q) = %v, want %v", tc.want, ok, tc.ok)
			}
		})
	}
	if _, ok := FindDst(table, "10.244.58.192/26"); !ok {
		t.Error("FindDst missed 10.244.58.192/26")
	}
	if _, ok := FindDst(table, "10.244.99.0/26"); ok {
		t.Error("FindDst found 10.244.99.0/26")
	}
}

func TestFindSameDestination(t *testing.T) {
	table := []string{
		"default via 10.0.1.1 dev eth0",
		"10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10",
		"blackhole 10.244.0.0/26 proto bird",
		"10.244.0.64/26 via 10.0.1.11 dev eth0 proto bird",
		"10.244.0.128/26 via 10.244.0.128 dev vxlan.calico onlink",
		"blackhole 10.244.1.0/26 proto 80",
		"10.244.0.5 dev cali0123456789a scope link",
	}
	tests := []struct {
		want  string
		found bool
		same  int
	}{
		{"default via 10.0.1.1 dev eth0", true, 0},
		{"0.0.0.0/0 via 10.0.1.1", true, 0},
		{"blackhole 10.244.0.0/26 proto bird", true, 0},
		{"blackhole 10.244.0.0/26 proto 12", true, 0}, // bird is protocol 12
		{"10.244.0.64/26 via 10.0.1.11 dev eth0 proto bird", true, 0},
		{"10.244.0.64/26 via 10.0.1.12 dev eth0 proto bird", false, 1},
		{"10.244.0.128/26 via 10.244.0.128 dev vxlan.calico onlink", true, 0},
		{"10.244.0.128/26 dev vxlan.calico proto bird", false, 1},
		{"blackhole 10.244.1.0/26 proto bird", false, 1},
		{"10.244.0.0/26 via 10.0.1.10", false, 1}, // a blackhole is another type, shown as what is there
		{"10.244.0.5/32 dev cali0123456789a", true, 0},
		{"10.9.9.0/24 dev eth0", false, 0},
	}
	for _, tc := range tests {
		_, same, ok := Find(table, tc.want)
		if ok != tc.found || len(same) != tc.same {
			t.Errorf("Find(%q) = found %v, %d same-destination lines; want %v, %d", tc.want, ok, len(same), tc.found, tc.same)
		}
	}
}
