package load

import (
	"bytes"
	"fmt"
)

// maxVias and maxRoutes bound what a message may carry; more is malformed
// for our purposes (the switch sends one or two).
const (
	maxVias   = 8
	maxRoutes = 8
)

// msg is a SIP message parsed just enough for a load generator: every
// field is a slice of the receive buffer, valid until the next read. It is
// deliberately not a general parser (RFC 3261 7): the generator must stay
// cheap and must not share the switch's SIP code.
type msg struct {
	response bool
	status   int
	method   []byte // request method, or the CSeq method of a response
	ruri     []byte

	callID     []byte
	from, to   []byte // whole header values
	fromTag    []byte
	toTag      []byte
	cseq       uint32
	cseqMethod []byte
	contact    []byte // URI of the first Contact
	challenge  []byte // WWW-Authenticate or Proxy-Authenticate value
	expires    []byte
	vias       [maxVias][]byte
	nvia       int
	rroutes    [maxRoutes][]byte
	nrr        int
	body       []byte
}

// parse fills m from b. It rejects what it cannot use rather than guess.
func (m *msg) parse(b []byte) error {
	*m = msg{}
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		return fmt.Errorf("no end of headers: %w", ErrMalformed)
	}
	head, body := b[:end+2], b[end+4:]
	line, rest := cutLine(head)
	if bytes.HasPrefix(line, []byte("SIP/2.0 ")) {
		m.response = true
		if len(line) < 11 {
			return fmt.Errorf("short status line: %w", ErrMalformed)
		}
		for _, c := range line[8:11] {
			if c < '0' || c > '9' {
				return fmt.Errorf("status code: %w", ErrMalformed)
			}
			m.status = m.status*10 + int(c-'0')
		}
	} else {
		sp1 := bytes.IndexByte(line, ' ')
		sp2 := bytes.LastIndexByte(line, ' ')
		if sp1 <= 0 || sp2 <= sp1 {
			return fmt.Errorf("request line: %w", ErrMalformed)
		}
		m.method, m.ruri = line[:sp1], line[sp1+1:sp2]
	}
	clen := -1
	for len(rest) > 0 {
		line, rest = cutLine(rest)
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		name := bytes.TrimSpace(line[:colon])
		val := bytes.TrimSpace(line[colon+1:])
		switch {
		case is(name, "Via", "v"):
			if m.nvia == maxVias {
				return fmt.Errorf("too many Via: %w", ErrMalformed)
			}
			m.vias[m.nvia] = val
			m.nvia++
		case is(name, "Call-ID", "i"):
			m.callID = val
		case is(name, "From", "f"):
			m.from, m.fromTag = val, tagParam(val)
		case is(name, "To", "t"):
			m.to, m.toTag = val, tagParam(val)
		case is(name, "CSeq", ""):
			sp := bytes.IndexByte(val, ' ')
			if sp <= 0 {
				return fmt.Errorf("cseq: %w", ErrMalformed)
			}
			n, ok := atou(val[:sp])
			if !ok {
				return fmt.Errorf("cseq number: %w", ErrMalformed)
			}
			m.cseq, m.cseqMethod = uint32(n), bytes.TrimSpace(val[sp+1:])
		case is(name, "Contact", "m"):
			if m.contact == nil {
				m.contact = uriOf(val)
			}
		case is(name, "WWW-Authenticate", ""), is(name, "Proxy-Authenticate", ""):
			// The switch may offer several; take the first MD5 one.
			if m.challenge == nil || (!bytes.Contains(bytes.ToUpper(m.challenge), []byte("MD5")) && bytes.Contains(bytes.ToUpper(val), []byte("MD5"))) {
				m.challenge = val
			}
		case is(name, "Record-Route", ""):
			if m.nrr == maxRoutes {
				return fmt.Errorf("too many Record-Route: %w", ErrMalformed)
			}
			m.rroutes[m.nrr] = val
			m.nrr++
		case is(name, "Expires", ""):
			m.expires = val
		case is(name, "Content-Length", "l"):
			n, ok := atou(val)
			if !ok {
				return fmt.Errorf("content-length: %w", ErrMalformed)
			}
			clen = n
		}
	}
	if m.callID == nil || m.cseqMethod == nil || m.from == nil || m.to == nil || m.nvia == 0 {
		return fmt.Errorf("missing mandatory header: %w", ErrMalformed)
	}
	if m.response {
		m.method = m.cseqMethod
	}
	if clen >= 0 {
		if clen > len(body) {
			return fmt.Errorf("body shorter than content-length: %w", ErrMalformed)
		}
		body = body[:clen]
	}
	m.body = body
	return nil
}

// cutLine splits at the first CRLF.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 0 {
		return b, nil
	}
	return b[:i], b[i+2:]
}

// is compares a header name with its long and compact forms (RFC 3261 7.3.3).
func is(name []byte, long, short string) bool {
	if len(name) == 1 && short != "" {
		return name[0]|0x20 == short[0]
	}
	return len(name) == len(long) && bytes.EqualFold(name, []byte(long))
}

// tagParam returns the tag parameter of a From/To value, after the URI.
func tagParam(v []byte) []byte {
	if i := bytes.IndexByte(v, '>'); i >= 0 {
		v = v[i:]
	}
	for {
		i := bytes.IndexByte(v, ';')
		if i < 0 {
			return nil
		}
		v = v[i+1:]
		p := bytes.TrimSpace(v)
		if len(p) > 4 && bytes.EqualFold(p[:4], []byte("tag=")) {
			p = p[4:]
			if j := bytes.IndexAny(p, "; ,"); j >= 0 {
				p = p[:j]
			}
			return p
		}
	}
}

// uriOf returns the URI of a name-addr or addr-spec (the first one).
func uriOf(v []byte) []byte {
	if i := bytes.IndexByte(v, '<'); i >= 0 {
		if j := bytes.IndexByte(v[i:], '>'); j > 0 {
			return v[i+1 : i+j]
		}
		return nil
	}
	if i := bytes.IndexAny(v, ";,"); i >= 0 {
		v = v[:i]
	}
	return bytes.TrimSpace(v)
}

// atou parses a small decimal number.
func atou(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
