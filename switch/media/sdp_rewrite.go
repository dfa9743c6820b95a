package media

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// RewriteOptions are what a leg's SDP says about us.
type RewriteOptions struct {
	IP        netip.Addr // our media address on this leg
	Port      int        // our RTP port on this leg (Leg.LocalPort)
	SessionID uint64     // o= sess-id, constant per leg
	Version   uint64     // o= sess-version, bumped by the caller when the SDP changes (RFC 3264 section 8)
	// SingleCodec keeps only the first PCMU or PCMA codec (and
	// telephone-event): the switch answering a call itself terminates its
	// media in G.711 and commits to one codec, so the leg it bridges to
	// later can be offered the same.
	SingleCodec bool
	// Answer says the SDP we write answers this one (the switch ends the
	// media itself): direction attributes are mirrored, sendonly becoming
	// recvonly and the reverse (RFC 3264 section 6.1). Otherwise they are
	// relayed as they are.
	Answer bool
	// Resume makes every direction attribute sendrecv and a c=0.0.0.0 hold
	// our address: a transfer offers a party that was on hold to its new
	// peer, and takes it off hold.
	Resume bool
}

// Rewrite returns the SDP we send on a leg: the same description anchored
// on our address and port, carrying only what a plain RTP leg relays.
//
//   - v= and o= come first; o= carries our IP, SessionID and Version; a
//     missing s= or t= is added so strict peers accept it;
//   - every c= line gets our IP, except a c=0.0.0.0 hold, which stays;
//   - the first audio m= line gets our port (a port 0 rejection stays 0) and
//     keeps only PCMU, PCMA, G722 and telephone-event, with the rtpmap,
//     fmtp and rtcp-fb lines of the formats it keeps;
//   - a=rtcp, ICE (a=candidate, a=ice-*...), DTLS (a=fingerprint, a=setup)
//     and SDES (a=crypto) lines are removed;
//   - every other m= line gets port 0 (declined, RFC 3264 section 6).
//
// It fails with ErrUnsupportedProfile for SRTP audio and ErrNoCommonCodec
// when no relayed audio codec is left (answer 488). The output uses CRLF.
func (s *SDP) Rewrite(o RewriteOptions) ([]byte, error) {
	ip := o.IP.Unmap()
	if !ip.IsValid() || ip.IsUnspecified() || ip.Zone() != "" {
		return nil, fmt.Errorf("rewrite sdp: ip %q: %w", o.IP, ErrBadRewrite)
	}
	if o.Port <= 0 || o.Port > 65535 {
		return nil, fmt.Errorf("rewrite sdp: port %d: %w", o.Port, ErrBadRewrite)
	}
	audio := &s.media[s.audio]
	if strings.Contains(strings.ToUpper(audio.proto), "SAVP") {
		return nil, fmt.Errorf("rewrite sdp: audio profile %q: %w", clip(audio.proto), ErrUnsupportedProfile)
	}
	keep, n := audio.keptFormats(o.SingleCodec)
	if n == 0 {
		return nil, fmt.Errorf("rewrite sdp: %w", ErrNoCommonCodec)
	}

	w := sdpWriter{ip: ip, out: make([]byte, 0, 512), answer: o.Answer, resume: o.Resume}
	w.raw("v=0")
	w.out = append(w.out, "o=- "...)
	w.out = strconv.AppendUint(w.out, o.SessionID, 10)
	w.out = append(w.out, ' ')
	w.out = strconv.AppendUint(w.out, o.Version, 10)
	w.out = append(w.out, ' ')
	w.addr(ip)
	w.out = append(w.out, "\r\n"...)
	if !s.hasS {
		w.raw("s=-") // RFC 4566 section 5.3: "-" when there is no name
	}
	needT := !s.hasT
	for _, l := range s.session {
		if needT && strings.IndexByte("rzka", l.typ) >= 0 {
			w.raw("t=0 0")
			needT = false
		}
		w.line(l, nil)
	}
	if needT {
		w.raw("t=0 0")
	}

	for i := range s.media {
		m := &s.media[i]
		port, fmts, only := 0, m.fmts, map[int]bool(nil)
		if i == s.audio {
			fmts, only = keep, ptSet(keep)
			if m.port != 0 {
				port = o.Port
			}
		}
		w.out = append(w.out, "m="...)
		w.out = append(w.out, m.media...)
		w.out = append(w.out, ' ')
		w.out = strconv.AppendInt(w.out, int64(port), 10)
		w.out = append(w.out, ' ')
		w.out = append(w.out, m.proto...)
		for _, f := range fmts {
			w.out = append(w.out, ' ')
			w.out = append(w.out, f...)
		}
		w.out = append(w.out, "\r\n"...)
		for _, l := range m.lines {
			w.line(l, only)
		}
	}
	return w.out, nil
}

