package verify

import (
	"regexp"
	"testing"
)

func TestNames(t *testing.T) {
	n := Names{RunID: "a1b2c3"}
	tests := []struct{ got, want string }{
		{n.Subnet(0), "cs-a1b2c3-s-0"},
		{n.Node(12), "cs-a1b2c3-n-12"},
		{n.Router(1), "cs-a1b2c3-r-1"},
		{n.External(3), "cs-a1b2c3-x-3"},
		{n.Pod(7), "cs-a1b2c3-p-7"},
		{NodePort(99999), "n99999"},
		{RouterPort(3, 2), "r3i2"},
		{RouterIface(2), "eth2"},
		{ExternalPort(0), "x0"},
		// Calico's CNI: "cali" + sha1("default.web-0")[:11].
		{CaliName("default", "web-0"), "cali0d7763386da"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !n.Owns("cs-a1b2c3-n-1") || n.Owns("cs-a1b2c4-n-1") || (Names{}).Owns("cs--n-1") {
		t.Error("Owns must match exactly this run's prefix")
	}
}

func TestInterfaceNamesFit(t *testing.T) {
	ifname := regexp.MustCompile(`^[a-z0-9.]{1,15}$`)
	for _, s := range []string{
		NodePort(99999), RouterPort(99999, 99), RouterIface(99), ExternalPort(99999),
		CaliName("a-very-long-namespace-name", "a-very-long-pod-name-0"), BridgeName, Eth0, VXLANDev,
	} {
		if !ifname.MatchString(s) {
			t.Errorf("%q is not a valid interface name (at most 15 bytes)", s)
		}
	}
}

func TestRunIDsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		id := NewRunID()
		if len(id) != 6 {
			t.Fatalf("run ID %q: want 6 hex digits", id)
		}
		seen[id] = true
	}
	if len(seen) < 45 {
		t.Errorf("only %d distinct run IDs out of 50", len(seen))
	}
}
