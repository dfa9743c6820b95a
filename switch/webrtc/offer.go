package webrtc

import (
	"fmt"
	"strings"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/pion/webrtc/v4"
)

// Offer turns the switch's plain offer (a call to a browser) into an offer
// for the browser: its PCMU/PCMA in its order and telephone-event when it
// offered one, ICE-lite candidates on the shared port, our DTLS
// fingerprint. The browser's answer goes to Peer.AcceptAnswer. Errors:
// ErrBadSDP (also for an SRTP offer), media.ErrNoCommonCodec,
// ErrNegotiation, ErrClosed.
func (g *Gateway) Offer(plainOffer []byte) (p *Peer, browserOffer []byte, err error) {
	st, err := describe(plainOffer)
	if err != nil {
		return nil, nil, fmt.Errorf("offer to browser: %w", err)
	}
	if proto := scanWebRTC(plainOffer).proto; strings.Contains(strings.ToUpper(proto), "SAVP") {
		return nil, nil, fmt.Errorf("offer to browser: %w: plain offer uses %q", ErrBadSDP, clip(proto))
	}
	if st.addr.Port() == 0 {
		return nil, nil, fmt.Errorf("offer to browser: %w: audio port 0", ErrBadSDP)
	}
	if len(st.g711) == 0 {
		return nil, nil, fmt.Errorf("offer to browser: no pcmu or pcma: %w", media.ErrNoCommonCodec)
	}
	p, err = g.newPeer(roleOfferer)
	if err != nil {
		return nil, nil, fmt.Errorf("offer to browser: %w", err)
	}
	p.offer = st
	p.setRemote(st.addr)

	prefs := make([]webrtc.RTPCodecParameters, 0, len(st.g711)+1)
	for _, c := range st.g711 {
		prefs = append(prefs, codecParams(c.Name, plainPT(c.Name)))
	}
	if st.event >= 0 {
		prefs = append(prefs, webrtc.RTPCodecParameters{RTPCodecCapability: codecEvent, PayloadType: ptPlainDTMF})
	}
	dir := transceiverDirection(st.dir)
	var tr *webrtc.RTPTransceiver
	init := webrtc.RTPTransceiverInit{Direction: dir}
	if sends(st.dir) {
		tr, err = p.pc.AddTransceiverFromTrack(p.track, init)
		if err == nil {
			s := tr.Sender()
			p.spawn(func() { p.readRTCP(s) })
		}
	} else {
		tr, err = p.pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, init)
	}
	if err != nil {
		return nil, nil, p.fail(fmt.Errorf("offer to browser: %w: %w", ErrNegotiation, err))
	}
	if err := tr.SetCodecPreferences(prefs); err != nil {
		return nil, nil, p.fail(fmt.Errorf("offer to browser: %w: %w", ErrNegotiation, err))
	}
	o, err := p.pc.CreateOffer(nil)
	if err != nil {
		return nil, nil, p.fail(fmt.Errorf("offer to browser: %w: %w", ErrNegotiation, err))
	}
	out, err := p.localDescription(o)
	if err != nil {
		return nil, nil, p.fail(fmt.Errorf("offer to browser: %w", err))
	}
	return p, out, nil
}

// transceiverDirection maps the plain offer's direction to ours towards
// the browser: we relay, so it is the same.
func transceiverDirection(d media.Direction) webrtc.RTPTransceiverDirection {
	switch d {
	case media.DirectionSendOnly:
		return webrtc.RTPTransceiverDirectionSendonly
	case media.DirectionRecvOnly:
		return webrtc.RTPTransceiverDirectionRecvonly
	case media.DirectionInactive:
		return webrtc.RTPTransceiverDirectionInactive
	default:
		return webrtc.RTPTransceiverDirectionSendrecv
	}
}

// AcceptAnswer takes the browser's answer and returns the plain answer for
// the switch: the plain socket, the G.711 codecs the browser accepted with
// the plain offer's PTs, telephone-event with the plain offer's PT when
// both sides have it, the browser's direction. On error the Peer is
// closed.
func (p *Peer) AcceptAnswer(browserAnswer []byte) (plainAnswer []byte, err error) {
	if err := p.claimAnswer(roleOfferer); err != nil {
		return nil, fmt.Errorf("accept browser answer: %w", err)
	}
	if err := scanWebRTC(browserAnswer).check(); err != nil {
		return nil, p.fail(fmt.Errorf("accept browser answer: %w", err))
	}
	st, err := describe(browserAnswer)
	if err != nil {
		return nil, p.fail(fmt.Errorf("accept browser answer: %w", err))
	}
	if st.addr.Port() == 0 {
		return nil, p.fail(fmt.Errorf("accept browser answer: %w", ErrRejected))
	}
	r := &routes{toPlain: newPTMap(), toBrowser: newPTMap()}
	out := plainSDP{ip: p.g.cfg.PlainIP, port: p.plain.port, sessID: newSessionID(), event: -1, dir: st.dir}
	for _, c := range st.g711 {
		o, ok := findCodec(p.offer.g711, c.Name)
		if !ok {
			continue
		}
		r.toPlain.set(c.PT, o.PT)
		r.toBrowser.set(o.PT, c.PT)
		out.g711 = append(out.g711, o)
	}
	if len(out.g711) == 0 {
		return nil, p.fail(fmt.Errorf("accept browser answer: no pcmu or pcma we offered: %w", media.ErrNoCommonCodec))
	}
	if st.event >= 0 && p.offer.event >= 0 {
		r.toPlain.set(st.event, p.offer.event)
		r.toBrowser.set(p.offer.event, st.event)
		out.event, out.evFmtp = p.offer.event, eventsOf(browserAnswer, st.event)
	}
	err = p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(browserAnswer)})
	if err != nil {
		return nil, p.fail(fmt.Errorf("accept browser answer: %w: %w", ErrNegotiation, err))
	}
	p.routes.Store(r)
	return out.bytes(), nil
}