// keptFormats returns the audio formats we relay, in order, and how many
// of them are audio codecs (not telephone-event).
func (m *mediaSection) keptFormats(single bool) ([]string, int) {
	codecs := m.codecs() // formats that are not a PT are already gone
	keep := make([]string, 0, len(codecs))
	audio := 0
	for _, c := range codecs {
		switch {
		case c.relayedAudio():
			if single && (audio > 0 || strings.EqualFold(c.Name, "G722")) {
				continue
			}
			audio++
		case c.telephoneEvent():
		default:
			continue
		}
		keep = append(keep, strconv.Itoa(c.PT))
	}
	return keep, audio
}

func ptSet(keep []string) map[int]bool {
	set := make(map[int]bool, len(keep))
	for _, f := range keep {
		pt, _ := parsePT(f)
		set[pt] = true
	}
	return set
}

// sdpWriter appends CRLF lines.
type sdpWriter struct {
	ip     netip.Addr
	out    []byte
	answer bool
	resume bool
}

func (w *sdpWriter) raw(s string) {
	w.out = append(w.out, s...)
	w.out = append(w.out, "\r\n"...)
}

// addr appends "IN IP4 <ip>" or "IN IP6 <ip>".
func (w *sdpWriter) addr(ip netip.Addr) {
	if ip.Is4() {
		w.out = append(w.out, "IN IP4 "...)
	} else {
		w.out = append(w.out, "IN IP6 "...)
	}
	w.out = ip.AppendTo(w.out)
}

// line writes l rewritten, or nothing when it is removed. only, when not
// nil, is the set of PTs whose rtpmap/fmtp/rtcp-fb lines are kept.
func (w *sdpWriter) line(l line, only map[int]bool) {
	switch l.typ {
	case 'c':
		// A hold (c=0.0.0.0, RFC 3264 section 8.4) stays as it is.
		if a, err := parseConnection(l.val); err != nil || !a.IsUnspecified() || w.resume {
			w.out = append(w.out, "c="...)
			w.addr(w.ip)
			w.out = append(w.out, "\r\n"...)
			return
		}
	case 'a':
		name, val, _ := attribute(l)
		if removedAttribute(name) {
			return
		}
		if only != nil && perFormatAttribute(name) && !keptFormat(val, only) {
			return
		}
		if w.resume && parseDirection(strings.ToLower(name)) != DirectionUnknown {
			w.out = append(w.out, "a=sendrecv\r\n"...)
			return
		}
		if w.answer {
			switch parseDirection(strings.ToLower(name)) {
			case DirectionSendOnly:
				w.out = append(w.out, "a=recvonly\r\n"...)
				return
			case DirectionRecvOnly:
				w.out = append(w.out, "a=sendonly\r\n"...)
				return
			}
		}
	}
	w.out = append(w.out, l.typ, '=')
	w.out = append(w.out, l.val...)
	w.out = append(w.out, "\r\n"...)
}

// keptFormat reports whether a per-format attribute value ("<pt> ..." or
// "* ...") applies to a kept format.
func keptFormat(val string, only map[int]bool) bool {
	text, _, _ := strings.Cut(val, " ")
	if text == "*" {
		return true
	}
	pt, ok := parsePT(text)
	return ok && only[pt]
}

// removedAttribute reports attributes a plain RTP leg must not carry: our
// RTCP port is always RTP+1 (RFC 3605 a=rtcp), and ICE (RFC 8839), DTLS-SRTP
// (RFC 8122, RFC 4145 a=setup) and SDES (RFC 4568) belong to the far leg.
func removedAttribute(name string) bool {
	name = strings.ToLower(name)
	switch name {
	case "rtcp", "candidate", "remote-candidates", "end-of-candidates",
		"fingerprint", "setup", "crypto":
		return true
	}
	return strings.HasPrefix(name, "ice-")
}

func perFormatAttribute(name string) bool {
	return strings.EqualFold(name, "rtpmap") || strings.EqualFold(name, "fmtp") ||
		strings.EqualFold(name, "rtcp-fb")
}
