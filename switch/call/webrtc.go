package call

import (
	"fmt"
	"strconv"
	"strings"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/webrtc"
)

// The WebRTC edge. A browser's SDP (DTLS-SRTP, ICE) goes through the
// gateway (switch/webrtc), which gives the rest of the call a plain RTP
// peer on loopback: legs, relay, recording and programs never see WebRTC.
// A browser leg negotiates once: its re-INVITEs (hold, resume) are
// answered by the switch with the SDP the browser already has, the
// direction mirrored, and the other party's are answered by the switch.

// acceptBrowserOffer turns a browser caller's offer into the plain offer
// the call works with; nil peer when the offer is not WebRTC.
func (m *Manager) acceptBrowserOffer(body []byte) (*webrtc.Peer, []byte, error) {
	if !webrtc.IsWebRTC(body) {
		return nil, body, nil
	}
	if m.cfg.WebRTC == nil {
		return nil, nil, &sip.Error{Code: 488, Reason: "Not Acceptable Here (WebRTC media is not enabled)"}
	}
	p, plain, err := m.cfg.WebRTC.AcceptOffer(body)
	if err != nil {
		return nil, nil, &sip.Error{Code: 488, Err: fmt.Errorf("webrtc offer: %w", err)}
	}
	return p, plain, nil
}

// isBrowser says whether a binding is a browser: registered over a
// WebSocket while the gateway runs (RFC 7118 clients are WebRTC pages), or
// one Config.Browser names (web-call-protocol sessions).
func (m *Manager) isBrowser(b store.Binding) bool {
	if m.cfg.WebRTC == nil {
		return false
	}
	t := strings.ToLower(b.Transport)
	return t == "ws" || t == "wss" || m.cfg.Browser != nil && m.cfg.Browser(b)
}

// browserSDP is what l sends its browser instead of the plain SDP out:
// the gateway's answer (the browser offered) or offer (we call a browser),
// made once and kept.
func (l *leg) browserSDP(out []byte) ([]byte, error) {
	c := l.call
	c.mu.Lock()
	defer c.mu.Unlock()
	if l.webSent != nil {
		return l.webSent, nil
	}
	var sent []byte
	var err error
	if l.web != nil {
		sent, err = l.web.Answer(out)
	} else {
		var p *webrtc.Peer
		p, sent, err = c.m.cfg.WebRTC.Offer(out)
		l.web = p
	}
	if err != nil {
		return nil, fmt.Errorf("webrtc: %w", err)
	}
	l.webSent = sent
	return sent, nil
}

// parseRemote reads the SDP l's peer sent; a called browser's answer goes
// through the gateway first (once: early media and the 2xx share it).
func (l *leg) parseRemote(body []byte) (*media.SDP, error) {
	c := l.call
	c.mu.Lock()
	web, plain := l.web, l.webPlain
	c.mu.Unlock()
	if web == nil || !l.toBrowser {
		return media.ParseSDP(body)
	}
	if plain == nil {
		// The browser's answer settles the DTLS roles we offered as actpass.
		role := "active"
		if strings.Contains(string(body), "a=setup:active") {
			role = "passive"
		}
		c.mu.Lock()
		l.webRole = role
		c.mu.Unlock()
		b, err := web.AcceptAnswer(body)
		if err != nil {
			return nil, fmt.Errorf("webrtc answer: %w", err)
		}
		if plain, err = media.ParseSDP(b); err != nil {
			return nil, fmt.Errorf("webrtc answer: %w", err)
		}
		c.mu.Lock()
		l.webPlain = plain
		c.mu.Unlock()
	}
	return plain, nil
}

// isWeb says whether l's peer is a browser behind the gateway.
func (l *leg) isWeb() bool {
	c := l.call
	c.mu.Lock()
	defer c.mu.Unlock()
	return l.web != nil || l.toBrowser
}

// closeWeb ends l's browser media, if any.
func (l *leg) closeWeb() {
	if l == nil {
		return
	}
	c := l.call
	c.mu.Lock()
	web := l.web
	c.mu.Unlock()
	if web != nil {
		web.Close()
	}
}

// browserReinvite answers a browser's re-INVITE itself: the gateway keeps
// its one negotiation (the same ICE and DTLS), so the answer is the SDP the
// browser has, with the direction mirrored. A hold plays music to the
// other party, as when a phone holds.
func (c *Call) browserReinvite(l *leg, req *gosip.Request, tx gosip.ServerTransaction) {
	if !l.d.accept(req) {
		sip.Respond(tx, req, 500, "Server Internal Error (CSeq out of order)", nil)
		return
	}
	s, err := media.ParseSDP(req.Body())
	if err != nil {
		sip.Respond(tx, req, 488, "Not Acceptable Here (a browser's re-INVITE needs an SDP offer)", nil)
		return
	}
	dir := s.Audio().Direction // not Hold: JSEP always writes c=0.0.0.0
	body, err := l.browserReanswer(dir, req.Body())
	if err != nil {
		sip.Respond(tx, req, 488, "", nil)
		return
	}
	// Music starts inside the re-INVITE's slot: a transfer, which stops
	// the call's media, cannot run between the two.
	c.okReinvite(l, req, tx, body, func() {
		c.holdChanged(l, dir == media.DirectionSendOnly || dir == media.DirectionInactive)
	})
}

// browserReanswer is l's answer to a browser's re-offer: the SDP it has,
// a new o= version, the offer's direction mirrored, and our settled DTLS
// role where we had offered actpass.
func (l *leg) browserReanswer(dir media.Direction, offer []byte) ([]byte, error) {
	c := l.call
	c.mu.Lock()
	sent, role := l.webSent, l.webRole
	l.webVersion++
	bump := l.webVersion
	c.mu.Unlock()
	if sent == nil {
		return nil, fmt.Errorf("webrtc: no negotiated SDP to answer with")
	}
	mirror := map[media.Direction]string{media.DirectionSendOnly: "recvonly", media.DirectionRecvOnly: "sendonly",
		media.DirectionInactive: "inactive"}[dir]
	if mirror == "" {
		mirror = "sendrecv"
	}
	if role == "" {
		role = "passive"
	}
	lines := strings.Split(strings.TrimRight(string(sent), "\r\n"), "\r\n")
	for i, ln := range lines {
		switch {
		case strings.HasPrefix(ln, "o="):
			if f := strings.Fields(ln); len(f) == 6 {
				if v, err := strconv.ParseUint(f[2], 10, 64); err == nil {
					f[2] = strconv.FormatUint(v+bump, 10)
					lines[i] = strings.Join(f, " ")
				}
			}
		case ln == "a=sendrecv" || ln == "a=sendonly" || ln == "a=recvonly" || ln == "a=inactive":
			lines[i] = "a=" + mirror
		case ln == "a=setup:actpass":
			lines[i] = "a=setup:" + role
		}
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n"), nil
}
