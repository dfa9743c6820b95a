package jitter

// seqWindow remembers which of the last 64 sequence numbers arrived, to
// drop duplicates even after their samples were played.
type seqWindow struct {
	top  uint16 // newest sequence number
	seen uint64 // bit k: top-k arrived
}

func (w *seqWindow) reset(seq uint16) { w.top, w.seen = seq, 1 }

// dup records seq and reports whether it had arrived before. Sequence
// numbers wrap (RFC 3550 A.1): the distance is taken modulo 2^16.
func (w *seqWindow) dup(seq uint16) bool {
	d := int(int16(seq - w.top))
	if d > 0 {
		if d >= 64 {
			w.seen = 0
		} else {
			w.seen <<= d
		}
		w.top, w.seen = seq, w.seen|1
		return false
	}
	if -d >= 64 {
		return false // too old to tell; the presence bits still catch it while buffered
	}
	m := uint64(1) << -d
	if w.seen&m != 0 {
		return true
	}
	w.seen |= m
	return false
}
