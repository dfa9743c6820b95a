package sip

import (
	"bytes"
	"errors"
	"net"
	"strings"

	gosip "github.com/emiago/sipgo/sip"
)

// filter sees every datagram before sipgo parses it. sipgo silently drops
// what it cannot parse, so the sender would retransmit for 32 s without
// learning why; we answer such requests with a 400 naming the problem
// (RFC 3261 8.2, 16.3). WebSocket messages go to filterWS; other streams
// are left to sipgo, which closes a broken connection.
//
// Parsing twice would cost every datagram a second parse on sipgo's single
// UDP reader, so a request whose Via branch and CSeq show at a glance that
// sipgo can key it goes on unparsed: the datagram is remembered, and if
// sipgo then fails to parse it, parseTap answers from sipgo's log record.
// Only requests that look unkeyable are parsed here.
func (s *Stack) filter(p gosip.TransportReadProps, data []byte) ([]byte, error) {
	if strings.EqualFold(p.Transport, "ws") || strings.EqualFold(p.Transport, "wss") {
		return s.filterWS(p, data)
	}
	if !strings.EqualFold(p.Transport, "udp") || s.udp == nil {
		return data, nil
	}
	if len(bytes.Trim(data, "\r\n\x00 ")) == 0 {
		return data, nil // keepalive
	}
	if bytes.HasPrefix(data, []byte("SIP/")) {
		return data, nil // a response: nothing to answer if it is broken
	}
	if keyable(data) {
		s.last.note(data, p.RemoteAddr)
		return data, nil
	}
	msg, err := gosip.ParseMessage(data)
	if err == nil {
		err = unkeyable(msg)
	}
	if err != nil {
		s.reject(data, p.RemoteAddr, err)
		return nil, nil
	}
	return data, nil
}

// reject answers an unparsable or unkeyable request with our 400.
func (s *Stack) reject(data []byte, to net.Addr, err error) {
	if res := BadRequest(data, err); res != nil {
		s.udp.WriteTo(res, to)
	}
	s.log.Debug("sip: malformed datagram", "from", to, "error", err)
}

// keyable is a quick look at a request's header lines: true when the first
// Via value carries an RFC 3261 branch and there is a CSeq, the two things
// sipgo's transaction key needs. Anything unusual (folded lines, a quoted
// comma before the branch) reads as false and goes to the full check.
func keyable(data []byte) bool {
	head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	_, head, _ = bytes.Cut(head, []byte("\r\n")) // the request line
	var via, cseq, first bool
	for len(head) > 0 {
		var line []byte
		line, head, _ = bytes.Cut(head, []byte("\r\n"))
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return false
		}
		name = bytes.TrimSpace(name)
		switch {
		case bytes.EqualFold(name, []byte("via")) || bytes.EqualFold(name, []byte("v")):
			if !first {
				first = true
				value, _, _ = bytes.Cut(value, []byte(","))
				_, b, ok := bytes.Cut(value, []byte(";branch=z9hG4bK"))
				via = ok && len(b) > 0 && b[0] != ';' && b[0] != ' ' && b[0] != '\t'
			}
		case bytes.EqualFold(name, []byte("cseq")):
			cseq = true
		}
	}
	return via && cseq
}

// unkeyable finds requests sipgo's transaction layer cannot match (it
// answers them with a bare 400 of its own): no Via or CSeq, or an RFC 2543
// transaction (no magic-cookie branch) without a From tag.
func unkeyable(m gosip.Message) error {
	req, ok := m.(*gosip.Request)
	if !ok {
		return nil
	}
	via, cseq := req.Via(), req.CSeq()
	switch {
	case via == nil:
		return errors.New("no Via header")
	case cseq == nil:
		return errors.New("no CSeq header")
	}
	if b, _ := via.Params.Get("branch"); !strings.HasPrefix(b, "z9hG4bK") || len(b) == len("z9hG4bK") {
		if f := req.From(); f == nil || tagOf(f.Params) == "" {
			return errors.New("RFC 2543 transaction without a From tag is not supported")
		}
	}
	return nil
}

func tagOf(p gosip.HeaderParams) string {
	t, _ := p.Get("tag")
	return t
}

// BadRequest builds a stateless 400 for raw bytes that failed to parse,
// echoing the headers a client needs to match it (Via, From, To, Call-ID,
// CSeq). Only headers that parse on their own are echoed, so the 400 itself
// always parses. It returns nil for responses and for messages without a
// usable Via and CSeq: there is nothing the sender could match.
func BadRequest(data []byte, cause error) []byte {
	if len(data) > 65535 {
		data = data[:65535]
	}
	head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	lines := unfold(strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n"))
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
		switch n := strings.ToLower(strings.TrimSpace(name)); n {
		case "via", "v", "cseq", "from", "f", "to", "t", "call-id", "i":
			l = strings.TrimSpace(l)
			if !parses(l) {
				continue
			}
			via = via || n == "via" || n == "v"
			cseq = cseq || n == "cseq"
			b.WriteString(l)
			b.WriteString("\r\n")
		}
	}
	if !via || !cseq {
		return nil
	}
	b.WriteString(`Warning: 399 hookswitch "`)
	b.WriteString(warnText(cause.Error()))
	b.WriteString("\"\r\nContent-Length: 0\r\n\r\n")
	res := []byte(b.String())
	if _, err := gosip.ParseMessage(res); err != nil {
		return nil
	}
	return res
}

// unfold joins header continuation lines (RFC 3261 7.3.1).
func unfold(lines []string) []string {
	out := lines[:0:0]
	for _, l := range lines {
		if len(out) > 1 && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) {
			out[len(out)-1] += " " + strings.TrimSpace(l)
			continue
		}
		out = append(out, l)
	}
	return out
}

// parses reports whether one header line parses on its own.
func parses(line string) bool {
	_, err := gosip.ParseMessage([]byte("SIP/2.0 400 Bad Request\r\n" + line + "\r\nContent-Length: 0\r\n\r\n"))
	return err == nil
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
