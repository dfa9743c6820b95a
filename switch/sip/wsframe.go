package sip

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// WebSocket close codes we send (RFC 6455 7.4.1).
const (
	wsProtocolError  = 1002
	wsUnsupported    = 1003
	wsInvalidPayload = 1007
	wsTooBig         = 1009
)

// wsViolation is why we close a SIP WebSocket: the close code and the
// reason the client is told.
type wsViolation struct {
	code   uint16
	reason string
}

func (v *wsViolation) Error() string { return fmt.Sprintf("websocket close %d: %s", v.code, v.reason) }

// frameScanner follows the frames a client sends (RFC 6455 5.2) without
// touching their payload, so that what sipgo would drop silently or cut
// (a binary frame, a fragmented or oversize message) ends the connection
// with a close code and a reason instead. It is fed the stream in pieces
// of any size; the first violation is final, but frames are still
// followed after it, so that what the client sends while we close can be
// read away up to its own close frame.
type frameScanner struct {
	max      uint64   // largest SIP message (a text frame's payload)
	hdr      [14]byte // the header being collected
	n        int      // header bytes collected
	need     int      // the header's length, once its second byte is in
	left     uint64   // payload bytes of the current frame still to pass
	err      *wsViolation
	sawClose bool // the client sent a close frame
}

// scan follows p and returns the first violation so far.
func (s *frameScanner) scan(p []byte) *wsViolation {
	for len(p) > 0 {
		if s.left > 0 {
			k := min(uint64(len(p)), s.left)
			s.left -= k
			p = p[k:]
			continue
		}
		s.hdr[s.n] = p[0]
		s.n++
		p = p[1:]
		if s.n == 2 {
			s.need = 2 + 4*int(s.hdr[1]>>7) // the masking key
			switch s.hdr[1] & 0x7f {
			case 126:
				s.need += 2
			case 127:
				s.need += 8
			}
		}
		if s.n < 2 || s.n < s.need {
			continue
		}
		length, err := s.header()
		if s.err == nil {
			s.err = err
		}
		s.sawClose = s.sawClose || s.hdr[0]&0x0f == 0x8
		s.n, s.need, s.left = 0, 0, length
	}
	return s.err
}

// header checks a complete frame header and returns its payload length
// (also with a violation, to keep following the stream).
func (s *frameScanner) header() (uint64, *wsViolation) {
	b0, b1 := s.hdr[0], s.hdr[1]
	fin, op := b0&0x80 != 0, b0&0x0f
	var length uint64
	switch l := b1 & 0x7f; l {
	case 126:
		length = uint64(binary.BigEndian.Uint16(s.hdr[2:4]))
	case 127:
		length = binary.BigEndian.Uint64(s.hdr[2:10])
	default:
		length = uint64(l)
	}
	bad := func(code uint16, format string, args ...any) (uint64, *wsViolation) {
		return length, &wsViolation{code: code, reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case b1&0x80 == 0:
		return bad(wsProtocolError, "client frames must be masked")
	case b0&0x70 != 0:
		return bad(wsProtocolError, "reserved bits set, but no extension was negotiated")
	case length>>63 != 0:
		return bad(wsProtocolError, "frame length out of range")
	case op >= 0x8 && op <= 0xa: // close, ping, pong
		if !fin || length > 125 {
			return bad(wsProtocolError, "control frames must be whole and at most 125 bytes")
		}
	case op == 0x1:
		if !fin {
			return bad(wsUnsupported, "fragmented SIP messages are not supported: send each message in one frame")
		}
		if length > s.max {
			return bad(wsTooBig, "SIP message of %d bytes is over the %d-byte limit", length, s.max)
		}
	case op == 0x2:
		return bad(wsUnsupported, "SIP messages must be sent as text frames")
	case op == 0x0:
		return bad(wsUnsupported, "fragmented SIP messages are not supported: send each message in one frame")
	default:
		return bad(wsProtocolError, "unknown opcode %#x", op)
	}
	return length, nil
}

// closeFrame is a server's close frame (unmasked) with code and reason,
// the reason cut to fit a control frame.
func closeFrame(code uint16, reason string) []byte {
	const maxReason = 125 - 2
	reason = strings.ToValidUTF8(reason, "?") // a parse error may quote the client's bytes
	if len(reason) > maxReason {
		reason = reason[:maxReason]
		for !utf8.ValidString(reason) { // cut inside a character
			reason = reason[:len(reason)-1]
		}
	}
	f := make([]byte, 4, 4+len(reason))
	f[0] = 0x80 | 0x8 // FIN, close
	f[1] = byte(2 + len(reason))
	binary.BigEndian.PutUint16(f[2:], code)
	return append(f, reason...)
}

// outFrameHeader reads the header of a frame we send: its length and the
// payload length it announces; ok is false when p does not start with a
// complete header.
func outFrameHeader(p []byte) (hdrLen int, payload uint64, ok bool) {
	if len(p) < 2 {
		return 0, 0, false
	}
	hdrLen = 2 + 4*int(p[1]>>7)
	switch l := p[1] & 0x7f; l {
	case 126:
		hdrLen += 2
		if len(p) < hdrLen {
			return 0, 0, false
		}
		payload = uint64(binary.BigEndian.Uint16(p[2:4]))
	case 127:
		hdrLen += 8
		if len(p) < hdrLen {
			return 0, 0, false
		}
		payload = binary.BigEndian.Uint64(p[2:10])
	default:
		payload = uint64(l)
	}
	if len(p) < hdrLen {
		return 0, 0, false
	}
	return hdrLen, payload, true
}
