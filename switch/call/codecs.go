package call

import (
	"errors"
	"fmt"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// DTMF modes of an extension (store.Settings.DTMFMode).
const (
	dtmfRFC2833 = "rfc2833" // RFC 4733 telephone-event in the RTP (the default)
	dtmfInfo    = "info"    // SIP INFO application/dtmf-relay or application/dtmf
	dtmfInband  = "inband"  // tones in the audio
)

// extMedia is what an extension's settings say about the media of its
// devices' legs (SPEC P1). The zero value (a trunk, a program's own leg,
// an extension without settings) changes nothing.
type extMedia struct {
	ext      string
	codecs   []string // allowed, in its order; empty: all we relay
	dtmf     string   // "" means rfc2833
	language string
}

// extMediaOf reads an extension's media settings; an unknown extension
// or a store error gives the zero value: settings restrict, they never
// make a call fail by their absence.
func (m *Manager) extMediaOf(ext string) extMedia {
	if ext == "" || m.st == nil {
		return extMedia{}
	}
	e, err := m.st.GetExtension(ext)
	if err != nil {
		return extMedia{}
	}
	return extMedia{ext: ext, codecs: e.Codecs, dtmf: e.DTMFMode, language: e.Language}
}

// events reports whether the extension's devices get RFC 4733
// telephone-event in our SDP: INFO and in-band phones must not, or they
// would send their digits both ways.
func (x extMedia) events() bool { return x.dtmf == "" || x.dtmf == dtmfRFC2833 }

// restrict narrows an SDP we send to the extension's devices to its
// allowed codecs, in its order, and drops telephone-event for INFO and
// in-band phones.
func (x extMedia) restrict(s *media.SDP) (*media.SDP, error) {
	if len(x.codecs) == 0 && x.events() {
		return s, nil
	}
	out, err := s.Restrict(x.codecs, x.events())
	if err != nil {
		return nil, fmt.Errorf("extension %s codecs: %w", x.ext, err)
	}
	return out, nil
}

// allow narrows an SDP the extension's device sent (or that is relayed
// towards the other party) to its allowed codecs, keeping telephone-event:
// the other party may not choose a codec the extension refuses, and its
// RFC 4733 digits are turned into INFO for an INFO phone (dtmfmode.go).
func (x extMedia) allow(s *media.SDP) (*media.SDP, error) {
	if len(x.codecs) == 0 {
		return s, nil
	}
	out, err := s.Restrict(x.codecs, true)
	if err != nil {
		return nil, fmt.Errorf("extension %s codecs: %w", x.ext, err)
	}
	return out, nil
}

// forLeg is the SDP s narrowed for sending on l: to what the party on the
// other side accepts, then to what l's extension accepts, in l's order.
func (l *leg) forLeg(s *media.SDP) (*media.SDP, error) {
	if o := l.call.other(l); o != nil && o != l {
		var err error
		if s, err = o.set.allow(s); err != nil {
			return nil, err
		}
	}
	return l.set.restrict(s)
}

// noCodec is the answer to a call or re-INVITE whose two sides share no
// codec the switch relays.
func noCodec(err error) *sip.Error {
	return &sip.Error{Code: 488, Reason: "Not Acceptable Here (no common codec)", Err: err}
}

// isNoCodec reports whether err comes from a codec restriction.
func isNoCodec(err error) bool { return errors.Is(err, media.ErrNoCommonCodec) }
