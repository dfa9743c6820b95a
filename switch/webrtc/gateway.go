package webrtc

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// Gateway owns the shared ICE port and every browser leg (Peer).
type Gateway struct {
	cfg   Config
	log   *slog.Logger
	api   *webrtc.API
	mux   ice.UDPMux
	certs certStore

	mu     sync.Mutex
	peers  map[*Peer]struct{}
	closed bool
}

// Codecs registered with pion: the only ones a browser leg may use.
var (
	codecPCMU  = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}
	codecPCMA  = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMA, ClockRate: 8000}
	codecEvent = webrtc.RTPCodecCapability{MimeType: "audio/telephone-event", ClockRate: 8000, SDPFmtpLine: "0-16"}
)

// New binds the shared ICE port and prepares pion. Close releases it.
func New(cfg Config) (*Gateway, error) {
	cfg = cfg.withDefaults()
	bind, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	logs := pionLogs{log: cfg.Logger}
	mux, err := listenICE(bind, logs)
	if err != nil {
		return nil, fmt.Errorf("new webrtc gateway: %w", err)
	}
	api, err := newAPI(cfg, bind, mux, logs)
	if err != nil {
		mux.Close()
		return nil, fmt.Errorf("new webrtc gateway: %w", err)
	}
	return &Gateway{
		cfg:   cfg,
		log:   cfg.Logger,
		api:   api,
		mux:   mux,
		peers: make(map[*Peer]struct{}),
	}, nil
}

// listenICE binds the one UDP port all browser legs share (ICE demuxes
// them by username fragment).
func listenICE(b iceBind, logs pionLogs) (ice.UDPMux, error) {
	if b.ip.IsUnspecified() {
		networks := []ice.NetworkType{ice.NetworkTypeUDP4, ice.NetworkTypeUDP6}
		if b.v4Only {
			networks = networks[:1]
		}
		mux, err := ice.NewMultiUDPMuxFromPort(b.port,
			ice.UDPMuxFromPortWithLogger(logs.NewLogger("ice-mux")),
			ice.UDPMuxFromPortWithNetworks(networks...))
		if err != nil {
			return nil, fmt.Errorf("listen ice port %d: %w", b.port, err)
		}
		return mux, nil
	}
	conn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(b.ip, uint16(b.port))))
	if err != nil {
		return nil, fmt.Errorf("listen ice: %w", err)
	}
	return webrtc.NewICEUDPMux(logs.NewLogger("ice-mux"), conn), nil
}

func newAPI(cfg Config, b iceBind, mux ice.UDPMux, logs pionLogs) (*webrtc.API, error) {
	me := &webrtc.MediaEngine{}
	for _, c := range []webrtc.RTPCodecParameters{
		{RTPCodecCapability: codecPCMU, PayloadType: ptPCMU},
		{RTPCodecCapability: codecPCMA, PayloadType: ptPCMA},
		{RTPCodecCapability: codecEvent, PayloadType: ptPlainDTMF},
	} {
		if err := me.RegisterCodec(c, webrtc.RTPCodecTypeAudio); err != nil {
			return nil, fmt.Errorf("register %s: %w", c.MimeType, err)
		}
	}
	// RTCP sender and receiver reports for the browser leg: its stats and
	// quality estimates need them. No NACK, TWCC or PLI: audio only.
	ir := &interceptor.Registry{}
	if err := webrtc.ConfigureRTCPReports(ir); err != nil {
		return nil, fmt.Errorf("rtcp reports: %w", err)
	}

	se := webrtc.SettingEngine{LoggerFactory: logs}
	se.SetLite(true)
	se.SetICEUDPMux(mux)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(b.ip.IsLoopback())
	if len(cfg.PublicIPs) > 0 {
		err := se.SetICEAddressRewriteRules(webrtc.ICEAddressRewriteRule{
			External:        slices.Clone(cfg.PublicIPs),
			AsCandidateType: webrtc.ICECandidateTypeHost,
			Mode:            webrtc.ICEAddressRewriteReplace,
		})
		if err != nil {
			return nil, fmt.Errorf("public ips: %w", err)
		}
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir),
		webrtc.WithSettingEngine(se)), nil
}

// ICEServers returns the STUN URLs pages should give RTCPeerConnection
// (Config.STUNServers).
func (g *Gateway) ICEServers() []string {
	return slices.Clone(g.cfg.STUNServers)
}

// Close closes every Peer and the shared port. Later calls do nothing.
func (g *Gateway) Close() error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	peers := make([]*Peer, 0, len(g.peers))
	for p := range g.peers {
		peers = append(peers, p)
	}
	g.mu.Unlock()
	var errs []error
	for _, p := range peers {
		errs = append(errs, p.Close())
	}
	errs = append(errs, g.mux.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close webrtc gateway: %w", err)
	}
	return nil
}

// newPeerConnection makes a pion PeerConnection sharing the gateway's
// certificate.
func (g *Gateway) newPeerConnection() (*webrtc.PeerConnection, error) {
	cert, err := g.certs.get(time.Now())
	if err != nil {
		return nil, err
	}
	return g.api.NewPeerConnection(webrtc.Configuration{Certificates: []webrtc.Certificate{cert}})
}

// add registers p; false once the gateway is closed.
func (g *Gateway) add(p *Peer) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.peers[p] = struct{}{}
	return true
}

func (g *Gateway) forget(p *Peer) {
	g.mu.Lock()
	delete(g.peers, p)
	g.mu.Unlock()
}
