package webrtc

import (
	"encoding/binary"
	"time"

	"github.com/pion/rtp"
)

// rtpHeaderLen is the fixed RTP header (RFC 3550 section 5.1).
const rtpHeaderLen = 12

// parseRTP fills h from a raw packet and returns its payload; false when
// pkt is not RTP version 2 or its CSRC list, extension or padding do not
// fit. A header extension is dropped: the browser negotiated none. CSRCs
// are kept (a mixer's contributors), reusing h's slice.
func parseRTP(pkt []byte, h *rtp.Header) ([]byte, bool) {
	if len(pkt) < rtpHeaderLen || pkt[0]>>6 != 2 {
		return nil, false
	}
	cc := int(pkt[0] & 0x0f)
	off := rtpHeaderLen + 4*cc
	if len(pkt) < off {
		return nil, false
	}
	if pkt[0]&0x10 != 0 {
		if len(pkt) < off+4 {
			return nil, false
		}
		off += 4 + 4*int(binary.BigEndian.Uint16(pkt[off+2:]))
	}
	end := len(pkt)
	if pkt[0]&0x20 != 0 {
		end -= int(pkt[end-1])
	}
	if off > end {
		return nil, false
	}
	*h = rtp.Header{
		Version:        2,
		Marker:         pkt[1]&0x80 != 0,
		PayloadType:    pkt[1] & 0x7f,
		SequenceNumber: binary.BigEndian.Uint16(pkt[2:]),
		Timestamp:      binary.BigEndian.Uint32(pkt[4:]),
		SSRC:           binary.BigEndian.Uint32(pkt[8:]),
		CSRC:           h.CSRC[:0],
	}
	for i := range cc {
		h.CSRC = append(h.CSRC, binary.BigEndian.Uint32(pkt[rtpHeaderLen+4*i:]))
	}
	return pkt[off:end], true
}

// sequencer keeps the browser-bound stream one continuous stream when the
// plain side's source changes (a transfer, a prompt after a bridge): the
// browser sees one SSRC for the call, so its sequence numbers and
// timestamps must go on where the last source stopped (RFC 3550 section
// 5.1: both start at random values per source).
type sequencer struct {
	started bool
	src     uint32
	seqOff  uint16
	tsOff   uint32
	lastSeq uint16
	lastTS  uint32
	lastAt  time.Time
}

// frameSamples is one 20 ms G.711 frame at 8000 Hz: the least gap put
// between two sources.
const frameSamples = 160

func (s *sequencer) apply(h *rtp.Header, now time.Time) {
	if !s.started || h.SSRC != s.src {
		if s.started {
			gap := uint32(max(frameSamples, now.Sub(s.lastAt).Milliseconds()*8))
			s.seqOff = s.lastSeq + 1 - h.SequenceNumber
			s.tsOff = s.lastTS + gap - h.Timestamp
			h.Marker = true // a new talkspurt (RFC 3551 section 4.1)
		}
		s.started, s.src = true, h.SSRC
	}
	h.SequenceNumber += s.seqOff
	h.Timestamp += s.tsOff
	s.lastSeq, s.lastTS, s.lastAt = h.SequenceNumber, h.Timestamp, now
}
