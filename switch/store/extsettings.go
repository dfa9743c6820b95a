package store

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Settings are an extension's per-phone settings (SPEC P1) beyond its
// identity and features. Each zero value means the switch's default.
type Settings struct {
	Codecs      []string `json:"codecs,omitempty"`       // allowed, in preference order; empty: the switch's list
	DTMFMode    string   `json:"dtmf_mode,omitempty"`    // rfc2833 (default), info or inband
	PermitIP    []string `json:"permit_ip,omitempty"`    // CIDRs it may register and call from; empty: anywhere
	Recording   string   `json:"recording,omitempty"`    // on_demand (default), always or never
	Language    string   `json:"language,omitempty"`     // of its prompts ("en", "de"); empty: the switch's
	PickupGroup int      `json:"pickup_group,omitempty"` // 1-64; 0: none
	CallWaiting *bool    `json:"call_waiting,omitempty"` // nil: on
	Voicemail   *bool    `json:"voicemail,omitempty"`    // nil: on
}

// Limits and values of the settings (SPEC P1).
const (
	MaxPermitIP    = 16
	MaxPickupGroup = 64
	maxLanguageLen = 16

	DTMFRFC2833 = "rfc2833"
	DTMFInfo    = "info"
	DTMFInband  = "inband"

	RecordOnDemand = "on_demand"
	RecordAlways   = "always"
	RecordNever    = "never"
)

// SettingsCodecs are the codecs an extension may be limited to: the audio
// the media layer relays on every leg (switch/media relayedAudio). Others
// could be offered but never negotiated.
var SettingsCodecs = []string{"PCMU", "PCMA", "G722"}

// Validate checks the settings and spells codec names canonically ("pcmu"
// becomes "PCMU"). Errors are *FieldError wrapping ErrInvalid.
func (s *Settings) Validate() error {
	for i, c := range s.Codecs {
		j := slices.IndexFunc(SettingsCodecs, func(k string) bool { return strings.EqualFold(k, c) })
		if j < 0 {
			return invalid("codecs", fmt.Sprintf("%q: want %s", truncateText(c), strings.Join(SettingsCodecs, ", ")))
		}
		if slices.Contains(s.Codecs[:i], SettingsCodecs[j]) {
			return invalid("codecs", fmt.Sprintf("%s listed twice", SettingsCodecs[j]))
		}
		s.Codecs[i] = SettingsCodecs[j]
	}
	switch s.DTMFMode {
	case "", DTMFRFC2833, DTMFInfo, DTMFInband:
	default:
		return invalid("dtmf_mode", fmt.Sprintf("%q: want rfc2833, info or inband", truncateText(s.DTMFMode)))
	}
	if len(s.PermitIP) > MaxPermitIP {
		return invalid("permit_ip", fmt.Sprintf("at most %d entries", MaxPermitIP))
	}
	for _, p := range s.PermitIP {
		if _, err := ParsePermit(p); err != nil {
			return invalid("permit_ip", err.Error())
		}
	}
	switch s.Recording {
	case "", RecordOnDemand, RecordAlways, RecordNever:
	default:
		return invalid("recording", fmt.Sprintf("%q: want on_demand, always or never", truncateText(s.Recording)))
	}
	if s.Language != "" && !validLanguage(s.Language) {
		return invalid("language", fmt.Sprintf("%q: want a language tag like en or pt-BR", truncateText(s.Language)))
	}
	if s.PickupGroup < 0 || s.PickupGroup > MaxPickupGroup {
		return invalid("pickup_group", fmt.Sprintf("must be 0..%d (0: none)", MaxPickupGroup))
	}
	return nil
}

// ParsePermit parses one permit_ip entry: a CIDR ("10.0.0.0/8",
// "2001:db8::/32") or a single address, which becomes a /32 or /128.
func ParsePermit(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q: not a CIDR", truncateText(s))
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q: not an IP address or CIDR", truncateText(s))
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Permits reports whether addr may register and call for an extension
// with these settings: an empty list permits anywhere; an IPv4-mapped IPv6
// source matches IPv4 entries. Entries that do not parse permit nothing
// (Validate refuses them).
func (s *Settings) Permits(addr netip.Addr) bool {
	if len(s.PermitIP) == 0 {
		return true
	}
	addr = addr.Unmap().WithZone("")
	for _, e := range s.PermitIP {
		if p, err := ParsePermit(e); err == nil && p.Contains(addr) {
			return true
		}
	}
	return false
}

// validLanguage accepts a simple BCP 47 tag: a 2-3 letter primary
// language and optional subtags of 2-8 letters or digits ("en", "pt-BR",
// "zh-Hant-TW").
func validLanguage(s string) bool {
	if len(s) > maxLanguageLen {
		return false
	}
	for i, sub := range strings.Split(s, "-") {
		lo, hi := 2, 8
		if i == 0 {
			hi = 3
		}
		if len(sub) < lo || len(sub) > hi {
			return false
		}
		for _, r := range sub {
			isLetter := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
			if !isLetter && (i == 0 || r < '0' || r > '9') {
				return false
			}
		}
	}
	return true
}

// CallWaitingOn reports whether a second call may ring the extension while
// it is on a call (the default).
func (s *Settings) CallWaitingOn() bool { return s.CallWaiting == nil || *s.CallWaiting }

// VoicemailOn reports whether unanswered calls go to its mailbox (the
// default).
func (s *Settings) VoicemailOn() bool { return s.Voicemail == nil || *s.Voicemail }
