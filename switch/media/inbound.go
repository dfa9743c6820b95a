package media

import (
	"sync/atomic"

	"github.com/hookswitch/hookswitch/switch/media/jitter"
	"github.com/hookswitch/hookswitch/switch/media/plc"
)

// G.711 payload types (RFC 3551) and the CN type we ignore.
const (
	ptPCMU = 0
	ptPCMA = 8
	ptCN   = 13
)

// inbound turns the G.711 RTP a peer sends into 20 ms PCM frames: a
// jitter buffer between the relay's goroutine (push) and a clock (pull),
// then decoding and loss concealment.
type inbound struct {
	jb   *jitter.Buffer
	alaw atomic.Bool // the last audio packet was PCMA

	// pull side only
	plc  plc.Concealer
	g711 [FrameSamples]byte
}

// newInbound expects PCMA when alaw is set, else PCMU: the jitter buffer
// fills the gaps of a partial frame with that codec's silence.
func newInbound(alaw bool) *inbound {
	silence := byte(0xff) // PCMU
	if alaw {
		silence = 0xd5
	}
	in := &inbound{jb: jitter.New(jitter.Config{Silence: silence})}
	in.alaw.Store(alaw)
	return in
}

// push queues a G.711 packet; other payload types are not audio we decode.
func (in *inbound) push(h rtpHeader) {
	switch h.pt {
	case ptPCMU:
		in.alaw.Store(false)
	case ptPCMA:
		in.alaw.Store(true)
	default:
		return
	}
	in.jb.Push(h.ssrc, h.seq, h.ts, h.marker, h.payload)
}

// pull fills dst with the next frame and reports whether the peer is
// sending; when it is not (never started, on hold, silence suppression)
// dst is silence and nothing is concealed.
func (in *inbound) pull(dst []int16) bool {
	switch in.jb.Pop(in.g711[:]) {
	case jitter.Idle:
		clear(dst)
		return false
	case jitter.Lost:
		in.plc.Lost(dst)
		return true
	}
	if in.alaw.Load() {
		DecodeAlaw(dst, in.g711[:])
	} else {
		DecodeUlaw(dst, in.g711[:])
	}
	in.plc.Good(dst)
	return true
}
