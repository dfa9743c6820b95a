package media

import (
	"sync"

	"github.com/hookswitch/hookswitch/switch/media/mix"
)

// Room mixes the terminated media of its members: each hears everyone
// else who speaks (N-1 mixing), plus announcements to the whole room and
// whatever plays to it alone. One clock ticks the room and all its
// members, so their frames line up.
type Room struct {
	e     *Engine
	clock *clock

	mu       sync.Mutex
	closed   bool
	members  []*roomMember
	mixer    *mix.Mixer
	ins      [][]int16
	outs     [][]int16
	mask     []bool
	full     [FrameSamples]int16
	announce Source
	annDone  chan struct{}
	ann      [FrameSamples]int16
	own      [FrameSamples]int16
	recs     recorders
}

type roomMember struct {
	ep    *Endpoint
	muted bool
	in    [FrameSamples]int16
	out   [FrameSamples]int16
}

// NewRoom starts an empty room.
func (e *Engine) NewRoom() *Room {
	r := &Room{e: e, mixer: mix.New(FrameSamples)}
	r.clock = e.clocks.pick()
	r.clock.add(r)
	return r
}

// Join moves ep into the room: its own clock stops and the room's drives
// it. Playing to ep (Endpoint.Play) goes on, mixed over the conference.
func (r *Room) Join(ep *Endpoint) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	for _, m := range r.members {
		if m.ep == ep {
			return nil
		}
	}
	ep.mu.Lock()
	c := ep.clock
	ep.clock = nil
	closed := ep.closed
	ep.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if c != nil {
		c.remove(ep)
	}
	r.members = append(r.members, &roomMember{ep: ep})
	r.resize()
	return nil
}

// Leave gives ep back its own clock. Leaving a room one is not in does
// nothing.
func (r *Room) Leave(ep *Endpoint) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, m := range r.members {
		if m.ep != ep {
			continue
		}
		r.members = append(r.members[:i], r.members[i+1:]...)
		r.resize()
		ep.mu.Lock()
		if !ep.closed && ep.clock == nil {
			ep.clock = r.e.clocks.pick()
			ep.clock.add(ep)
		}
		ep.mu.Unlock()
		return
	}
}

// resize keeps the mixer's slices in step with the members. r.mu held.
func (r *Room) resize() {
	r.ins, r.outs, r.mask = r.ins[:0], r.outs[:0], r.mask[:0]
	for _, m := range r.members {
		r.ins = append(r.ins, m.in[:])
		r.outs = append(r.outs, m.out[:])
		r.mask = append(r.mask, false)
	}
}

// SetMuted stops (or restores) a member's voice in the mix; it still hears.
func (r *Room) SetMuted(ep *Endpoint, on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.members {
		if m.ep == ep {
			m.muted = on
		}
	}
}

// Len is the number of members.
func (r *Room) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.members)
}

// Announce plays src to the whole room over the conversation, replacing
// an announcement still playing; the channel closes when it ends.
func (r *Room) Announce(src Source) <-chan struct{} {
	done := make(chan struct{})
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.annDone != nil {
		close(r.annDone)
	}
	r.announce, r.annDone = src, done
	if r.closed {
		close(done)
		r.announce, r.annDone = nil, nil
	}
	return done
}

// AddRecorder records the room's full mix (everyone, and announcements).
func (r *Room) AddRecorder(rec *Recorder) {
	r.mu.Lock()
	r.recs.add(rec)
	r.mu.Unlock()
}

// RemoveRecorder stops recording into rec.
func (r *Room) RemoveRecorder(rec *Recorder) {
	r.mu.Lock()
	r.recs.remove(rec)
	r.mu.Unlock()
}

// Close empties the room (members go back to their clocks) and stops it.
func (r *Room) Close() {
	r.mu.Lock()
	members := append([]*roomMember(nil), r.members...)
	r.mu.Unlock()
	for _, m := range members {
		r.Leave(m.ep)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	if r.annDone != nil {
		close(r.annDone)
		r.announce, r.annDone = nil, nil
	}
	r.mu.Unlock()
	r.clock.remove(r)
}

// tick mixes one frame: every member's voice in, every member's mix out.
func (r *Room) tick() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	for i, m := range r.members {
		m.ep.mu.Lock()
		talking := !m.ep.closed && m.ep.receive(m.in[:])
		m.ep.mu.Unlock()
		r.mask[i] = talking && !m.muted
	}
	r.mixer.Mix(r.outs, r.ins, r.mask, r.full[:])
	annOn := false
	if r.announce != nil {
		n := r.announce.Read(r.ann[:])
		clear(r.ann[n:])
		annOn = n > 0
		if n < len(r.ann) {
			close(r.annDone)
			r.announce, r.annDone = nil, nil
		}
		if annOn {
			addSat(r.full[:], r.ann[:])
		}
	}
	for _, m := range r.members {
		if annOn {
			addSat(m.out[:], r.ann[:])
		}
		m.ep.mu.Lock()
		if !m.ep.closed {
			if m.ep.source(r.own[:]) {
				addSat(m.out[:], r.own[:])
			}
			m.ep.transmit(m.out[:], true)
		}
		m.ep.mu.Unlock()
	}
	for _, rec := range r.recs {
		rec.Write(r.full[:])
	}
}

// addSat adds src into dst, saturating.
func addSat(dst, src []int16) {
	for i := range dst {
		dst[i] = sat16(int32(dst[i]) + int32(src[i]))
	}
}
