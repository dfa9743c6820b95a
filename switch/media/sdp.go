package media

import (
	"fmt"
	"net/netip"
	"strings"
)

// MaxSDPSize bounds the SDP we parse; real offers are a few hundred bytes.
const MaxSDPSize = 64 << 10

// SDP is a parsed session description (RFC 4566). It keeps every line in
// its original order so Rewrite changes only what it must. The parser is
// tolerant of what SIP phones send: LF or CRLF, surrounding blanks, a
// missing s= or t=, lines out of the RFC order.
type SDP struct {
	session   []line // session-level lines except the first v= and o=
	media     []mediaSection
	audio     int // index of the first audio section
	hasS      bool
	hasT      bool
	audioInfo AudioInfo
}

// AudioInfo describes the first audio stream of an SDP.
type AudioInfo struct {
	Addr             netip.AddrPort // media c= (else session c=) and the m= port
	Codecs           []Codec        // in m= order (the offerer's preference)
	Direction        Direction      // media-level attribute, else session-level, else sendrecv
	TelephoneEventPT int            // RFC 4733 PT, preferring an 8000 Hz one; -1 when none
	Hold             bool           // c=0.0.0.0 (RFC 2543 style) or sendonly/inactive (RFC 3264 section 8.4)
}

// line is one "<typ>=<val>" line.
type line struct {
	typ byte
	val string
}

// mediaSection is an m= line and the lines after it.
type mediaSection struct {
	media string // "audio", "video"...
	port  int
	proto string   // "RTP/AVP"...
	fmts  []string // payload formats as written
	lines []line
}

// ParseSDP parses an SDP body. Errors wrap the sentinel errors of this
// package (ErrEmptySDP, ErrMissingOrigin, ErrNoAudio, ErrBadPort...).
func ParseSDP(b []byte) (*SDP, error) {
	if len(b) > MaxSDPSize {
		return nil, fmt.Errorf("parse sdp: %d bytes: %w", len(b), ErrTooLarge)
	}
	s := &SDP{audio: -1}
	var hasV, hasO, any bool
	text := string(b)
	for n := 1; text != ""; n++ {
		var ln string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			ln, text = text[:i], text[i+1:]
		} else {
			ln, text = text, ""
		}
		ln = strings.TrimSpace(ln)
		if ln == "" {
			continue
		}
		any = true
		if len(ln) < 2 || ln[1] != '=' || !isLetter(ln[0]) || strings.ContainsAny(ln, "\x00\r") {
			return nil, fmt.Errorf("parse sdp: line %d %q: %w", n, clip(ln), ErrMalformedLine)
		}
		l := line{typ: ln[0], val: ln[2:]}
		inSession := len(s.media) == 0
		switch {
		case l.typ == 'm':
			m, err := parseMediaLine(l.val)
			if err != nil {
				return nil, fmt.Errorf("parse sdp: line %d %q: %w", n, clip(ln), err)
			}
			s.media = append(s.media, m)
			continue
		case l.typ == 'c':
			if _, err := parseConnection(l.val); err != nil {
				return nil, fmt.Errorf("parse sdp: line %d %q: %w", n, clip(ln), err)
			}
		case inSession && l.typ == 'v':
			if hasV {
				continue // we write our own v= and o=; drop repeats
			}
			hasV = true
			continue
		case inSession && l.typ == 'o':
			if hasO {
				continue
			}
			hasO = true
			continue
		case inSession && l.typ == 's':
			s.hasS = true
		case inSession && l.typ == 't':
			s.hasT = true
		}
		if inSession {
			s.session = append(s.session, l)
		} else {
			m := &s.media[len(s.media)-1]
			m.lines = append(m.lines, l)
		}
	}
	switch {
	case !any:
		return nil, fmt.Errorf("parse sdp: %w", ErrEmptySDP)
	case !hasV:
		return nil, fmt.Errorf("parse sdp: %w", ErrMissingVersion)
	case !hasO:
		return nil, fmt.Errorf("parse sdp: %w", ErrMissingOrigin)
	}
	for i := range s.media {
		if strings.EqualFold(s.media[i].media, "audio") {
			s.audio = i
			break
		}
	}
	if s.audio < 0 {
		return nil, fmt.Errorf("parse sdp: %w", ErrNoAudio)
	}
	info, err := s.describeAudio()
	if err != nil {
		return nil, fmt.Errorf("parse sdp: %w", err)
	}
	s.audioInfo = info
	return s, nil
}

// Audio describes the first audio stream.
func (s *SDP) Audio() AudioInfo {
	info := s.audioInfo
	info.Codecs = append([]Codec(nil), info.Codecs...)
	return info
}

