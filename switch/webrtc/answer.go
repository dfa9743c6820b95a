package webrtc

import (
	"fmt"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/pion/webrtc/v4"
)

// AcceptOffer takes a browser's offer (a call from a browser). plainOffer
// is what the switch treats as the caller's SDP: the plain socket's
// address, RTP/AVP with the browser's G.711 codecs in its order (PCMU 0,
// PCMA 8) and, when the browser offered telephone-event/8000, PT 101 for
// it, mapped to the browser's own PT. The switch's answer goes to
// Peer.Answer. Errors: ErrNotWebRTC, ErrBadSDP, media.ErrNoCommonCodec
// (answer 488), ErrNegotiation, ErrClosed.
func (g *Gateway) AcceptOffer(browserOffer []byte) (p *Peer, plainOffer []byte, err error) {
	if err := scanWebRTC(browserOffer).check(); err != nil {
		return nil, nil, fmt.Errorf("accept browser offer: %w", err)
	}
	st, err := describe(browserOffer)
	if err != nil {
		return nil, nil, fmt.Errorf("accept browser offer: %w", err)
	}
	if len(st.g711) == 0 {
		return nil, nil, fmt.Errorf("accept browser offer: no pcmu or pcma: %w", media.ErrNoCommonCodec)
	}
	p, err = g.newPeer(roleAnswerer)
	if err != nil {
		return nil, nil, fmt.Errorf("accept browser offer: %w", err)
	}
	p.browser = st
	if st.event >= 0 {
		p.browserEventFmtp = eventsOf(browserOffer, st.event)
	}
	err = p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: string(browserOffer)})
	if err != nil {
		return nil, nil, p.fail(fmt.Errorf("accept browser offer: %w: %w", ErrNegotiation, err))
	}
	out := plainSDP{ip: g.cfg.PlainIP, port: p.plain.port, sessID: newSessionID(), event: -1, dir: st.dir}
	for _, c := range st.g711 {
		out.g711 = append(out.g711, media.Codec{PT: plainPT(c.Name), Name: c.Name, Rate: 8000})
	}
	if st.event >= 0 {
		out.event, out.evFmtp = ptPlainDTMF, p.browserEventFmtp
	}
	return p, out.bytes(), nil
}

// plainPT is the static PT of a G.711 codec name (RFC 3551).
func plainPT(name string) int {
	if name == "PCMA" {
		return ptPCMA
	}
	return ptPCMU
}

// Answer takes the switch's answer to the plain offer and returns the
// answer for the browser: the codecs the switch accepted, with the
// browser's PTs, our ICE candidates and DTLS fingerprint. The Peer relays
// from the moment ICE and DTLS complete (Connected). On error the Peer is
// closed.
func (p *Peer) Answer(plainAnswer []byte) (browserAnswer []byte, err error) {
	if err := p.claimAnswer(roleAnswerer); err != nil {
		return nil, fmt.Errorf("answer browser: %w", err)
	}
	st, err := describe(plainAnswer)
	if err != nil {
		return nil, p.fail(fmt.Errorf("answer browser: %w", err))
	}
	if st.addr.Port() == 0 {
		return nil, p.fail(fmt.Errorf("answer browser: %w", ErrRejected))
	}
	r := &routes{toPlain: newPTMap(), toBrowser: newPTMap()}
	var prefs []webrtc.RTPCodecParameters
	for _, c := range st.g711 {
		b, ok := findCodec(p.browser.g711, c.Name)
		if !ok {
			continue // the switch answered a codec we did not offer
		}
		r.toPlain.set(b.PT, c.PT)
		r.toBrowser.set(c.PT, b.PT)
		r.toBrowser.set(plainPT(c.Name), b.PT) // the PT of our offer, which RFC 3264 lets it send
		prefs = append(prefs, codecParams(c.Name, b.PT))
	}
	if len(prefs) == 0 {
		return nil, p.fail(fmt.Errorf("answer browser: plain answer has no pcmu or pcma we offered: %w", media.ErrNoCommonCodec))
	}
	if st.event >= 0 && p.browser.event >= 0 {
		r.toPlain.set(p.browser.event, st.event)
		r.toBrowser.set(st.event, p.browser.event)
		r.toBrowser.set(ptPlainDTMF, p.browser.event)
		ev := codecEvent
		if p.browserEventFmtp != "" {
			ev.SDPFmtpLine = p.browserEventFmtp
		}
		prefs = append(prefs, webrtc.RTPCodecParameters{RTPCodecCapability: ev, PayloadType: webrtc.PayloadType(p.browser.event)})
	}

	tr := p.audioTransceiver()
	if tr == nil {
		return nil, p.fail(fmt.Errorf("answer browser: %w: no audio transceiver", ErrNegotiation))
	}
	if err := tr.SetCodecPreferences(prefs); err != nil {
		return nil, p.fail(fmt.Errorf("answer browser: %w: %w", ErrNegotiation, err))
	}
	// The browser receives only when the switch sends: a recvonly or
	// inactive answer leaves our side without a track.
	if sends(st.dir) {
		if err := p.addTrack(); err != nil {
			return nil, p.fail(fmt.Errorf("answer browser: %w", err))
		}
	}
	p.setRemote(st.addr)
	p.routes.Store(r)
	ans, err := p.pc.CreateAnswer(nil)
	if err != nil {
		return nil, p.fail(fmt.Errorf("answer browser: %w: %w", ErrNegotiation, err))
	}
	out, err := p.localDescription(ans)
	if err != nil {
		return nil, p.fail(fmt.Errorf("answer browser: %w", err))
	}
	return out, nil
}

// codecParams is a registered codec with the PT of the browser's SDP.
func codecParams(name string, pt int) webrtc.RTPCodecParameters {
	c := codecPCMU
	if name == "PCMA" {
		c = codecPCMA
	}
	return webrtc.RTPCodecParameters{RTPCodecCapability: c, PayloadType: webrtc.PayloadType(pt)}
}

// claimAnswer lets one answer through per Peer, in the right role.
func (p *Peer) claimAnswer(r role) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return ErrClosed
	case p.role != r:
		return fmt.Errorf("%w: the answer goes the other way for this peer", ErrState)
	case p.answered:
		return fmt.Errorf("%w: already answered", ErrState)
	}
	p.answered = true
	return nil
}

// audioTransceiver is the first audio transceiver, the one relayed.
func (p *Peer) audioTransceiver() *webrtc.RTPTransceiver {
	for _, t := range p.pc.GetTransceivers() {
		if t.Kind() == webrtc.RTPCodecTypeAudio {
			return t
		}
	}
	return nil
}

// addTrack attaches the relay track to the browser's audio transceiver and
// starts reading its RTCP.
func (p *Peer) addTrack() error {
	s, err := p.pc.AddTrack(p.track)
	if err != nil {
		return fmt.Errorf("%w: add track: %w", ErrNegotiation, err)
	}
	p.spawn(func() { p.readRTCP(s) })
	return nil
}
