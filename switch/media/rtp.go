package media

import (
	"encoding/binary"
	"math/rand/v2"
)

// rtpHeader is what a terminated stream needs of a received packet.
type rtpHeader struct {
	pt      uint8
	marker  bool
	seq     uint16
	ts      uint32
	ssrc    uint32
	payload []byte
}

// parseRTP splits a packet that validRTP accepted, skipping the CSRC list,
// a header extension and padding; false when they do not fit.
func parseRTP(pkt []byte) (rtpHeader, bool) {
	h := rtpHeader{
		pt:     pkt[1] & 0x7f,
		marker: pkt[1]&0x80 != 0,
		seq:    binary.BigEndian.Uint16(pkt[2:]),
		ts:     binary.BigEndian.Uint32(pkt[4:]),
		ssrc:   binary.BigEndian.Uint32(pkt[8:]),
	}
	off := rtpHeaderLen + 4*int(pkt[0]&0x0f)
	if pkt[0]&0x10 != 0 { // header extension: 4 bytes, then length words
		if len(pkt) < off+4 {
			return h, false
		}
		off += 4 + 4*int(binary.BigEndian.Uint16(pkt[off+2:]))
	}
	end := len(pkt)
	if pkt[0]&0x20 != 0 { // padding: the last byte counts it
		end -= int(pkt[end-1])
	}
	if off > end {
		return h, false
	}
	h.payload = pkt[off:end]
	return h, true
}

// stream is the RTP state of what we send on one leg: one SSRC for the
// leg's life, so prompts, music and a mix follow each other seamlessly.
type stream struct {
	ssrc  uint32
	seq   uint16
	ts    uint32
	quiet bool // nothing sent last tick: the next packet starts a talkspurt
	buf   [rtpHeaderLen + 2*FrameSamples]byte
}

func newStream() stream {
	return stream{ssrc: rand.Uint32(), seq: uint16(rand.Uint32()), ts: rand.Uint32(), quiet: true}
}

// packet returns the stream's buffer holding the header of the next packet
// and room for n payload bytes, which the caller writes after the header,
// and advances the sequence number.
func (s *stream) packet(pt int, marker bool, ts uint32, n int) []byte {
	b := s.buf[:rtpHeaderLen+n]
	b[0] = 0x80
	b[1] = byte(pt & 0x7f)
	if marker {
		b[1] |= 0x80
	}
	binary.BigEndian.PutUint16(b[2:], s.seq)
	binary.BigEndian.PutUint32(b[4:], ts)
	binary.BigEndian.PutUint32(b[8:], s.ssrc)
	s.seq++
	return b
}
