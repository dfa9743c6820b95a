package media

import (
	"fmt"
	"strconv"
	"strings"
)

// Restrict returns a copy of the SDP whose first audio stream offers only
// the named codecs (case-insensitive encoding names: "PCMA", "G722"), in
// the order of names, not the offerer's: an extension's allowed codecs
// are its preference. telephone-event stays when events is true and goes
// otherwise (a phone that sends DTMF as SIP INFO or in band). An empty
// names keeps every codec in its order. Formats that are not audio codecs
// we relay are left to Rewrite, which drops them anyway.
//
// It fails with ErrNoCommonCodec when no named codec is in the stream:
// the call or re-INVITE is answered 488.
func (s *SDP) Restrict(names []string, events bool) (*SDP, error) {
	m := &s.media[s.audio]
	var kept []string
	codecs := m.codecs()
	audio := 0
	if len(names) == 0 {
		for _, c := range codecs {
			if c.telephoneEvent() && !events {
				continue
			}
			if c.relayedAudio() {
				audio++
			}
			kept = append(kept, strconv.Itoa(c.PT))
		}
	} else {
		for _, n := range names {
			for _, c := range codecs {
				if strings.EqualFold(c.Name, n) && c.relayedAudio() {
					kept = append(kept, strconv.Itoa(c.PT))
					audio++
				}
			}
		}
		if events {
			for _, c := range codecs {
				if c.telephoneEvent() {
					kept = append(kept, strconv.Itoa(c.PT))
				}
			}
		}
	}
	if audio == 0 && m.port != 0 {
		return nil, fmt.Errorf("restrict sdp to %q: %w", strings.Join(names, ","), ErrNoCommonCodec)
	}
	if m.port == 0 {
		return s, nil // a declined stream stays declined
	}
	out := *s
	out.media = append([]mediaSection(nil), s.media...)
	a := &out.media[s.audio]
	a.fmts = kept
	only := ptSet(kept)
	a.lines = make([]line, 0, len(m.lines))
	for _, l := range m.lines {
		if name, val, ok := attribute(l); ok && perFormatAttribute(name) && !keptFormat(val, only) {
			continue
		}
		a.lines = append(a.lines, l)
	}
	info, err := out.describeAudio()
	if err != nil {
		return nil, fmt.Errorf("restrict sdp: %w", err)
	}
	out.audioInfo = info
	return &out, nil
}
