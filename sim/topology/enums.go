package topology

import "fmt"

// Cloud names a fabric preset. The zero value is CloudNone.
type Cloud string

const (
	CloudNone  Cloud = "none"
	CloudAWS   Cloud = "aws"
	CloudAzure Cloud = "azure"
	CloudGCP   Cloud = "gcp"
)

// EncapMode is an IPPool's ipipMode or vxlanMode. The zero value means Never.
type EncapMode string

const (
	EncapNever       EncapMode = "Never"
	EncapAlways      EncapMode = "Always"
	EncapCrossSubnet EncapMode = "CrossSubnet"
)

// Enabled reports whether the mode encapsulates at least some traffic.
func (m EncapMode) Enabled() bool { return m == EncapAlways || m == EncapCrossSubnet }

// Encap is the encapsulation of a pool (or of one packet leg).
// The zero value, EncapNone, means native routing.
type Encap uint8

const (
	EncapNone Encap = iota
	EncapIPIP
	EncapVXLAN
	EncapWireGuard
)

var encapNames = [...]string{"none", "ipip", "vxlan", "wireguard"}

func (e Encap) String() string {
	if int(e) < len(encapNames) {
		return encapNames[e]
	}
	return fmt.Sprintf("encap(%d)", e)
}

// MarshalText makes Encap print as its name in JSON and YAML.
func (e Encap) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText parses none|ipip|vxlan|wireguard.
func (e *Encap) UnmarshalText(b []byte) error {
	for i, n := range encapNames {
		if n == string(b) {
			*e = Encap(i)
			return nil
		}
	}
	return fmt.Errorf("%q is not an encapsulation (none, ipip, vxlan, wireguard)", b)
}

// Overhead is the bytes the encapsulation adds to each packet (IPv4 outer).
func (e Encap) Overhead() int {
	switch e {
	case EncapIPIP:
		return 20
	case EncapVXLAN:
		return 50
	case EncapWireGuard:
		return 60
	}
	return 0
}

// Backend is calico-config's calico_backend. The zero value is BackendBird.
type Backend string

const (
	BackendBird  Backend = "bird"
	BackendVXLAN Backend = "vxlan"
	BackendNone  Backend = "none"
)

// Datastore is where Calico keeps its state.
type Datastore string

const (
	DatastoreKubernetes Datastore = "kubernetes"
	DatastoreEtcd       Datastore = "etcd"
)

// FabricProto is a protocol a subnet or router may block.
type FabricProto string

const (
	BlockIPIP  FabricProto = "ipip"  // IP protocol 4
	BlockVXLAN FabricProto = "vxlan" // UDP 4789
)

// Proto is a transport protocol of a flow.
type Proto uint8

const (
	ProtoTCP Proto = iota
	ProtoUDP
	ProtoICMP
	ProtoSCTP
)

var protoNames = [...]string{"tcp", "udp", "icmp", "sctp"}

func (p Proto) String() string {
	if int(p) < len(protoNames) {
		return protoNames[p]
	}
	return fmt.Sprintf("proto(%d)", p)
}

func (p Proto) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Number is the IANA protocol number.
func (p Proto) Number() uint8 {
	switch p {
	case ProtoTCP:
		return 6
	case ProtoUDP:
		return 17
	case ProtoICMP:
		return 1
	case ProtoSCTP:
		return 132
	}
	return 0
}
