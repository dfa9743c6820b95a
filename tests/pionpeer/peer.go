package pionpeer

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Wait bounds Connected and ICE gathering.
const Wait = 15 * time.Second

// Options tune a Peer; the zero value is a Chrome-like audio endpoint with
// telephone-event on 126 and no interceptors.
type Options struct {
	// EventPT is telephone-event's payload type; 0 means 126.
	EventPT uint8
	// EventFmtp is telephone-event's fmtp; "" means "0-15".
	EventFmtp string
	// Interceptors turns on pion's default interceptors (NACK, RTCP
	// reports, TWCC), as a real browser runs them.
	Interceptors bool
	// NoMic leaves the raw track out: Offer adds a bare sendrecv
	// transceiver and Answer adds no track, so the answer is recvonly.
	NoMic bool
}

// Peer is one pion PeerConnection on loopback.
type Peer struct {
	PC    *webrtc.PeerConnection
	Track *Track

	opts  Options
	mu    sync.Mutex
	pcmu  int // PCMU packets received
	all   int // RTP packets received, any payload type
	first chan struct{}
	fonce sync.Once
	conn  chan struct{}
	conce sync.Once
}

// New makes a Peer, closed when the test ends.
func New(tb testing.TB, opts Options) *Peer {
	tb.Helper()
	if opts.EventPT == 0 {
		opts.EventPT = 126
	}
	if opts.EventFmtp == "" {
		opts.EventFmtp = "0-15"
	}
	me := &webrtc.MediaEngine{}
	for _, c := range []webrtc.RTPCodecParameters{
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}, PayloadType: 0},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: "audio/telephone-event", ClockRate: 8000, SDPFmtpLine: opts.EventFmtp},
			PayloadType: webrtc.PayloadType(opts.EventPT)},
	} {
		if err := me.RegisterCodec(c, webrtc.RTPCodecTypeAudio); err != nil {
			tb.Fatalf("pionpeer: register %s: %v", c.MimeType, err)
		}
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	with := []func(*webrtc.API){webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se)}
	if !opts.Interceptors {
		with = append(with, webrtc.WithInterceptorRegistry(&interceptor.Registry{}))
	}
	pc, err := webrtc.NewAPI(with...).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		tb.Fatalf("pionpeer: new peer connection: %v", err)
	}
	p := &Peer{PC: pc, Track: &Track{}, opts: opts, first: make(chan struct{}), conn: make(chan struct{})}
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			p.conce.Do(func() { close(p.conn) })
		}
	})
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { p.read(tr) })
	tb.Cleanup(func() { _ = pc.Close() })
	return p
}

// read counts the remote track's packets until it ends.
func (p *Peer) read(tr *webrtc.TrackRemote) {
	buf := make([]byte, 1500)
	for {
		n, _, err := tr.Read(buf)
		if err != nil {
			if n == 0 || errors.Is(err, io.EOF) {
				return
			}
			continue
		}
		var pkt rtp.Packet
		if pkt.Unmarshal(buf[:n]) != nil {
			continue
		}
		p.mu.Lock()
		p.all++
		if pkt.PayloadType == 0 {
			p.pcmu++
		}
		p.mu.Unlock()
		p.fonce.Do(func() { close(p.first) })
	}
}

// Received is how many PCMU packets arrived.
func (p *Peer) Received() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pcmu
}

// Packets is how many RTP packets of any payload type arrived.
func (p *Peer) Packets() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.all
}

// FirstRTP is closed when the first RTP packet arrives.
func (p *Peer) FirstRTP() <-chan struct{} { return p.first }

// Up is closed when ICE and DTLS complete.
func (p *Peer) Up() <-chan struct{} { return p.conn }

// local sets d and returns the whole SDP after gathering, as the switch
// takes no trickle ICE.
func (p *Peer) local(tb testing.TB, d webrtc.SessionDescription) string {
	tb.Helper()
	gathered := webrtc.GatheringCompletePromise(p.PC)
	if err := p.PC.SetLocalDescription(d); err != nil {
		tb.Fatalf("pionpeer: set local %s: %v", d.Type, err)
	}
	select {
	case <-gathered:
	case <-time.After(Wait):
		tb.Fatal("pionpeer: ICE gathering did not complete")
	}
	return p.PC.LocalDescription().SDP
}

// Offer adds a sendrecv audio transceiver and returns the offer.
func (p *Peer) Offer(tb testing.TB) string {
	tb.Helper()
	init := webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendrecv}
	var err error
	if p.opts.NoMic {
		_, err = p.PC.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, init)
	} else {
		_, err = p.PC.AddTransceiverFromTrack(p.Track, init)
	}
	if err != nil {
		tb.Fatalf("pionpeer: add transceiver: %v", err)
	}
	o, err := p.PC.CreateOffer(nil)
	if err != nil {
		tb.Fatalf("pionpeer: create offer: %v", err)
	}
	return p.local(tb, o)
}

// Answer takes the remote offer and returns the answer.
func (p *Peer) Answer(tb testing.TB, offer string) string {
	tb.Helper()
	if err := p.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		tb.Fatalf("the peer refused the offer: %v\n%s", err, offer)
	}
	if !p.opts.NoMic {
		if _, err := p.PC.AddTrack(p.Track); err != nil {
			tb.Fatalf("pionpeer: add track: %v", err)
		}
	}
	a, err := p.PC.CreateAnswer(nil)
	if err != nil {
		tb.Fatalf("pionpeer: create answer: %v", err)
	}
	return p.local(tb, a)
}

// SetAnswer takes the remote answer to Offer.
func (p *Peer) SetAnswer(tb testing.TB, sdp string) {
	tb.Helper()
	if err := p.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		tb.Fatalf("the peer refused the answer: %v\n%s", err, sdp)
	}
}

// Connected waits up to d for ICE and DTLS.
func (p *Peer) Connected(tb testing.TB, d time.Duration) {
	tb.Helper()
	select {
	case <-p.conn:
	case <-time.After(d):
		tb.Fatalf("ICE and DTLS never completed (pion connection %s)", p.PC.ConnectionState())
	}
}
