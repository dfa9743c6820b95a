package dtmf

// recentEvents is how many past events a Receiver remembers to drop late
// duplicates; packets arrive at most a jitter buffer late, long before 16
// newer events have started.
const recentEvents = 16

// eventKey identifies an RFC 4733 event: all its packets, updates and the
// retransmitted end packets alike, carry its start as RTP timestamp.
type eventKey struct{ ssrc, ts uint32 }

// Receiver turns the telephone-event packets of one RTP stream into
// digits, each exactly once, reported on the first packet that arrives of
// it so that menus react without waiting for the key's release. The zero
// value is ready to use.
//
// A Receiver is not safe for concurrent use: one stream is read by one
// goroutine.
type Receiver struct {
	cur    eventKey
	code   uint8
	dur    uint16 // latest duration seen of cur
	ended  bool
	active bool
	recent [recentEvents]eventKey
	nrec   int // events ever recorded; recent holds the last min(nrec, recentEvents)
}

// Packet takes the header fields and payload of one telephone-event
// packet and returns the digit when the packet starts a new event.
//
// An event is its (SSRC, timestamp) pair: the first packet seen of it is
// reported, whether or not it is the marked first packet (which may be
// lost); its updates, its three end packets and any late duplicate are
// not. A new timestamp or SSRC is a new event, except that:
//   - a packet older than the current event (serial-number arithmetic,
//     so timestamp wrap is fine) without marker is a late straggler and is
//     dropped, rather than reported out of order; a marked one is taken as
//     a sender that reset its clock;
//   - a packet of the same code starting inside the current, unended event
//     continues it: RFC 4733 §2.5.1.3 splits events longer than 0xFFFF
//     units into segments with new timestamps.
//
// Malformed payloads and events that are not digits (codes above 16)
// return ok false; the latter still count as events.
func (r *Receiver) Packet(ssrc uint32, ts uint32, marker bool, payload []byte) (digit byte, ok bool) {
	e, off, err := parseLast(payload)
	if err != nil {
		return 0, false
	}
	k := eventKey{ssrc, ts + off}
	if r.active && k == r.cur {
		r.dur = max(r.dur, e.Duration)
		r.ended = r.ended || e.End
		return 0, false
	}
	if r.seen(k) {
		return 0, false
	}
	if r.active && ssrc == r.cur.ssrc {
		delta := k.ts - r.cur.ts
		if !r.ended && e.Code == r.code && delta <= uint32(r.dur) {
			r.begin(k, e) // a segment of a long event: already reported
			return 0, false
		}
		if int32(delta) < 0 && !marker {
			return 0, false
		}
	}
	r.begin(k, e)
	return DigitOf(int(e.Code))
}

// Reset forgets all events, for a stream that restarts from scratch.
func (r *Receiver) Reset() { *r = Receiver{} }

func (r *Receiver) begin(k eventKey, e Event) {
	r.cur, r.code, r.dur, r.ended, r.active = k, e.Code, e.Duration, e.End, true
	r.recent[r.nrec%recentEvents] = k
	r.nrec++
}

func (r *Receiver) seen(k eventKey) bool {
	for i := range min(r.nrec, recentEvents) {
		if r.recent[i] == k {
			return true
		}
	}
	return false
}
