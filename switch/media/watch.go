package media

import "github.com/hookswitch/hookswitch/switch/media/dtmf"

// digitWatch reports the digits of a relayed leg, each once.
type digitWatch struct {
	rx dtmf.Receiver // the relay goroutine of the leg's RTP only
	fn func(byte)
}

func (w *digitWatch) packet(pkt []byte) {
	h, ok := parseRTP(pkt)
	if !ok {
		return
	}
	if d, ok := w.rx.Packet(h.ssrc, h.ts, h.marker, h.payload); ok {
		w.fn(d)
	}
}

// OnDigit calls fn, on the relay's goroutine, for every RFC 4733 digit
// the leg's peer sends while its media is relayed; fn must not block. nil
// stops it.
func (l *Leg) OnDigit(fn func(byte)) {
	if fn == nil {
		l.watch.Store(nil)
		return
	}
	l.watch.Store(&digitWatch{fn: fn})
}
