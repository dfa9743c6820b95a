package sip

import (
	"bytes"
	"strings"

	gosip "github.com/emiago/sipgo/sip"
)

// filter sees every datagram before sipgo parses it. sipgo silently drops
// what it cannot parse, so the sender would retransmit for 32 s without
// learning why; we answer such requests with a 400 naming the problem
// (RFC 3261 8.2, 16.3). Streams are left to sipgo, which closes a broken
// connection.
func (s *Stack) filter(p gosip.TransportReadProps, data []byte) ([]byte, error) {
	if !strings.EqualFold(p.Transport, "udp") || s.udp == nil {
		return data, nil
	}
	if len(bytes.Trim(data, "\r\n\x00 ")) == 0 {
		return data, nil // keepalive
	}
	if _, err := gosip.ParseMessage(data); err != nil {
		if res := BadRequest(data, err); res != nil {
			s.udp.WriteTo(res, p.RemoteAddr)
		}
		s.log.Debug("sip: malformed datagram", "from", p.RemoteAddr, "error", err)
		return nil, nil
	}
	return data, nil
}

// BadRequest builds a stateless 400 for raw bytes that failed to parse,
// echoing the headers a client needs to match it (Via, From, To, Call-ID,
// CSeq). It returns nil for responses and for messages that carry no Via or
// CSeq: there is nothing the sender could match.
func BadRequest(data []byte, cause error) []byte {
	if len(data) > 65535 {
		data = data[:65535]
	}
	head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	if len(lines) == 0 || strings.HasPrefix(lines[0], "SIP/") {
		return nil
	}
	var b strings.Builder
	b.WriteString("SIP/2.0 400 Bad Request\r\n")
	var via, cseq bool
	for _, l := range lines[1:] {
		name, _, ok := strings.Cut(l, ":")
		if !ok || len(l) > 1024 {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "via", "v":
			via = true
		case "cseq":
			cseq = true
		case "from", "f", "to", "t", "call-id", "i":
		default:
			continue
		}
		b.WriteString(strings.TrimSpace(l))
		b.WriteString("\r\n")
	}
	if !via || !cseq {
		return nil
	}
	b.WriteString(`Warning: 399 hookswitch "`)
	b.WriteString(warnText(cause.Error()))
	b.WriteString("\"\r\nContent-Length: 0\r\n\r\n")
	return []byte(b.String())
}

// warnText makes an error safe inside a quoted Warning text.
func warnText(s string) string {
	if len(s) > 200 {
		s = s[:200]
	}
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return '\''
		}
		return r
	}, s)
}

