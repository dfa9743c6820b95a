package media

import (
	"fmt"
	"sync"
)

// CallRecorder records a relayed call, each leg's peer on its own
// channel (caller left, callee right), without disturbing the relay: a
// one-touch recording of a bridged call.
type CallRecorder struct {
	s      *Session
	a, b   tapIn
	rec    *Recorder
	clock  *clock
	mu     sync.Mutex
	left   [FrameSamples]int16
	right  [FrameSamples]int16
	closed bool
}

// tapIn is one leg's listening side.
type tapIn struct{ *inbound }

func (t tapIn) RTP(pkt []byte) {
	if h, ok := parseRTP(pkt); ok {
		t.push(h)
	}
}

// RecordCall starts feeding rec with both legs of s. It fails when a leg
// is terminated locally (a program or a room owns it: record there).
func (e *Engine) RecordCall(s *Session, rec *Recorder) (*CallRecorder, error) {
	if s.a.Owner() != nil || s.b.Owner() != nil {
		return nil, fmt.Errorf("record call: a leg is terminated locally")
	}
	// A relayed call's codec is the callee's choice; most pick PCMU first
	// and a PCMA stream only fills partial frames with a slightly wrong
	// silence.
	cr := &CallRecorder{s: s, a: tapIn{newInbound(false)}, b: tapIn{newInbound(false)}, rec: rec}
	s.a.Listen(cr.a)
	s.b.Listen(cr.b)
	cr.clock = e.clocks.pick()
	cr.clock.add(cr)
	return cr, nil
}

func (cr *CallRecorder) tick() {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if cr.closed {
		return
	}
	cr.a.pull(cr.left[:])
	cr.b.pull(cr.right[:])
	cr.rec.WriteStereo(cr.left[:], cr.right[:])
}

// Stop stops feeding the recorder (the caller closes it) and leaves the
// legs to the relay alone. Idempotent.
func (cr *CallRecorder) Stop() {
	cr.mu.Lock()
	if cr.closed {
		cr.mu.Unlock()
		return
	}
	cr.closed = true
	cr.mu.Unlock()
	cr.clock.remove(cr)
	cr.s.a.Release(cr.a)
	cr.s.b.Release(cr.b)
}
