package call

import (
	"fmt"
	"strings"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/webrtc"
)

// The WebRTC edge. A browser's SDP (DTLS-SRTP, ICE) goes through the
// gateway (switch/webrtc), which gives the rest of the call a plain RTP
// peer on loopback: legs, relay, recording and programs never see WebRTC.
// A browser leg negotiates once; its re-INVITEs are refused and the other
// party's are answered by the switch (renegotiation comes later).

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
