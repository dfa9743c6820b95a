package webrtc

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/hookswitch/hookswitch/switch/media"
)

// webrtcInfo is what an SDP says about DTLS-SRTP and ICE for its first
// audio stream: session-level attributes count for every stream,
// media-level ones only for their own.
type webrtcInfo struct {
	audio       bool
	proto       string
	fingerprint bool // a=fingerprint (RFC 8122)
	ufrag, pwd  bool // a=ice-ufrag, a=ice-pwd (RFC 8839)
}

// IsWebRTC reports whether sdp is a browser's: its first audio stream uses
// UDP/TLS/RTP/SAVPF (or SAVP, RFC 5764 section 8) with a DTLS fingerprint
// and ICE credentials. It never fails; a body that is not SDP is not WebRTC.
func IsWebRTC(sdp []byte) bool {
	return scanWebRTC(sdp).check() == nil
}

// check says what is missing for DTLS-SRTP with ICE.
func (w webrtcInfo) check() error {
	switch {
	case !w.audio:
		return fmt.Errorf("%w: no audio stream", ErrNotWebRTC)
	case !strings.EqualFold(w.proto, "UDP/TLS/RTP/SAVPF") && !strings.EqualFold(w.proto, "UDP/TLS/RTP/SAVP"):
		return fmt.Errorf("%w: audio profile %q", ErrNotWebRTC, clip(w.proto))
	case !w.fingerprint:
		return fmt.Errorf("%w: no a=fingerprint", ErrNotWebRTC)
	case !w.ufrag || !w.pwd:
		return fmt.Errorf("%w: no ice credentials", ErrNotWebRTC)
	}
	return nil
}

// scanWebRTC is a tolerant line scan, cheap enough to run on every INVITE.
func scanWebRTC(b []byte) webrtcInfo {
	var w webrtcInfo
	if len(b) > media.MaxSDPSize {
		return w
	}
	section := 0 // 0: session level, 1: the first audio stream, 2: another stream
	for len(b) > 0 {
		var ln []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			ln, b = b[:i], b[i+1:]
		} else {
			ln, b = b, nil
		}
		ln = bytes.TrimSpace(ln)
		if len(ln) < 2 || ln[1] != '=' {
			continue
		}
		val := string(ln[2:])
		switch ln[0] {
		case 'm':
			f := strings.Fields(val)
			if !w.audio && len(f) >= 3 && strings.EqualFold(f[0], "audio") {
				w.audio, w.proto, section = true, f[2], 1
			} else {
				section = 2
			}
		case 'a':
			if section == 2 {
				continue
			}
			name, _, _ := strings.Cut(val, ":")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "fingerprint":
				w.fingerprint = true
			case "ice-ufrag":
				w.ufrag = true
			case "ice-pwd":
				w.pwd = true
			}
		}
	}
	return w
}

// clip shortens text quoted in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// eventsOf returns the RFC 4733 events list of "a=fmtp:<pt> <events>"
// (digits, commas and ranges, e.g. "0-15"), or "" when there is none or it
// is not such a list. Each side's answer repeats the other's list (RFC 4733
// section 7.1.1: the answer lists a subset); nothing else of it is copied,
// so no text of one peer reaches the other.
func eventsOf(b []byte, pt int) string {
	prefix := "a=fmtp:" + strconv.Itoa(pt) + " "
	for len(b) > 0 && len(b) <= media.MaxSDPSize {
		var ln []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			ln, b = b[:i], b[i+1:]
		} else {
			ln, b = b, nil
		}
		s := string(bytes.TrimSpace(ln))
		if !strings.HasPrefix(s, prefix) {
			continue
		}
		v := strings.TrimSpace(s[len(prefix):])
		if v == "" || len(v) > 64 || strings.Trim(v, "0123456789,-") != "" {
			return ""
		}
		return v
	}
	return ""
}
