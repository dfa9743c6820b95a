package integration

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/hookswitch/hookswitch/switch/server"
)

// Browsers as phones, with a pion PeerConnection as the browser: its SIP
// goes over a WebSocket, its media is DTLS-SRTP through the switch's
// WebRTC gateway, and the UDP phone on the other side sees plain RTP.

// pionBrowser is a WebRTC endpoint on loopback only: PCMU and
// telephone-event, a full ICE agent, DTLS as the SDP decides.
type pionBrowser struct {
	t     *testing.T
	pc    *webrtc.PeerConnection
	track *pionTrack
	mu    sync.Mutex
	got   int // audio packets received
	conn  chan struct{}
	once  sync.Once
}

func newPionBrowser(t *testing.T) *pionBrowser {
	t.Helper()
	me := &webrtc.MediaEngine{}
	for _, c := range []webrtc.RTPCodecParameters{
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}, PayloadType: 0},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: "audio/telephone-event", ClockRate: 8000, SDPFmtpLine: "0-15"}, PayloadType: 126},
	} {
		if err := me.RegisterCodec(c, webrtc.RTPCodecTypeAudio); err != nil {
			t.Fatal(err)
		}
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(&interceptor.Registry{}))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	b := &pionBrowser{t: t, pc: pc, track: &pionTrack{}, conn: make(chan struct{})}
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			b.once.Do(func() { close(b.conn) })
		}
	})
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		buf := make([]byte, 1500)
		for {
			n, _, err := tr.Read(buf)
			if err != nil {
				if n == 0 || errors.Is(err, io.EOF) {
					return
				}
				continue
			}
			var p rtp.Packet
			if p.Unmarshal(buf[:n]) == nil && p.PayloadType == 0 {
				b.mu.Lock()
				b.got++
				b.mu.Unlock()
			}
		}
	})
	t.Cleanup(func() { pc.Close() })
	return b
}

func (b *pionBrowser) local(d webrtc.SessionDescription) []byte {
	b.t.Helper()
	gathered := webrtc.GatheringCompletePromise(b.pc)
	if err := b.pc.SetLocalDescription(d); err != nil {
		b.t.Fatal(err)
	}
	<-gathered
	return []byte(b.pc.LocalDescription().SDP)
}

func (b *pionBrowser) offer() []byte {
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

func (b *pionBrowser) answer(offer []byte) []byte {
	b.t.Helper()
	if err := b.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: string(offer)}); err != nil {
		b.t.Fatalf("the browser refused the switch's offer: %v\n%s", err, offer)
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

func (b *pionBrowser) setAnswer(sdp []byte) {
	b.t.Helper()
	if err := b.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(sdp)}); err != nil {
		b.t.Fatalf("the browser refused the switch's answer: %v\n%s", err, sdp)
	}
}

func (b *pionBrowser) received() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.got
}

