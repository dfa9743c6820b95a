package webrtc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// waitLimit bounds every wait for something that must happen; reaching it
// fails the test, it asserts nothing about speed.
const waitLimit = 15 * time.Second

// Browser PTs as Chrome uses them: dynamic ones for telephone-event.
const (
	ptBrowserOpus  = 111
	ptBrowserEv48  = 110
	ptBrowserEvent = 126
)

func newTestGateway(t testing.TB, cfg Config) *Gateway {
	t.Helper()
	if cfg.ICEAddr == "" {
		cfg.ICEAddr = "127.0.0.1:0"
	}
	g, err := New(cfg)
	if err != nil {
		t.Fatalf("new gateway: %v", err)
	}
	t.Cleanup(func() {
		if err := g.Close(); err != nil {
			t.Errorf("close gateway: %v", err)
		}
	})
	return g
}

// browserCodecs are what the test browser registers, in Chrome's order.
type browserCodec struct {
	mime string
	rate uint32
	ch   uint16
	fmtp string
	pt   webrtc.PayloadType
}

var chromeCodecs = []browserCodec{
	{webrtc.MimeTypeOpus, 48000, 2, "minptime=10;useinbandfec=1", ptBrowserOpus},
	{webrtc.MimeTypePCMU, 8000, 0, "", 0},
	{webrtc.MimeTypePCMA, 8000, 0, "", 8},
	{"audio/telephone-event", 48000, 0, "0-15", ptBrowserEv48},
	{"audio/telephone-event", 8000, 0, "0-15", ptBrowserEvent},
}

// browser is a pion PeerConnection playing the browser: a full ICE agent
// on loopback only, DTLS in whichever role the SDP gives it.
type browser struct {
	t     testing.TB
	pc    *webrtc.PeerConnection
	track *rawTrack
	got   chan *rtp.Packet
	stop  chan struct{}
	wg    sync.WaitGroup
	conn  chan struct{}
	once  sync.Once
}

func newBrowser(t testing.TB, codecs []browserCodec) *browser {
	t.Helper()
	me := &webrtc.MediaEngine{}
	for _, c := range codecs {
		err := me.RegisterCodec(webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: c.mime, ClockRate: c.rate, Channels: c.ch, SDPFmtpLine: c.fmtp},
			PayloadType:        c.pt,
		}, webrtc.RTPCodecTypeAudio)
		if err != nil {
			t.Fatal(err)
		}
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se),
		webrtc.WithInterceptorRegistry(&interceptor.Registry{}))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, pc: pc, track: &rawTrack{}, got: make(chan *rtp.Packet, 4096),
		stop: make(chan struct{}), conn: make(chan struct{})}
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			b.once.Do(func() { close(b.conn) })
		}
	})
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		b.wg.Add(1)
		defer b.wg.Done()
		buf := make([]byte, 1500)
		for {
			n, _, err := tr.Read(buf)
			if err != nil {
				if n == 0 || errors.Is(err, io.EOF) {
					return
				}
				continue
			}
			if len(b.got) == cap(b.got) {
				continue // a benchmark floods; tests read what they need
			}
			pkt := &rtp.Packet{}
			if err := pkt.Unmarshal(append([]byte(nil), buf[:n]...)); err != nil {
				continue
			}
			select {
			case b.got <- pkt:
			case <-b.stop:
				return
			}
		}
	})
	t.Cleanup(b.close)
	return b
}

func (b *browser) close() {
	select {
	case <-b.stop:
		return
	default:
	}
	close(b.stop)
	if err := b.pc.Close(); err != nil {
		b.t.Errorf("close browser: %v", err)
	}
	b.wg.Wait()
}

// describe sets d as the local description and returns it with candidates.
func (b *browser) local(d webrtc.SessionDescription) []byte {
	b.t.Helper()
	gathered := webrtc.GatheringCompletePromise(b.pc)
	if err := b.pc.SetLocalDescription(d); err != nil {
		b.t.Fatal(err)
	}
	<-gathered
	return []byte(b.pc.LocalDescription().SDP)
}

// offer makes a sendrecv audio offer, as getUserMedia + addTrack would.
func (b *browser) offer() []byte {
	b.t.Helper()
	if _, err := b.pc.AddTransceiverFromTrack(b.track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendrecv}); err != nil {
		b.t.Fatal(err)
	}
	o, err := b.pc.CreateOffer(nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.local(o)
}

func (b *browser) setAnswer(sdp []byte) {
	b.t.Helper()
	if err := b.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(sdp)}); err != nil {
		b.t.Fatalf("browser set answer: %v", err)
	}
}

// answer answers our offer with a sendrecv track.
func (b *browser) answer(offer []byte) []byte {
	b.t.Helper()
	if err := b.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: string(offer)}); err != nil {
		b.t.Fatalf("browser set offer: %v", err)
	}
	if _, err := b.pc.AddTrack(b.track); err != nil {
		b.t.Fatal(err)
	}
	a, err := b.pc.CreateAnswer(nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.local(a)
}

func (b *browser) waitConnected() {
	b.t.Helper()
	wait(b.t, b.conn, "browser connected")
}

func wait(t testing.TB, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(waitLimit):
		t.Fatalf("gave up waiting: %s", what)
	}
}

// waitFor polls cond until it holds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// rawTrack is the browser's microphone: it writes packets with the PT the
// test gives, on the one negotiated SSRC (a browser sends RFC 4733 events
// on its audio SSRC).
type rawTrack struct {
	mu    sync.Mutex
	ssrc  uint32
	write webrtc.TrackLocalWriter
	seq   uint16
}

