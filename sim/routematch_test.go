package sim

import "testing"

func TestFindRoute(t *testing.T) {
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, ok := findRoute(table, tc.want)
			if ok != tc.ok {
				t.Errorf("findRoute(%q) = %v, want %v", tc.want, ok, tc.ok)
			}
		})
	}
	if _, ok := hasDestination(table, "10.244.58.192/26"); !ok {
		t.Error("hasDestination missed 10.244.58.192/26")
	}
	if _, ok := hasDestination(table, "10.244.99.0/26"); ok {
		t.Error("hasDestination found 10.244.99.0/26")
	}
}