func (s *SDP) describeAudio() (AudioInfo, error) {
	m := &s.media[s.audio]
	info := AudioInfo{TelephoneEventPT: -1}

	conn, ok := findConnection(m.lines)
	if !ok {
		conn, ok = findConnection(s.session)
	}
	if !ok {
		return info, ErrMissingConnection
	}
	info.Addr = netip.AddrPortFrom(conn, uint16(m.port))

	info.Direction = findDirection(m.lines)
	if info.Direction == DirectionUnknown {
		info.Direction = findDirection(s.session)
	}
	if info.Direction == DirectionUnknown {
		info.Direction = DirectionSendRecv // RFC 3264 section 5.1
	}
	info.Hold = conn.IsUnspecified() ||
		info.Direction == DirectionSendOnly || info.Direction == DirectionInactive

	info.Codecs = m.codecs()
	info.TelephoneEventPT = telephoneEventPT(info.Codecs)
	return info, nil
}

// telephoneEventPT picks the RFC 4733 PT, preferring the 8000 Hz clock of
// our G.711/G.722 audio; -1 when there is none.
func telephoneEventPT(codecs []Codec) int {
	pt := -1
	for _, c := range codecs {
		if !c.telephoneEvent() {
			continue
		}
		if c.Rate == 8000 {
			return c.PT
		}
		if pt < 0 {
			pt = c.PT
		}
	}
	return pt
}

// codecs lists the section's formats with their a=rtpmap names, falling back
// to the static payload types. Formats that are not a PT are skipped.
func (m *mediaSection) codecs() []Codec {
	maps := make(map[int]Codec)
	for _, l := range m.lines {
		name, val, ok := attribute(l)
		if !ok || !strings.EqualFold(name, "rtpmap") {
			continue
		}
		if c, ok := parseRtpmap(val); ok {
			if _, dup := maps[c.PT]; !dup {
				maps[c.PT] = c
			}
		}
	}
	out := make([]Codec, 0, len(m.fmts))
	for _, f := range m.fmts {
		pt, ok := parsePT(f)
		if !ok {
			continue
		}
		c, ok := maps[pt]
		if !ok {
			c, ok = staticCodecs[pt]
		}
		if !ok {
			c = Codec{PT: pt}
		}
		out = append(out, c)
	}
	return out
}

// parseMediaLine parses "<media> <port>[/<count>] <proto> <fmt>..." (RFC
// 4566 section 5.14).
func parseMediaLine(val string) (mediaSection, error) {
	f := strings.Fields(val)
	if len(f) < 3 {
		return mediaSection{}, ErrBadMedia
	}
	portText, _, _ := strings.Cut(f[1], "/")
	port, ok := parseDecimal(portText, 65535)
	if !ok {
		return mediaSection{}, ErrBadPort
	}
	return mediaSection{media: f[0], port: port, proto: f[2], fmts: f[3:]}, nil
}

// parseConnection returns the address of "IN IP4 <addr>[/ttl[/n]]" (RFC
// 4566 section 5.7). Host names are not accepted: we need an address to
// send to and must not resolve names on the call path.
func parseConnection(val string) (netip.Addr, error) {
	f := strings.Fields(val)
	if len(f) < 3 {
		return netip.Addr{}, ErrBadAddress
	}
	text, _, _ := strings.Cut(f[2], "/")
	a, err := netip.ParseAddr(text)
	if err != nil {
		return netip.Addr{}, ErrBadAddress
	}
	return a.WithZone("").Unmap(), nil
}

func findConnection(lines []line) (netip.Addr, bool) {
	for _, l := range lines {
		if l.typ == 'c' {
			a, err := parseConnection(l.val)
			return a, err == nil
		}
	}
	return netip.Addr{}, false
}

func findDirection(lines []line) Direction {
	d := DirectionUnknown
	for _, l := range lines {
		if name, _, ok := attribute(l); ok {
			if v := parseDirection(strings.ToLower(name)); v != DirectionUnknown {
				d = v // the last one wins, as most stacks do
			}
		}
	}
	return d
}

// attribute splits "a=<name>[:<value>]".
func attribute(l line) (name, value string, ok bool) {
	if l.typ != 'a' {
		return "", "", false
	}
	name, value, _ = strings.Cut(l.val, ":")
	return strings.TrimSpace(name), strings.TrimSpace(value), true
}

// parseRtpmap parses "<pt> <name>/<rate>[/<channels>]" (RFC 4566 section 6).
func parseRtpmap(val string) (Codec, bool) {
	ptText, enc, ok := strings.Cut(val, " ")
	pt, okPT := parsePT(ptText)
	if !ok || !okPT {
		return Codec{}, false
	}
	name, rest, _ := strings.Cut(strings.TrimSpace(enc), "/")
	rateText, _, _ := strings.Cut(rest, "/")
	rate, _ := parseDecimal(rateText, 1<<30)
	return Codec{PT: pt, Name: name, Rate: rate}, name != ""
}

func parsePT(s string) (int, bool) { return parseDecimal(s, 127) }

// parseDecimal parses 1-10 ASCII digits with value <= max.
func parseDecimal(s string, max int) (int, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n <= max
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// clip shortens a line quoted in an error.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