func (r *rawTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ssrc, r.write = uint32(ctx.SSRC()), ctx.WriteStream()
	for _, c := range ctx.CodecParameters() {
		if strings.EqualFold(c.MimeType, webrtc.MimeTypePCMU) || strings.EqualFold(c.MimeType, webrtc.MimeTypePCMA) {
			return c, nil
		}
	}
	return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
}
func (r *rawTrack) Unbind(webrtc.TrackLocalContext) error { return nil }
func (r *rawTrack) ID() string                            { return "mic" }
func (r *rawTrack) RID() string                           { return "" }
func (r *rawTrack) StreamID() string                      { return "browser" }
func (r *rawTrack) Kind() webrtc.RTPCodecType             { return webrtc.RTPCodecTypeAudio }

func (r *rawTrack) send(t testing.TB, pt uint8, payload []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.write == nil {
		t.Fatal("browser track not bound")
	}
	r.seq++
	h := rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: r.seq, Timestamp: uint32(r.seq) * 160, SSRC: r.ssrc}
	if _, err := r.write.WriteRTP(&h, payload); err != nil {
		t.Fatalf("browser send: %v", err)
	}
}

// phone is the plain side: a UDP socket on loopback, as the switch's relay.
type phone struct {
	t    testing.TB
	conn *net.UDPConn
	ssrc uint32
	seq  uint16
}

func newPhone(t testing.TB) *phone {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &phone{t: t, conn: c, ssrc: 0x5eed}
}

func (ph *phone) addr() netip.AddrPort { return ph.conn.LocalAddr().(*net.UDPAddr).AddrPort() }

func (ph *phone) send(to netip.AddrPort, pt uint8, payload []byte) {
	ph.t.Helper()
	ph.seq++
	if _, err := ph.conn.WriteToUDPAddrPort(rtpPacket(pt, ph.seq, uint32(ph.seq)*160, ph.ssrc, payload), to); err != nil {
		ph.t.Fatal(err)
	}
}

func rtpPacket(pt uint8, seq uint16, ts, ssrc uint32, payload []byte) []byte {
	b := make([]byte, rtpHeaderLen, rtpHeaderLen+len(payload))
	b[0] = 0x80
	b[1] = pt
	binary.BigEndian.PutUint16(b[2:], seq)
	binary.BigEndian.PutUint32(b[4:], ts)
	binary.BigEndian.PutUint32(b[8:], ssrc)
	return append(b, payload...)
}

// recv reads one datagram as RTP.
func (ph *phone) recv() (*rtp.Packet, bool) {
	ph.t.Helper()
	buf := make([]byte, 2048)
	if err := ph.conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		ph.t.Fatal(err)
	}
	n, err := ph.conn.Read(buf)
	if err != nil {
		return nil, false
	}
	var p rtp.Packet
	if err := p.Unmarshal(buf[:n]); err != nil {
		ph.t.Fatalf("phone got a non-rtp packet: %v", err)
	}
	return &p, true
}

// plainSDPText is what the switch's relay would answer or offer.
func plainSDPText(addr netip.AddrPort, fmts string, extra ...string) []byte {
	s := fmt.Sprintf("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP %s\r\n",
		addr.Addr(), addr.Addr(), addr.Port(), fmts)
	for _, l := range extra {
		s += l + "\r\n"
	}
	return []byte(s)
}

// payload makes a G.711 frame recognisable by its first byte.
func payload(tag byte) []byte {
	return append([]byte{tag}, bytes.Repeat([]byte{0xd5}, 159)...)
}

// event is an RFC 4733 payload: digit, end bit, volume, duration.
func event(digit byte) []byte { return []byte{digit, 0x0a, 0x00, 0xa0} }

// expectBrowser sends from the phone until the browser receives a packet
// carrying want, and returns it. Packets sent before the browser's SRTP
// was ready may be lost, as on any network, and repeats of earlier sends
// are skipped; a packet carrying one of the forbidden payloads fails.
func expectBrowser(t testing.TB, b *browser, send func(), want []byte, forbidden ...[]byte) *rtp.Packet {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		send()
		select {
		case p := <-b.got:
			if bytes.Equal(p.Payload, want) {
				return p
			}
			checkForbidden(t, "browser", p.Payload, forbidden)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("browser never got % x...", head(want))
	return nil
}

// expectPhone sends from the browser until the phone receives a packet
// carrying want, as expectBrowser.
func expectPhone(t testing.TB, ph *phone, send func(), want []byte, forbidden ...[]byte) *rtp.Packet {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		send()
		if p, ok := ph.recv(); ok {
			if bytes.Equal(p.Payload, want) {
				return p
			}
			checkForbidden(t, "phone", p.Payload, forbidden)
		}
	}
	t.Fatalf("phone never got % x...", head(want))
	return nil
}

func checkForbidden(t testing.TB, who string, got []byte, forbidden [][]byte) {
	t.Helper()
	for _, f := range forbidden {
		if bytes.Equal(got, f) {
			t.Fatalf("%s got the forbidden payload % x...", who, head(got))
		}
	}
}

func head(b []byte) []byte { return b[:min(len(b), 4)] }

// drainBrowser empties what the browser received so far.
func drainBrowser(b *browser) {
	for {
		select {
		case <-b.got:
		default:
			return
		}
	}
}

// checkGoroutines waits until no more goroutines run than before, and
// dumps them if they never settle.
func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
			t.Fatalf("%d goroutines left, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
