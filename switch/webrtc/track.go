package webrtc

import (
	"strings"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// relayTrack is the browser-bound audio of one Peer. pion's
// TrackLocalStaticRTP rewrites every packet's PT to the one codec it bound,
// which would turn RFC 4733 events into noise; relayTrack keeps each
// packet's PT (already mapped to the browser's) and rewrites only the SSRC
// to the one negotiated for the track, so G.711 and telephone-event share
// one SSRC as RFC 4733 section 2.1 expects.
type relayTrack struct {
	id, streamID string
	bound        atomic.Pointer[trackBinding]
}

type trackBinding struct {
	id    string
	ssrc  uint32
	write webrtc.TrackLocalWriter
}

func newRelayTrack(id string) *relayTrack {
	return &relayTrack{id: "audio-" + id, streamID: "hookswitch-" + id}
}

// Bind picks the first negotiated G.711 codec. The codec only labels the
// track for pion: packets of any negotiated PT may follow.
func (t *relayTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	for _, c := range ctx.CodecParameters() {
		if strings.EqualFold(c.MimeType, webrtc.MimeTypePCMU) || strings.EqualFold(c.MimeType, webrtc.MimeTypePCMA) {
			t.bound.Store(&trackBinding{id: ctx.ID(), ssrc: uint32(ctx.SSRC()), write: ctx.WriteStream()})
			return c, nil
		}
	}
	return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
}

// Unbind stops sending: pion calls it when the sender stops.
func (t *relayTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	if b := t.bound.Load(); b != nil && b.id == ctx.ID() {
		t.bound.CompareAndSwap(b, nil)
	}
	return nil
}

func (t *relayTrack) ID() string                { return t.id }
func (t *relayTrack) RID() string               { return "" }
func (t *relayTrack) StreamID() string          { return t.streamID }
func (t *relayTrack) Kind() webrtc.RTPCodecType { return webrtc.RTPCodecTypeAudio }

// writeRTP sends h (its SSRC replaced) over SRTP; false when the track is
// not bound (the browser does not receive) or pion refused the packet.
func (t *relayTrack) writeRTP(h *rtp.Header, payload []byte) bool {
	b := t.bound.Load()
	if b == nil {
		return false
	}
	h.SSRC = b.ssrc
	n, err := b.write.WriteRTP(h, payload)
	return err == nil && n > 0
}
