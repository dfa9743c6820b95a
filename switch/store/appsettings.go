package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

const appSettingsKey = "appsettings"

// AppSettings are the settings of the default PBX applications an admin
// changes at runtime (the REST twin of scripts/apps.lua's operator,
// unrouted_to_operator, office_hours, block_anonymous and voicemail). Each
// field is a pointer: nil (unset) falls back to apps.lua.
type AppSettings struct {
	// Operator is the extension that answers "0" in menus and voicemail.
	Operator *string `json:"operator,omitempty"`
	// UnroutedToOperator sends trunk calls to a DID nothing takes to the
	// operator (false: 404).
	UnroutedToOperator *bool `json:"unrouted_to_operator,omitempty"`
	// OfficeHours names the time condition saying when the office is
	// open; "" none (always open).
	OfficeHours *string `json:"office_hours,omitempty"`
	// BlockAnonymous refuses callers who hide their number (433).
	BlockAnonymous *bool             `json:"block_anonymous,omitempty"`
	Voicemail      VoicemailSettings `json:"voicemail,omitzero"`
	UpdatedAt      time.Time         `json:"updated_at,omitzero"`
}

// VoicemailSettings are the voicemail limits; nil falls back to apps.lua.
type VoicemailSettings struct {
	MinSeconds      *int  `json:"min_seconds,omitempty"`      // shorter messages are dropped
	MaxSeconds      *int  `json:"max_seconds,omitempty"`      // a message stops here
	Silence         *int  `json:"silence,omitempty"`          // seconds of silence that end a message
	GreetingSeconds *int  `json:"greeting_seconds,omitempty"` // longest greeting
	RingBefore      *bool `json:"ring_before,omitempty"`      // busy and unanswered calls go to voicemail
	UTCOffset       *int  `json:"utc_offset,omitempty"`       // seconds east of UTC, for message times
}

// Validate checks what needs no other record. Errors are *FieldError.
func (a *AppSettings) Validate() error {
	if a.Operator != nil && validNumber(*a.Operator) != nil {
		return invalid("operator", fmt.Sprintf("%q: want an extension number of %d-%d digits", truncateText(*a.Operator), MinNumberLen, MaxNumberLen))
	}
	if a.OfficeHours != nil && *a.OfficeHours != "" && !validName(*a.OfficeHours) {
		return invalid("office_hours", fmt.Sprintf("%q: want a time condition's name, or \"\" for none", truncateText(*a.OfficeHours)))
	}
	v := a.Voicemail
	for _, n := range []struct {
		field    string
		v        *int
		min, max int
	}{{"voicemail.min_seconds", v.MinSeconds, 0, 60}, {"voicemail.max_seconds", v.MaxSeconds, 5, 3600},
		{"voicemail.silence", v.Silence, 1, 60}, {"voicemail.greeting_seconds", v.GreetingSeconds, 5, 600},
		{"voicemail.utc_offset", v.UTCOffset, -14 * 3600, 14 * 3600}} {
		if n.v != nil && (*n.v < n.min || *n.v > n.max) {
			return invalid(n.field, fmt.Sprintf("%d: want %d to %d", *n.v, n.min, n.max))
		}
	}
	if v.MinSeconds != nil && v.MaxSeconds != nil && *v.MinSeconds >= *v.MaxSeconds {
		return invalid("voicemail.min_seconds", "must be below max_seconds")
	}
	return nil
}

// GetAppSettings returns the settings; all unset when never written.
func (s *Store) GetAppSettings() (AppSettings, error) {
	var a AppSettings
	err := s.view(func(txn *badger.Txn) error { return getRoute(txn, []byte(appSettingsKey), &a) })
	if err != nil && !errors.Is(err, ErrNotFound) {
		return AppSettings{}, fmt.Errorf("get settings: %w", err)
	}
	return a, nil
}

// PutAppSettings replaces the settings. It refuses (*FieldError) an
// operator that is not an extension and an office_hours time condition
// that does not exist. Synced.
func (s *Store) PutAppSettings(a AppSettings) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("put settings: %w", err)
	}
	err := s.update(true, func(txn *badger.Txn) error {
		if a.Operator != nil {
			if _, err := txn.Get(extKey(*a.Operator)); errors.Is(err, badger.ErrKeyNotFound) {
				return invalid("operator", fmt.Sprintf("%s: no such extension", *a.Operator))
			} else if err != nil {
				return err
			}
		}
		if a.OfficeHours != nil && *a.OfficeHours != "" {
			if _, err := txn.Get(tcKey(*a.OfficeHours)); errors.Is(err, badger.ErrKeyNotFound) {
				return invalid("office_hours", fmt.Sprintf("no time condition named %q", *a.OfficeHours))
			} else if err != nil {
				return err
			}
		}
		a.UpdatedAt = time.Now().UTC()
		val, err := marshal(a)
		if err != nil {
			return err
		}
		return txn.Set([]byte(appSettingsKey), val)
	})
	if err != nil {
		return fmt.Errorf("put settings: %w", err)
	}
	return nil
}
