package dataplane

import "testing"

func TestVethName(t *testing.T) {
	// Expected values computed independently: "cali" + sha1("ns.pod")[:11].
	for _, tc := range []struct{ ns, pod, want string }{
		{"default", "web-0", "cali0d7763386da"},
		{"kube-system", "coredns-5d78c9869d-abcde", "cali4d5f75c480c"},
	} {
		if got := VethName(tc.ns, tc.pod); got != tc.want {
			t.Errorf("VethName(%q, %q) = %q, want %q", tc.ns, tc.pod, got, tc.want)
		}
		if got := VethName(tc.ns, tc.pod); len(got) != 15 {
			t.Errorf("%q is not 15 characters (IFNAMSIZ-1)", got)
		}
	}
}

func TestDeriveMAC(t *testing.T) {
	a, b := DeriveMAC("worker-1"), DeriveMAC("worker-2")
	if a == b {
		t.Fatal("two names gave one MAC")
	}
	if a != DeriveMAC("worker-1") {
		t.Fatal("not deterministic")
	}
	for _, m := range []MAC{a, b} {
		if m[0]&0x01 != 0 || m[0]&0x02 == 0 {
			t.Errorf("%v is not a locally administered unicast MAC", m)
		}
	}
	if got := (MAC{0xee, 0xee, 0xee, 0xee, 0xee, 0x0a}).String(); got != "ee:ee:ee:ee:ee:0a" {
		t.Errorf("String() = %q", got)
	}
}
