package integration

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/tests/pionpeer"
)

// Browsers as phones, with a pion PeerConnection as the browser: its SIP
// goes over a WebSocket, its media is DTLS-SRTP through the switch's
// WebRTC gateway, and the UDP phone on the other side sees plain RTP.

// talk checks media both ways once ICE and DTLS are up: the browser's
// PCMU reaches the UDP phone in clear, the phone's reaches the browser.
func talk(t *testing.T, b *pionpeer.Peer, phone *phone, phoneDst netip.AddrPort) {
	t.Helper()
	b.Connected(t, 3*wait)
	before := len(phone.rtp.audio())
	frame := make([]byte, 160)
	for i := range frame {
		frame[i] = 0x55
	}
	deadline := time.Now().Add(2 * wait)
	for time.Now().Before(deadline) && (len(phone.rtp.audio()) < before+1600 || b.Received() < 20) {
		if err := b.Track.Send(frame); err != nil {
			t.Logf("browser send: %v", err)
		}
		if err := phone.rtp.send(phoneDst, 1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := len(phone.rtp.audio()) - before; got < 1600 {
		t.Errorf("the UDP phone heard %d samples of the browser, want 1600 or more", got)
	}
	if n := b.Received(); n < 20 {
		t.Errorf("the browser received %d PCMU packets, want 20 or more", n)
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
	br := pionpeer.New(t, pionpeer.Options{})

	c := a.dial(t, "1002")
	inv := next[*sip.Request](t, p.invites, "INVITE to the browser")
	if body := string(inv.Body()); !strings.Contains(body, "UDP/TLS/RTP/SAVPF") || !strings.Contains(body, "a=fingerprint:") ||
		!strings.Contains(body, "a=ice-ufrag:") {
		t.Fatalf("the browser was offered plain SDP:\n%s", body)
	}
	tag := sip.GenerateTagN(10)
	p.respond(inv, 200, tag, []byte(br.Answer(t, string(inv.Body()))))
	next[*sip.Request](t, p.acks, "ACK")
	da := c.answered(t)
	talk(t, br, a, da.Media())
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
	br := pionpeer.New(t, pionpeer.Options{})
	body := []byte(br.Offer(t))

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
	br.SetAnswer(t, string(res.Body()))
	db := in.dialog(t)
	talk(t, br, b, db.Media())
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
	br := pionpeer.New(t, pionpeer.Options{})
	c := a.dial(t, "1002")
	inv := next[*sip.Request](t, p.invites, "INVITE to the browser")
	tag := sip.GenerateTagN(10)
	answer := []byte(br.Answer(t, string(inv.Body())))
	p.respond(inv, 200, tag, answer)
	next[*sip.Request](t, p.acks, "ACK")
	da := c.answered(t)
	talk(t, br, a, da.Media())

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
	talk(t, br, a, da.Media())
	if res := da.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
}
