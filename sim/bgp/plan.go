package bgp

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"github.com/calisim/calisim/sim/ipam"
	"github.com/calisim/calisim/sim/topology"
)

// DefaultAS is Calico's default AS number, used when the scenario leaves the
// global BGPConfiguration's asNumber at zero (a hand-made Scenario).
const DefaultAS = 64512

// SpeakerKind says what a speaker is. The zero value is SpeakerNode.
type SpeakerKind uint8

const (
	SpeakerNode   SpeakerKind = iota // a calico-node's BIRD
	SpeakerRouter                    // an underlay router with asNumber (a ToR)
)

func (k SpeakerKind) String() string {
	if k == SpeakerRouter {
		return "router"
	}
	return "node"
}

// MarshalText prints the kind's name.
func (k SpeakerKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Speaker is one BGP speaker.
type Speaker struct {
	Name  string
	Kind  SpeakerKind
	Index int        // into sc.Nodes or sc.Underlay.Routers
	Addr  netip.Addr // router ID: the node's address, a router's first interface address
	AS    uint32
	// ClusterID is the node's routeReflectorClusterID: set, the node is a
	// route reflector.
	ClusterID string
}

// Reflector reports whether the speaker is a route reflector.
func (s *Speaker) Reflector() bool { return s.ClusterID != "" }

// Ref is the speaker as an endpoint reference: node/NAME or router/NAME.
func (s *Speaker) Ref() string { return s.Kind.String() + "/" + s.Name }

// SessionKind says why a session exists. The zero value is SessionMesh.
type SessionKind uint8

const (
	SessionMesh      SessionKind = iota // nodeToNodeMeshEnabled
	SessionReflector                    // a reflector and its rr client
	SessionPeer                         // a BGPPeer between calico nodes (no rr client)
	SessionRouter                       // a BGPPeer to an outside address (a router)
)

var sessionKindNames = [...]string{"mesh", "rr-client", "peer", "router"}

func (k SessionKind) String() string {
	if int(k) < len(sessionKindNames) {
		return sessionKindNames[k]
	}
	return fmt.Sprintf("session-kind(%d)", k)
}

// MarshalText prints the kind's name.
func (k SessionKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Session is one configured BGP session. Calico configures both ends, so a
// session is listed once, whichever end's configuration made it.
type Session struct {
	A, B int // speakers; B is -1 when nothing speaks BGP at BAddr
	// AAddr and BAddr are the addresses the ends use (for a router, the
	// interface address the BGPPeer named).
	AAddr, BAddr netip.Addr
	// Client is the rr client when exactly one end reflects for the other,
	// else -1. RRClient[0] says A treats B as its rr client, RRClient[1] that
	// B treats A as its client: both are set between reflectors of different
	// cluster IDs.
	Client int
	// Passive is the end that waits for the other to connect (BIRD's passive
	// on, set by Calico between calico nodes); -1: both ends connect.
	Passive int
	// Blocked names what stops TCP/179 between the addresses over the
	// underlay ("subnet/az-b", "router/vpc", "no path"); Reachable says
	// nothing does.
	Blocked string
	// Refused says why the session can never establish even when reachable:
	// "no BGP speaker at 10.0.9.9", or a bad peer AS.
	Refused string
	// Source is the BGPPeer or BGPConfiguration that made the session.
	Source    topology.Pos
	Kind      SessionKind
	RRClient  [2]bool
	EBGP      bool
	Reachable bool
	// KeepNextHop is BGPPeer keepOriginalNextHop on A's side and on B's.
	KeepNextHop [2]bool
}

// CanEstablish reports whether nothing in the plan stops the session:
// reachable, a speaker at both ends, the ASes agree.
func (s *Session) CanEstablish() bool { return s.Reachable && s.Refused == "" && s.B >= 0 }

// Other returns the other end of the session from speaker sp (-1 if sp is
// not an end).
func (s *Session) Other(sp int) int {
	switch sp {
	case s.A:
		return s.B
	case s.B:
		return s.A
	}
	return -1
}

// Plan is the BGP layout of a scenario: every speaker, every session Calico
// would configure, and the prefixes each speaker originates. Node i of the
// scenario is speaker i; routers with asNumber follow, in scenario order.
// With BGP off (calicoNetwork.bgp Disabled, or a backend other than bird)
// the plan has no speakers and topology "none".
type Plan struct {
	Speakers []Speaker
	Sessions []Session
	// Topology is full-mesh, route-reflector, tor, mixed or none.
	Topology string
	// Origins are the prefixes each speaker originates (its IPAM blocks of
	// pools that export to BGP), sorted; index-aligned with Speakers.
	Origins [][]netip.Prefix

	sc            *topology.Scenario
	g             *topology.Graph
	routerSpeaker []int // per sc.Underlay.Routers: speaker index or -1

	peersOnce sync.Once // PeersOf's index
	peersOff  []int
	peers     []int
}

// Scenario returns the scenario the plan was made from.
func (p *Plan) Scenario() *topology.Scenario { return p.sc }

// Graph returns the underlay graph the plan was made with.
func (p *Plan) Graph() *topology.Graph { return p.g }

// NodeSpeaker returns the speaker of node i (it is i when BGP runs).
func (p *Plan) NodeSpeaker(i int) (int, bool) {
	if p.sc == nil || len(p.Speakers) == 0 || i < 0 || i >= len(p.sc.Nodes) {
		return -1, false
	}
	return i, true
}

// RouterSpeaker returns the speaker of router j, if it speaks BGP.
func (p *Plan) RouterSpeaker(j int) (int, bool) {
	if j < 0 || j >= len(p.routerSpeaker) || p.routerSpeaker[j] < 0 {
		return -1, false
	}
	return p.routerSpeaker[j], true
}

// SessionName names a session "a~b" by its speakers' names (the form
// failures use).
func (p *Plan) SessionName(i int) string {
	s := &p.Sessions[i]
	b := s.BAddr.String()
	if s.B >= 0 {
		b = p.Speakers[s.B].Name
	}
	return p.Speakers[s.A].Name + "~" + b
}

// PeersOf returns the sessions of speaker sp, in plan order. The index is
// built on the first call; the slice is shared: do not modify it.
func (p *Plan) PeersOf(sp int) []int {
	p.peersOnce.Do(func() {
		p.peersOff = make([]int, len(p.Speakers)+1)
		for i := range p.Sessions {
			p.peersOff[p.Sessions[i].A+1]++
			if b := p.Sessions[i].B; b >= 0 {
				p.peersOff[b+1]++
			}
		}
		for i := 1; i < len(p.peersOff); i++ {
			p.peersOff[i] += p.peersOff[i-1]
		}
		p.peers = make([]int, p.peersOff[len(p.Speakers)])
		fill := slices.Clone(p.peersOff)
		for i := range p.Sessions {
			s := &p.Sessions[i]
			p.peers[fill[s.A]] = i
			fill[s.A]++
			if s.B >= 0 {
				p.peers[fill[s.B]] = i
				fill[s.B]++
			}
		}
	})
	if sp < 0 || sp >= len(p.Speakers) {
		return nil
	}
	return p.peers[p.peersOff[sp]:p.peersOff[sp+1]:p.peersOff[sp+1]]
}

// NewPlan works out the sessions Calico's confd would configure for BIRD on
// every node, and the routers' side of them. Errors are *topology.FieldError
// (a bad selector, a BGPPeer naming an unknown node).
func NewPlan(sc *topology.Scenario, g *topology.Graph, alloc *ipam.Allocation) (*Plan, error) {
	if sc == nil {
		return nil, fmt.Errorf("bgp: no scenario")
	}
	if g == nil {
		g = topology.NewGraph(sc)
	}
	p := &Plan{sc: sc, g: g, routerSpeaker: make([]int, len(sc.Underlay.Routers))}
	for j := range p.routerSpeaker {
		p.routerSpeaker[j] = -1
	}
	if !sc.Calico.BGPEnabled || (sc.Calico.Backend != topology.BackendBird && sc.Calico.Backend != "") {
		p.Topology = "none"
		return p, nil
	}
	b := newBuilder(p)
	b.speakers(alloc)
	if sc.Resources.BGP.NodeToNodeMeshEnabled {
		if err := b.mesh(); err != nil {
			return nil, err
		}
	}
	for i := range sc.Resources.BGPPeers {
		if err := b.peer(i); err != nil {
			return nil, err
		}
	}
	p.Sessions = append(p.Sessions, b.extra...)
	p.Topology = classify(p)
	return p, nil
}

// MaxSessions bounds the sessions of a plan: a 2,000-node mesh has about
// two million and settles in seconds within 1 GiB; a 100,000-node mesh would
// have five billion.
const MaxSessions = 5_000_000

// maxMeshNodes is the largest full mesh within MaxSessions.
func maxMeshNodes() int {
	n := 1
	for int64(n+1)*int64(n)/2 <= MaxSessions {
		n++
	}
	return n
}

// builder holds the lookups NewPlan needs while it works.
type builder struct {
	p         *Plan
	nodeAddr  map[netip.Addr]int
	nodeName  map[string]int
	subnet    []int // per speaker: subnet index or -1
	meshRank  []int // per node: rank among mesh members or -1
	meshCount int
	reach     []reachResult         // node-node reachability by subnet pair (made on first use)
	extra     []Session             // sessions beyond the mesh
	extraKey  map[[2]netip.Addr]int // address pair -> index into all sessions
}

type reachResult struct {
	ok, known bool
	by        string
}

func newBuilder(p *Plan) *builder {
	sc := p.sc
	b := &builder{
		p:        p,
		nodeAddr: make(map[netip.Addr]int, len(sc.Nodes)),
		nodeName: make(map[string]int, len(sc.Nodes)),
		extraKey: make(map[[2]netip.Addr]int),
	}
	for i := range sc.Nodes {
		if _, dup := b.nodeAddr[sc.Nodes[i].Addr]; !dup && sc.Nodes[i].Addr.IsValid() {
			b.nodeAddr[sc.Nodes[i].Addr] = i
		}
		if _, dup := b.nodeName[sc.Nodes[i].Name]; !dup {
			b.nodeName[sc.Nodes[i].Name] = i
		}
	}
	return b
}

func (b *builder) speakers(alloc *ipam.Allocation) {
	sc, p := b.p.sc, b.p
	globalAS := sc.Resources.BGP.ASNumber
	if globalAS == 0 {
		globalAS = DefaultAS
	}
	for i := range sc.Nodes {
		n := &sc.Nodes[i]
		as := n.ASNumber
		if as == 0 {
			as = globalAS
		}
		p.Speakers = append(p.Speakers, Speaker{Name: n.Name, Kind: SpeakerNode, Index: i, Addr: n.Addr, AS: as, ClusterID: n.RouteReflectorClusterID})
	}
	for j := range sc.Underlay.Routers {
		r := &sc.Underlay.Routers[j]
		if r.ASNumber == 0 {
			continue
		}
		var id netip.Addr
		for _, in := range r.Interfaces {
			if in.Addr.IsValid() {
				id = in.Addr
				break
			}
		}
		p.routerSpeaker[j] = len(p.Speakers)
		p.Speakers = append(p.Speakers, Speaker{Name: r.Name, Kind: SpeakerRouter, Index: j, Addr: id, AS: r.ASNumber})
	}
	b.subnet = make([]int, len(p.Speakers))
	for i := range p.Speakers {
		b.subnet[i] = -1
		if s, ok := p.g.SubnetOf(p.Speakers[i].Addr); ok && p.Speakers[i].Kind == SpeakerNode {
			b.subnet[i] = s
		}
	}
	p.Origins = make([][]netip.Prefix, len(p.Speakers))
	if alloc == nil {
		return
	}
	pools := sc.Resources.IPPools
	for i := range sc.Nodes {
		if i >= len(alloc.Nodes) {
			break
		}
		var out []netip.Prefix
		for _, bi := range alloc.Nodes[i].Blocks {
			if bi < 0 || bi >= len(alloc.Blocks) {
				continue
			}
			blk := alloc.Blocks[bi]
			if blk.Pool >= 0 && blk.Pool < len(pools) && pools[blk.Pool].DisableBGPExport {
				continue
			}
			out = append(out, blk.CIDR)
		}
		slices.SortFunc(out, comparePrefix)
		p.Origins[i] = slices.Compact(out)
	}
}

// comparePrefix orders prefixes by address, then length.
func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// mesh adds a session between every pair of non-reflector nodes, in node
// order: (0,1), (0,2), ..., (1,2), ...
func (b *builder) mesh() error {
	p := b.p
	nodes := len(p.sc.Nodes)
	b.meshRank = make([]int, nodes)
	var members []int
	for i := 0; i < nodes; i++ {
		b.meshRank[i] = -1
		if !p.Speakers[i].Reflector() && p.Speakers[i].Addr.IsValid() {
			b.meshRank[i] = len(members)
			members = append(members, i)
		}
	}
	b.meshCount = len(members)
	m := len(members)
	if n := int64(m) * int64(m-1) / 2; n > MaxSessions {
		sc := p.sc
		pos, path := sc.Resources.BGP.Pos, "spec.nodeToNodeMeshEnabled"
		if !pos.IsValid() && len(sc.Nodes) > 0 {
			pos, path = sc.Nodes[0].Pos, "spec.nodes"
		}
		return topology.Errorf(pos, path, "a full node-to-node mesh of %d nodes is %d BGP sessions; calisim simulates at most %d "+
			"(a %d-node mesh): set nodeToNodeMeshEnabled: false and peer the nodes with route reflectors, as the reference "+
			"architecture recommends beyond 50 nodes", m, n, MaxSessions, maxMeshNodes())
	}
	// Filled in place: copying millions of sessions (with their strings)
	// through append costs write barriers while the GC runs.
	base := len(p.Sessions)
	p.Sessions = slices.Grow(p.Sessions, m*(m-1)/2)[:base+m*(m-1)/2]
	src := p.sc.Resources.BGP.Pos
	k := base
	for x := 0; x < m; x++ {
		for y := x + 1; y < m; y++ {
			s := &p.Sessions[k]
			b.fillNodeSession(s, members[x], members[y])
			s.Kind = SessionMesh
			s.Source = src
			k++
		}
	}
	return nil
}

// meshIndex returns the index of the mesh session between nodes i and j.
func (b *builder) meshIndex(i, j int) (int, bool) {
	if b.meshRank == nil || i >= len(b.meshRank) || j >= len(b.meshRank) {
		return -1, false
	}
	x, y := b.meshRank[i], b.meshRank[j]
	if x < 0 || y < 0 || x == y {
		return -1, false
	}
	if x > y {
		x, y = y, x
	}
	m := b.meshCount
	return x*(2*m-x-1)/2 + (y - x - 1), true
}

// nodeSession makes the session between calico nodes i and j.
func (b *builder) nodeSession(i, j int) Session {
	var s Session
	b.fillNodeSession(&s, i, j)
	return s
}

// fillNodeSession fills s (zero) as the session between calico nodes i
// and j.
func (b *builder) fillNodeSession(s *Session, i, j int) {
	p := b.p
	a, c := &p.Speakers[i], &p.Speakers[j]
	s.A, s.B, s.AAddr, s.BAddr, s.Client, s.EBGP = i, j, a.Addr, c.Addr, -1, a.AS != c.AS
	// Calico makes peerings between calico nodes unidirectional; the
	// higher address waits (the contract in DESIGN.md; Calico's confd
	// compares the addresses as strings, see the report).
	s.Passive = i
	if a.Addr.Less(c.Addr) {
		s.Passive = j
	}
	b.rr(s)
	s.Reachable, s.Blocked = b.reachable(i, j, a.Addr, c.Addr)
}

// rr sets the route reflection relation of a session between same-AS
// speakers: a reflector treats a peer whose cluster ID is empty or different
// from its own as its rr client, as Calico's BIRD template does.
func (b *builder) rr(s *Session) {
	if s.B < 0 || s.EBGP {
		return
	}
	a, c := &b.p.Speakers[s.A], &b.p.Speakers[s.B]
	s.RRClient[0] = a.Reflector() && c.ClusterID != a.ClusterID
	s.RRClient[1] = c.Reflector() && a.ClusterID != c.ClusterID
	s.Client = -1
	switch {
	case s.RRClient[0] && !s.RRClient[1]:
		s.Client = s.B
	case s.RRClient[1] && !s.RRClient[0]:
		s.Client = s.A
	}
}

func (b *builder) reachable(sa, sb int, a, c netip.Addr) (bool, string) {
	if sa < len(b.subnet) && sb >= 0 && sb < len(b.subnet) && b.subnet[sa] >= 0 && b.subnet[sb] >= 0 {
		n := len(b.p.sc.Underlay.Subnets)
		if b.reach == nil {
			b.reach = make([]reachResult, n*n)
		}
		r := &b.reach[b.subnet[sa]*n+b.subnet[sb]]
		if !r.known {
			r.ok, r.by = b.p.g.BGPReachable(a, c)
			r.known = true
		}
		return r.ok, r.by
	}
	return b.p.g.BGPReachable(a, c)
}

// add records a session made by a BGPPeer, merging it with an existing one
// for the same pair of addresses (Calico keys peers by IP).
func (b *builder) add(s Session) {
	p := b.p
	if s.B >= 0 && p.Speakers[s.A].Kind == SpeakerNode && p.Speakers[s.B].Kind == SpeakerNode {
		if mi, ok := b.meshIndex(s.A, s.B); ok {
			m := &p.Sessions[mi]
			mergeKeep(m, &s)
			return
		}
	}
	key := [2]netip.Addr{s.AAddr, s.BAddr}
	if s.BAddr.Less(s.AAddr) {
		key = [2]netip.Addr{s.BAddr, s.AAddr}
	}
	if i, ok := b.extraKey[key]; ok {
		mergeKeep(&b.extra[i], &s)
		return
	}
	b.extraKey[key] = len(b.extra)
	b.extra = append(b.extra, s)
}

// mergeKeep carries keepOriginalNextHop from a duplicate onto the session
// that stays.
func mergeKeep(dst, src *Session) {
	for k, end := range [2]int{src.A, src.B} {
		if !src.KeepNextHop[k] {
			continue
		}
		if end == dst.A {
			dst.KeepNextHop[0] = true
		} else if end == dst.B {
			dst.KeepNextHop[1] = true
		}
	}
}

// classify names the layout: full-mesh (only mesh sessions), route-reflector
// (mesh off, every session has a reflector at one end), tor (mesh off, nodes
// peer only with routers), none (no session), mixed (anything else).
func classify(p *Plan) string {
	if len(p.Sessions) == 0 {
		return "none"
	}
	allMesh, allRouter, allRR := true, true, true
	for i := range p.Sessions {
		s := &p.Sessions[i]
		switch {
		case s.Kind == SessionMesh:
			allRouter, allRR = false, false
		case s.Kind == SessionRouter:
			allMesh, allRR = false, false
		case s.Kind == SessionReflector ||
			(s.B >= 0 && p.Speakers[s.A].Reflector() && p.Speakers[s.B].Reflector()):
			allMesh, allRouter = false, false
		default:
			return "mixed"
		}
	}
	switch {
	case allMesh:
		return "full-mesh"
	case allRR:
		return "route-reflector"
	case allRouter:
		return "tor"
	}
	return "mixed"
}
