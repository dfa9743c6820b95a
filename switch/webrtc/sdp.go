package webrtc

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"

	"github.com/hookswitch/hookswitch/switch/media"
)

// Payload types of the plain side when we write its offer: the static
// G.711 ones (RFC 3551) and the telephone-event PT SIP phones conventionally
// use.
const (
	ptPCMU      = 0
	ptPCMA      = 8
	ptPlainDTMF = 101
)

// stream is what one SDP says of its first audio stream, reduced to what
// the gateway relays.
type stream struct {
	addr  netip.AddrPort
	dir   media.Direction
	g711  []media.Codec // PCMU and PCMA at 8000 Hz, in the SDP's order
	event int           // telephone-event/8000 PT; -1 when none
}

// describe parses an SDP of either side with the switch's tolerant parser.
func describe(b []byte) (stream, error) {
	s, err := media.ParseSDP(b)
	if err != nil {
		return stream{}, fmt.Errorf("%w: %w", ErrBadSDP, err)
	}
	a := s.Audio()
	st := stream{addr: a.Addr, dir: a.Direction, event: -1}
	for _, c := range a.Codecs {
		switch {
		case isG711(c) && c.Rate == 8000 && !hasCodec(st.g711, c.Name):
			st.g711 = append(st.g711, media.Codec{PT: c.PT, Name: strings.ToUpper(c.Name), Rate: 8000})
		case strings.EqualFold(c.Name, "telephone-event") && c.Rate == 8000 && st.event < 0:
			// Browsers offer a 48000 Hz one for Opus too; G.711 needs 8000.
			st.event = c.PT
		}
	}
	return st, nil
}

func isG711(c media.Codec) bool {
	return strings.EqualFold(c.Name, "PCMU") || strings.EqualFold(c.Name, "PCMA")
}

// hasCodec finds a codec by name; found reports whether it is there.
func hasCodec(cs []media.Codec, name string) bool {
	_, ok := findCodec(cs, name)
	return ok
}

func findCodec(cs []media.Codec, name string) (media.Codec, bool) {
	for _, c := range cs {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return media.Codec{}, false
}

// sends reports whether a stream in direction d sends media.
func sends(d media.Direction) bool {
	return d == media.DirectionSendRecv || d == media.DirectionSendOnly
}

// plainSDP is the SDP the gateway writes for the plain side: the browser
// as an RTP/AVP phone at the plain socket.
type plainSDP struct {
	ip     netip.Addr
	port   int
	sessID uint64
	g711   []media.Codec // with the plain side's PTs
	event  int           // plain telephone-event PT; -1 when none
	evFmtp string        // its events list; "" means 0-16 (DTMF and flash)
	dir    media.Direction
}

func newSessionID() uint64 { return rand.Uint64N(1 << 62) }

// bytes writes the SDP with CRLF line ends (RFC 4566 section 5).
func (p plainSDP) bytes() []byte {
	addr := "IN IP4 " + p.ip.String()
	if p.ip.Is6() {
		addr = "IN IP6 " + p.ip.String()
	}
	var b strings.Builder
	line := func(s ...string) {
		for _, x := range s {
			b.WriteString(x)
		}
		b.WriteString("\r\n")
	}
	line("v=0")
	line("o=- ", strconv.FormatUint(p.sessID, 10), " 1 ", addr)
	line("s=-")
	line("c=", addr)
	line("t=0 0")
	m := "m=audio " + strconv.Itoa(p.port) + " RTP/AVP"
	for _, c := range p.g711 {
		m += " " + strconv.Itoa(c.PT)
	}
	if p.event >= 0 {
		m += " " + strconv.Itoa(p.event)
	}
	line(m)
	for _, c := range p.g711 {
		line("a=rtpmap:", strconv.Itoa(c.PT), " ", c.Name, "/8000")
	}
	if p.event >= 0 {
		pt := strconv.Itoa(p.event)
		line("a=rtpmap:", pt, " telephone-event/8000")
		events := p.evFmtp
		if events == "" {
			events = "0-16"
		}
		line("a=fmtp:", pt, " ", events)
	}
	line("a=ptime:20")
	dir := p.dir
	if dir == media.DirectionUnknown {
		dir = media.DirectionSendRecv
	}
	line("a=", dir.String())
	return []byte(b.String())
}
