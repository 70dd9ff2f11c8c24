package dataplane

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/netip"
)

// DeviceKind says what a network device is.
type DeviceKind uint8

const (
	DeviceEthernet DeviceKind = iota // the underlay interface, eth0
	DeviceIPIP                       // tunl0
	DeviceVXLAN                      // vxlan.calico
	DeviceVeth                       // a pod's host-side veth, caliXXXXXXXXXXX
)

var deviceKindNames = [...]string{"ethernet", "ipip", "vxlan", "veth"}

func (k DeviceKind) String() string {
	if int(k) < len(deviceKindNames) {
		return deviceKindNames[k]
	}
	return fmt.Sprintf("device(%d)", k)
}

// MarshalText makes DeviceKind print as its name in JSON and YAML.
func (k DeviceKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// VXLAN parameters Felix uses for vxlan.calico.
const (
	VXLANVNI  = 4096
	VXLANPort = 4789
)

// VethMAC is the MAC Calico gives the host side of every pod veth, so that
// pods' ARP for their default gateway resolves to it (proxy ARP).
func VethMAC() MAC { return MAC{0xee, 0xee, 0xee, 0xee, 0xee, 0xee} }

// Device is one network device on a node.
type Device struct {
	Name string     `json:"name"`
	Kind DeviceKind `json:"kind"`
	Addr netip.Addr `json:"addr,omitzero"` // eth0: the node address; tunnels: the tunnel address
	MTU  int        `json:"mtu"`
	MAC  MAC        `json:"mac,omitzero"`      // eth0, vxlan.calico, veths
	VNI  int        `json:"vni,omitempty"`     // vxlan.calico
	Port int        `json:"dstport,omitempty"` // vxlan.calico
	Pod  int        `json:"-"`                 // veth: index into Scenario.Pods; else -1
}

// MAC is an Ethernet address, comparable and usable as a map key.
type MAC [6]byte

// String prints aa:bb:cc:dd:ee:ff.
func (m MAC) String() string {
	const hexd = "0123456789abcdef"
	b := make([]byte, 0, 17)
	for i, c := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexd[c>>4], hexd[c&0xf])
	}
	return string(b)
}

// MarshalText makes MAC print as aa:bb:cc:dd:ee:ff.
func (m MAC) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// IsZero reports whether m is 00:00:00:00:00:00.
func (m MAC) IsZero() bool { return m == MAC{} }

// DeriveMAC makes a stable, locally administered unicast MAC from a name,
// so that the same scenario always gets the same addresses (Calico derives
// the VTEP MAC once and stores it on the Node; calisim derives it from the
// node name).
func DeriveMAC(name string) MAC {
	sum := sha1.Sum([]byte(name))
	var m MAC
	copy(m[:], sum[:6])
	m[0] = m[0]&^0x01 | 0x02 // unicast, locally administered
	return m
}

// VethName is the host-side name of a pod's veth as Calico's CNI plugin names
// it: "cali" and the first 11 hex digits of the SHA-1 of "namespace.pod".
func VethName(namespace, pod string) string {
	sum := sha1.Sum([]byte(namespace + "." + pod))
	return "cali" + hex.EncodeToString(sum[:])[:11]
}
