package gobgp

import (
	"context"
	"fmt"
	"net/netip"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
	"google.golang.org/protobuf/types/known/anypb"
)

// speaker is one running GoBGP server.
type speaker struct {
	srv         *server.BgpServer
	loop        *serveLoop
	watchCancel context.CancelFunc
}

var ipv4Unicast = &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST}

// newSpeaker starts speaker sp's server, listening on its loopback
// addresses. Servers are started one after the other, before any route
// exists: every StartBgp writes GoBGP's package-level route selection
// options, which best path selection reads.
func (n *network) newSpeaker(ctx context.Context, sp int) error {
	s := &n.p.Speakers[sp]
	srv := server.NewBgpServer(server.LoggerOption(quietLogger{}))
	n.sp[sp] = &speaker{srv: srv, loop: startServe(srv)}
	err := srv.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{
		Asn:             s.AS,
		RouterId:        s.Addr.String(),
		ListenPort:      int32(n.addrs.ports[sp]),
		ListenAddresses: n.addrs.listen(sp),
		// GoBGP prefers the older of two eBGP paths (RFC 5004) unless told
		// to compare router IDs, as BIRD and the model do.
		RouteSelectionOptions: &api.RouteSelectionOptionsConfig{ExternalCompareRouterId: true},
	}})
	if err != nil {
		return fmt.Errorf("gobgp engine: start %s: %w", s.Ref(), err)
	}
	return nil
}

// prepare makes speaker sp's server report its peers and best paths to the
// tracker and originate the speaker's blocks.
func (n *network) prepare(ctx context.Context, sp int) error {
	s := &n.p.Speakers[sp]
	k := n.sp[sp]
	wctx, cancel := context.WithCancel(context.Background())
	k.watchCancel = cancel
	err := k.srv.WatchEvent(wctx, &api.WatchEventRequest{
		Peer: &api.WatchEventRequest_Peer{},
		Table: &api.WatchEventRequest_Table{Filters: []*api.WatchEventRequest_Table_Filter{
			{Type: api.WatchEventRequest_Table_Filter_BEST},
		}},
	}, func(r *api.WatchEventResponse) { n.track.event(sp, r) })
	if err != nil {
		return fmt.Errorf("gobgp engine: watch %s: %w", s.Ref(), err)
	}
	if err := n.reflectorPolicy(ctx, sp); err != nil {
		return err
	}
	for _, pf := range n.p.Origins[sp] {
		if err := originate(ctx, k.srv, pf, s.Addr); err != nil {
			return fmt.Errorf("gobgp engine: %s originates %s: %w", s.Ref(), pf, err)
		}
	}
	return nil
}

// originate injects prefix pf with next hop nh, the speaker's underlay
// address (GoBGP keeps an explicit next hop of a local route, on iBGP and
// eBGP alike).
func originate(ctx context.Context, srv *server.BgpServer, pf netip.Prefix, nh netip.Addr) error {
	nlri, err := anypb.New(&api.IPAddressPrefix{Prefix: pf.Addr().String(), PrefixLen: uint32(pf.Bits())})
	if err != nil {
		return err
	}
	origin, err := anypb.New(&api.OriginAttribute{Origin: 0})
	if err != nil {
		return err
	}
	next, err := anypb.New(&api.NextHopAttribute{NextHop: nh.String()})
	if err != nil {
		return err
	}
	_, err = srv.AddPath(ctx, &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: &api.Path{
		Family: ipv4Unicast, Nlri: nlri, Pattrs: []*anypb.Any{origin, next},
	}})
	return err
}

// peerConf is speaker sp's side of session i.
func (n *network) peerConf(sp, i int) (*api.Peer, error) {
	ses := &n.p.Sessions[i]
	end := 0
	if ses.B == sp {
		end = 1
	}
	other, local, remote := ses.B, ses.AAddr, ses.BAddr
	if end == 1 {
		other, local, remote = ses.A, ses.BAddr, ses.AAddr
	}
	lo, ok1 := n.addrs.loopOf(sp, local)
	ro, ok2 := n.addrs.loopOf(other, remote)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("gobgp engine: session %s has no loopback address", n.p.SessionName(i))
	}
	me := &n.p.Speakers[sp]
	peer := &api.Peer{
		Conf: &api.PeerConf{NeighborAddress: ro.String(), PeerAsn: n.p.Speakers[other].AS, LocalAsn: me.AS},
		Transport: &api.Transport{
			LocalAddress:  lo.String(),
			RemoteAddress: ro.String(),
			RemotePort:    uint32(n.addrs.ports[other]),
			PassiveMode:   ses.Passive == sp,
		},
		Timers: &api.Timers{Config: &api.TimersConfig{
			// A session the engine ends stays down (GoBGP's default 30 s
			// idle hold after a reset): sessions come back only by AddPeer.
			ConnectRetry: 1, HoldTime: 90, KeepaliveInterval: 30, IdleHoldTimeAfterReset: 30,
		}},
		AfiSafis: []*api.AfiSafi{{Config: &api.AfiSafiConfig{Family: ipv4Unicast, Enabled: true}}},
	}
	if ses.RRClient[end] {
		peer.RouteReflector = &api.RouteReflector{RouteReflectorClient: true, RouteReflectorClusterId: me.ClusterID}
	}
	return peer, nil
}