// talk checks media both ways once ICE and DTLS are up: the browser's
// PCMU reaches the UDP phone in clear, the phone's reaches the browser.
func (b *pionBrowser) talk(t *testing.T, phone *phone, phoneDst netip.AddrPort) {
	t.Helper()
	select {
	case <-b.conn:
	case <-time.After(3 * wait):
		t.Fatal("the browser's ICE and DTLS never completed")
	}
	before := len(phone.rtp.audio())
	frame := make([]byte, 160)
	for i := range frame {
		frame[i] = 0x55
	}
	deadline := time.Now().Add(2 * wait)
	for time.Now().Before(deadline) && (len(phone.rtp.audio()) < before+1600 || b.received() < 20) {
		b.track.send(t, frame)
		if err := phone.rtp.send(phoneDst, 1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := len(phone.rtp.audio()) - before; got < 1600 {
		t.Errorf("the UDP phone heard %d samples of the browser, want 1600 or more", got)
	}
	if n := b.received(); n < 20 {
		t.Errorf("the browser received %d PCMU packets, want 20 or more", n)
	}
}

// pionTrack is the browser's microphone, writing raw PCMU packets.
type pionTrack struct {
	mu    sync.Mutex
	write webrtc.TrackLocalWriter
	ssrc  uint32
	seq   uint16
	ts    uint32
}

func (r *pionTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ssrc, r.write = uint32(ctx.SSRC()), ctx.WriteStream()
	for _, c := range ctx.CodecParameters() {
		if strings.EqualFold(c.MimeType, webrtc.MimeTypePCMU) {
			return c, nil
		}
	}
	return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
}
func (r *pionTrack) Unbind(webrtc.TrackLocalContext) error { return nil }
func (r *pionTrack) ID() string                            { return "mic" }
func (r *pionTrack) RID() string                           { return "" }
func (r *pionTrack) StreamID() string                      { return "browser" }
func (r *pionTrack) Kind() webrtc.RTPCodecType             { return webrtc.RTPCodecTypeAudio }

func (r *pionTrack) send(t *testing.T, payload []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.write == nil {
		return
	}
	r.seq++
	r.ts += uint32(len(payload))
	h := &rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: r.seq, Timestamp: r.ts, SSRC: r.ssrc}
	if _, err := r.write.WriteRTP(h, payload); err != nil {
		t.Logf("browser send: %v", err)
	}
}

func webrtcSwitch(t *testing.T) *wsSwitch {
	return newWSSwitch(t, noVoicemail, func(c *server.Config) { c.WebRTC = "127.0.0.1:0" })
}

// A UDP phone calls a browser: the browser gets a WebRTC offer (DTLS-SRTP,
// ICE) over its WebSocket, answers it, and the two talk.
func TestWebRTCCallToBrowser(t *testing.T) {
	t.Parallel()
	sw := webrtcSwitch(t)
	a := newPhone(t, sw.testSwitch, "1001")
	a.mustRegister(t)
	p := dialWSPhone(t, sw, "ws", "1002")
	p.mustRegister(t)
	br := newPionBrowser(t)

	c := a.dial(t, "1002")
	inv := next[*sip.Request](t, p.invites, "INVITE to the browser")
	if body := string(inv.Body()); !strings.Contains(body, "UDP/TLS/RTP/SAVPF") || !strings.Contains(body, "a=fingerprint:") ||
		!strings.Contains(body, "a=ice-ufrag:") {
		t.Fatalf("the browser was offered plain SDP:\n%s", body)
	}
	tag := sip.GenerateTagN(10)
	p.respond(inv, 200, tag, br.answer(inv.Body()))
	next[*sip.Request](t, p.acks, "ACK")
	da := c.answered(t)
	br.talk(t, a, da.Media())
	if res := da.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	next[*sip.Request](t, p.byes, "the browser's BYE")
	sw.waitCDR(t, c.CallID())
}

// A browser calls a UDP phone with a WebRTC offer: it gets a WebRTC
// answer, the phone a plain one, and they talk.
func TestWebRTCCallFromBrowser(t *testing.T) {
	t.Parallel()
	sw := webrtcSwitch(t)
	b := newPhone(t, sw.testSwitch, "1001")
	b.mustRegister(t)
	p := dialWSPhone(t, sw, "ws", "1002")
	p.mustRegister(t)
	br := newPionBrowser(t)
	body := br.offer()

	callID, tag, ruri := sip.GenerateTagN(20), sip.GenerateTagN(10), "sip:1001@127.0.0.1"
	request := func(method, uri, branch string, cseq int, to, extra string, body []byte) string {
		return method + " " + uri + " SIP/2.0\r\nVia: SIP/2.0/" + p.via + " " + p.host + ";branch=" + branch + "\r\n" +
			"Max-Forwards: 70\r\nFrom: <sip:1002@127.0.0.1>;tag=" + tag + "\r\nTo: " + to + "\r\nCall-ID: " + callID + "\r\n" +
			fmt.Sprintf("CSeq: %d %s\r\n", cseq, method) + "Contact: <" + p.contact().String() + ">\r\n" + extra +
			fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + string(body)
	}
	invite := func(cseq int, branch, auth string) string {
		return request("INVITE", ruri, branch, cseq, "<"+ruri+">", auth+"Content-Type: application/sdp\r\n", body)
	}
	branch := "z9hG4bK" + sip.GenerateTagN(12)
	res := p.final(t, invite(1, branch, ""))
	if res.StatusCode != 407 {
		t.Fatalf("INVITE without credentials: %d, want 407", res.StatusCode)
	}
	p.send(request("ACK", ruri, branch, 1, res.To().Value(), "", nil))
	auth := md5Authorization(t, res.GetHeader("Proxy-Authenticate").Value(), "1002", passwordOf("1002"), "INVITE", ruri)
	res = p.final(t, invite(2, "z9hG4bK"+sip.GenerateTagN(12), "Proxy-Authorization: "+auth+"\r\n"))
	if res.StatusCode != 200 {
		t.Fatalf("call from the browser: %d %s", res.StatusCode, res.Reason)
	}
	p.send(request("ACK", res.Contact().Address.String(), "z9hG4bK"+sip.GenerateTagN(12), 2, res.To().Value(), "", nil))
	in := b.waitIncoming(t)
	if s := in.sdp; s.media.Addr().String() != "127.0.0.1" || !s.pcmu {
		t.Errorf("the UDP phone was offered %+v, want PCMU on loopback", s)
	}
	if strings.Contains(string(in.req.Body()), "fingerprint") {
		t.Errorf("the UDP phone was offered WebRTC SDP:\n%s", in.req.Body())
	}
	br.setAnswer(res.Body())
	db := in.dialog(t)
	br.talk(t, b, db.Media())
	if r := db.bye(t); r.StatusCode != 200 {
		t.Fatalf("UDP phone's BYE: %d", r.StatusCode)
	}
	next[*sip.Request](t, p.byes, "BYE to the browser")
	sw.waitCDR(t, callID)
}

// A browser holds and resumes: the switch answers its re-INVITEs with the
// SDP it has (same fingerprint, direction mirrored, DTLS role settled),
// and the other party hears music while the browser holds.
func TestWebRTCBrowserHold(t *testing.T) {
	t.Parallel()
	sw := webrtcSwitch(t)
	a := newPhone(t, sw.testSwitch, "1001")
	a.mustRegister(t)
	p := dialWSPhone(t, sw, "ws", "1002")
	p.mustRegister(t)
	br := newPionBrowser(t)
	c := a.dial(t, "1002")
	inv := next[*sip.Request](t, p.invites, "INVITE to the browser")
	tag := sip.GenerateTagN(10)
	answer := br.answer(inv.Body())
	p.respond(inv, 200, tag, answer)
	next[*sip.Request](t, p.acks, "ACK")
	da := c.answered(t)
	br.talk(t, a, da.Media())

	// The browser's re-offer: its SDP again, as an offer, with a direction.
	reoffer := func(cseq int, dir string) []byte {
		s := strings.ReplaceAll(string(answer), "a=setup:active", "a=setup:actpass")
		s = strings.ReplaceAll(s, "a=setup:passive", "a=setup:actpass")
		s = strings.ReplaceAll(s, "a=sendrecv", "a="+dir)
		return []byte(s)
	}
	reinvite := func(cseq int, dir string) *sip.Response {
		t.Helper()
		body := reoffer(cseq, dir)
		uri := inv.Contact().Address.String()
		head := func(method string) string {
			return method + " " + uri + " SIP/2.0\r\n" + p.viaLine() + "Max-Forwards: 70\r\n" +
				"From: <" + inv.To().Address.String() + ">;tag=" + tag + "\r\nTo: " + inv.From().Value() + "\r\n" +
				"Call-ID: " + inv.CallID().Value() + "\r\n" + fmt.Sprintf("CSeq: %d %s\r\n", cseq, method) +
				"Contact: <" + p.contact().String() + ">\r\n"
		}
		res := p.final(t, head("INVITE")+"Content-Type: application/sdp\r\n"+
			fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body))+string(body))
		if err := p.send(head("ACK") + "Content-Length: 0\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		return res
	}
	fingerprint := func(sdp []byte) string {
		for _, ln := range strings.Split(string(sdp), "\r\n") {
			if strings.HasPrefix(ln, "a=fingerprint:") {
				return ln
			}
		}
		return ""
	}
	first := fingerprint(inv.Body())
	res := reinvite(2, "sendonly")
	if res.StatusCode != 200 {
		t.Fatalf("hold: %d %s", res.StatusCode, res.Reason)
	}
	held := string(res.Body())
	// Our DTLS role stays what the first exchange settled: the opposite of
	// the browser's.
	ours := "a=setup:active"
	if strings.Contains(string(answer), "a=setup:active") {
		ours = "a=setup:passive"
	}
	if !strings.Contains(held, "a=recvonly") || !strings.Contains(held, ours) || strings.Contains(held, "actpass") ||
		fingerprint(res.Body()) != first {
		t.Errorf("the answer to the hold is not the same session made recvonly:\n%s", held)
	}
	// Music reaches the UDP phone while the browser holds (nothing else
	// sends to it now).
	if music := a.rtp.waitAudio(t, len(a.rtp.audio()), 8000); !loud(music) {
		t.Error("the other party hears no music on hold")
	}
	if res := reinvite(3, "sendrecv"); res.StatusCode != 200 || !strings.Contains(string(res.Body()), "a=sendrecv") {
		t.Fatalf("resume: %d\n%s", res.StatusCode, res.Body())
	}
	br.talk(t, a, da.Media())
	if res := da.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
}
