package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

const dialPolicyKey = "policy/dial"

// ErrForbidden means the dial policy refuses a number (answer 403).
var ErrForbidden = errors.New("forbidden by the dial policy")

// DialPolicy is what any extension may dial out (SPEC T4): prefixes
// nobody may dial, the countries international calls may reach, and the
// emergency numbers that always go through.
type DialPolicy struct {
	BlockedPrefixes []string `json:"blocked_prefixes,omitempty"` // e.g. "0900", "00881"
	// CountryCodes allowed for international calls ("49", "44"); empty:
	// every country.
	CountryCodes        []string `json:"country_codes,omitempty"`
	InternationalPrefix string   `json:"international_prefix,omitempty"` // default "00" ("+" always counts)
	NationalPrefix      string   `json:"national_prefix,omitempty"`      // default "0": a long-distance call
	Emergency           []string `json:"emergency,omitempty"`            // e.g. "112", "911": never refused
	EmergencyCID        string   `json:"emergency_cid,omitempty"`        // the caller number sent on them
}

// Validate checks the policy. Errors are *FieldError wrapping ErrInvalid.
func (p *DialPolicy) Validate() error {
	for name, list := range map[string][]string{"blocked_prefixes": p.BlockedPrefixes, "country_codes": p.CountryCodes, "emergency": p.Emergency} {
		for i, v := range list {
			if v == "" || len(v) > maxTargetLen || !isDigits(strings.TrimPrefix(v, "+")) {
				return invalid(fmt.Sprintf("%s[%d]", name, i), fmt.Sprintf("want digits, got %q", truncateText(v)))
			}
		}
	}
	if p.InternationalPrefix != "" && !isDigits(p.InternationalPrefix) {
		return invalid("international_prefix", "want digits, such as 00 or 011")
	}
	if p.NationalPrefix != "" && !isDigits(p.NationalPrefix) {
		return invalid("national_prefix", "want digits, such as 0 or 1")
	}
	if p.EmergencyCID != "" {
		if err := validTarget(p.EmergencyCID); err != nil {
			return invalid("emergency_cid", err.Error())
		}
	}
	return nil
}

// IsEmergency reports whether number is an emergency number.
func (p DialPolicy) IsEmergency(number string) bool {
	for _, e := range p.Emergency {
		if number == e {
			return true
		}
	}
	return false
}

// Check says whether number (as sent to the trunk) may be dialled; the
// refusal wraps ErrForbidden and says why.
func (p DialPolicy) Check(number string) error {
	if p.IsEmergency(number) {
		return nil
	}
	for _, b := range p.BlockedPrefixes {
		if strings.HasPrefix(number, b) {
			return fmt.Errorf("%w: %s starts with the blocked prefix %s", ErrForbidden, number, b)
		}
	}
	if len(p.CountryCodes) == 0 {
		return nil
	}
	intl := p.InternationalPrefix
	if intl == "" {
		intl = "00"
	}
	rest, ok := strings.CutPrefix(number, "+")
	if !ok {
		rest, ok = strings.CutPrefix(number, intl)
	}
	if !ok {
		return nil // a national number
	}
	for _, cc := range p.CountryCodes {
		if strings.HasPrefix(rest, cc) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s calls a country not allowed (allowed: %s)", ErrForbidden, number, strings.Join(p.CountryCodes, ", "))
}

// DialPolicy returns the stored policy (the zero policy allows all).
func (s *Store) DialPolicy() (DialPolicy, error) {
	var p DialPolicy
	err := s.view(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(dialPolicyKey))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return decodeItem(item, &p)
	})
	if err != nil {
		return DialPolicy{}, fmt.Errorf("dial policy: %w", err)
	}
	return p, nil
}

// SetDialPolicy replaces the policy. Synced.
func (s *Store) SetDialPolicy(p DialPolicy) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("set dial policy: %w", err)
	}
	val, err := marshal(p)
	if err != nil {
		return fmt.Errorf("set dial policy: %w", err)
	}
	if err := s.update(true, func(txn *badger.Txn) error { return txn.Set([]byte(dialPolicyKey), val) }); err != nil {
		return fmt.Errorf("set dial policy: %w", err)
	}
	return nil
}

// Category is how far number reaches: "international" (the international
// prefix or +), "national" (the national prefix), else "local".
func (p DialPolicy) Category(number string) string {
	intl, nat := p.InternationalPrefix, p.NationalPrefix
	if intl == "" {
		intl = "00"
	}
	if nat == "" {
		nat = "0"
	}
	switch {
	case strings.HasPrefix(number, "+") || strings.HasPrefix(number, intl):
		return "international"
	case strings.HasPrefix(number, nat):
		return "national"
	}
	return "local"
}

// Allows says whether an extension of class (Features.Class; "" is
// international) may dial number; emergency numbers always pass.
func (p DialPolicy) Allows(class, number string) error {
	if p.IsEmergency(number) || class == "" || class == "international" {
		return nil
	}
	cat := p.Category(number)
	if slices.Index(classes, cat) > slices.Index(classes, class) {
		return fmt.Errorf("%w: %s is a %s call and the extension may dial %s calls only", ErrForbidden, number, cat, class)
	}
	return nil
}
