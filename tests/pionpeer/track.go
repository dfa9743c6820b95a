package pionpeer

import (
	"errors"
	"strings"
	"sync"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Track is a microphone that writes raw PCMU packets, so a test sends
// exactly the payload it checks for.
type Track struct {
	mu    sync.Mutex
	write webrtc.TrackLocalWriter
	ssrc  uint32
	seq   uint16
	ts    uint32
}

// Bind takes PCMU, the only codec the track sends.
func (r *Track) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
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

func (r *Track) Unbind(webrtc.TrackLocalContext) error { return nil }
func (r *Track) ID() string                            { return "mic" }
func (r *Track) RID() string                           { return "" }
func (r *Track) StreamID() string                      { return "browser" }
func (r *Track) Kind() webrtc.RTPCodecType             { return webrtc.RTPCodecTypeAudio }

// ErrUnbound is Send's error before negotiation binds the track.
var ErrUnbound = errors.New("pionpeer: track not bound yet")

// Send writes one PCMU packet, its timestamp advanced by the payload's
// length (8 kHz, one byte a sample).
func (r *Track) Send(payload []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.write == nil {
		return ErrUnbound
	}
	r.seq++
	r.ts += uint32(len(payload))
	h := &rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: r.seq, Timestamp: r.ts, SSRC: r.ssrc}
	if _, err := r.write.WriteRTP(h, payload); err != nil {
		return err
	}
	return nil
}
