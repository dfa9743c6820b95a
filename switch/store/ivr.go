package store

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

const ivrPrefix = "ivr/"

// DestURL sends an IVR key to a web app that decides (an action URL: it
// gets a JSON POST and answers the action). Only IVR keys take it.
const DestURL = "url"

// Limits of an IVR (auto attendant menu).
const (
	DefaultIVRTimeout    = 5 // seconds for the first key
	MaxIVRTimeout        = 60
	DefaultIVRInterDigit = 2 // seconds between the digits of a direct-dialled number
	MaxIVRInterDigit     = 10
	DefaultIVRLoops      = 3
	MaxIVRLoops          = 10
	MaxIVRPrompts        = 16
	maxIVRURL            = 512
)

// IVR is an auto attendant menu with a number (the REST twin of the menus
// of scripts/apps.lua): it plays its prompts and sends each key to a
// destination. Its number shares the numbering plan with extensions, ring
// groups, queues and rooms.
type IVR struct {
	Number  string   `json:"number"`
	Name    string   `json:"name,omitempty"`
	Tenant  string   `json:"tenant,omitempty"` // its destinations are the tenant's ("" no tenant)
	Prompts []string `json:"prompts"`          // played in order while waiting for a key
	// Keys maps a key ("0"-"9", "*", "#") to where it sends the call:
	// extension, group, queue, voicemail, conference, ivr, url or hangup.
	Keys map[string]Destination `json:"keys"`
	// DirectDial lets the caller dial any extension number.
	DirectDial bool `json:"direct_dial,omitempty"`
	Timeout    int  `json:"timeout"`     // seconds for the first key (default 5)
	InterDigit int  `json:"inter_digit"` // seconds between digits (default 2)
	Loops      int  `json:"loops"`       // repeats on a bad key or silence (default 3)
	// InvalidPrompt and TimeoutPrompt are played on a bad key and on
	// silence; empty: ivr/invalid and ivr/timeout.
	InvalidPrompt string `json:"invalid_prompt,omitempty"`
	TimeoutPrompt string `json:"timeout_prompt,omitempty"`
	// OnTimeout is where the call goes after the last loop; unset: the
	// operator.
	OnTimeout Destination `json:"on_timeout,omitzero"`
	// WhenClosed runs another IVR while a time condition is closed.
	WhenClosed WhenClosed `json:"when_closed,omitzero"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// WhenClosed is an IVR's closed-hours switch: while time condition
// TimeCondition is closed, callers get IVR instead.
type WhenClosed struct {
	TimeCondition string `json:"time_condition"`
	IVR           string `json:"ivr"`
}

// Validate checks what needs no other record and fills the defaults.
// Errors are *FieldError wrapping ErrInvalid.
func (v *IVR) Validate() error {
	if err := validGroupNumber(v.Number); err != nil {
		return err
	}
	if !utf8.ValidString(v.Name) || utf8.RuneCountInString(v.Name) > maxNameLen || hasControl(v.Name) {
		return invalid("name", fmt.Sprintf("at most %d printable characters", maxNameLen))
	}
	if len(v.Prompts) > MaxIVRPrompts {
		return invalid("prompts", fmt.Sprintf("at most %d prompts", MaxIVRPrompts))
	}
	for i, p := range v.Prompts {
		if !validPrompt(p) {
			return invalid(fmt.Sprintf("prompts[%d]", i), fmt.Sprintf("%q: want a prompt name like ivr/welcome", truncateText(p)))
		}
	}
	for _, k := range sortedKeys(v.Keys) {
		if len(k) != 1 || !strings.Contains("0123456789*#", k) {
			return invalid("keys", fmt.Sprintf("key %q: want one of 0-9, * or #", truncateText(k)))
		}
		if err := validIVRDest("keys."+k, v.Keys[k]); err != nil {
			return err
		}
	}
	for _, n := range []struct {
		field    string
		v        *int
		def, max int
	}{{"timeout", &v.Timeout, DefaultIVRTimeout, MaxIVRTimeout}, {"inter_digit", &v.InterDigit, DefaultIVRInterDigit, MaxIVRInterDigit},
		{"loops", &v.Loops, DefaultIVRLoops, MaxIVRLoops}} {
		if *n.v == 0 {
			*n.v = n.def
		}
		if *n.v < 1 || *n.v > n.max {
			return invalid(n.field, fmt.Sprintf("%d: want 1-%d", *n.v, n.max))
		}
	}
	for _, p := range []struct{ field, v string }{{"invalid_prompt", v.InvalidPrompt}, {"timeout_prompt", v.TimeoutPrompt}} {
		if p.v != "" && !validPrompt(p.v) {
			return invalid(p.field, fmt.Sprintf("%q: want a prompt name like ivr/invalid", truncateText(p.v)))
		}
	}
	if v.OnTimeout != (Destination{}) {
		if err := validIVRDest("on_timeout", v.OnTimeout); err != nil {
			return err
		}
	}
	if w := v.WhenClosed; w != (WhenClosed{}) {
		if !validName(w.TimeCondition) {
			return invalid("when_closed.time_condition", fmt.Sprintf("%q: want a time condition's name", truncateText(w.TimeCondition)))
		}
		if validGroupNumber(w.IVR) != nil {
			return invalid("when_closed.ivr", fmt.Sprintf("%q: want an IVR's number of %d-%d digits", truncateText(w.IVR), MinGroupNumberLen, MaxGroupNumberLen))
		}
		if w.IVR == v.Number {
			return invalid("when_closed.ivr", "this IVR: want another one")
		}
	}
	return nil
}

// validIVRDest checks an IVR key's or on_timeout destination: a
// Destination, or a url; calls from an IVR go nowhere outside.
func validIVRDest(field string, d Destination) error {
	switch d.Kind {
	case DestURL:
		u, err := url.Parse(d.Target)
		if err != nil || len(d.Target) > maxIVRURL || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid(field, fmt.Sprintf("url %q: want an http or https URL of at most %d bytes", truncateText(d.Target), maxIVRURL))
		}
		return nil
	case DestExternal:
		return invalid(field, "external: an IVR sends calls inside the switch (extension, group, queue, voicemail, conference, ivr, url or hangup)")
	}
	return d.validate(field)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func ivrKey(number string) []byte { return []byte(ivrPrefix + number) }

// CreateIVR stores a new IVR; ErrExists when its number is an IVR's
// already. See PutIVR for the other checks. Synced.
func (s *Store) CreateIVR(v IVR) error {
	if err := s.putIVR(v, true); err != nil {
		return fmt.Errorf("create ivr %s: %w", v.Number, err)
	}
	return nil
}

// PutIVR creates an IVR or replaces the one of its number (keeping
// CreatedAt). It refuses (*FieldError) a number another kind of record
// has, a tenant that does not exist, a destination to an extension, group
// or queue that does not exist or is of another tenant, and a when_closed
// time condition that does not exist. Synced.
func (s *Store) PutIVR(v IVR) error {
	if err := s.putIVR(v, false); err != nil {
		return fmt.Errorf("put ivr %s: %w", v.Number, err)
	}
	return nil
}

func (s *Store) putIVR(v IVR, create bool) error {
	if err := v.Validate(); err != nil {
		return err
	}
	defer s.tenants.forget() // the Tenancy knows each IVR's tenant
	return s.update(true, func(txn *badger.Txn) error {
		if err := claimNumber(txn, v.Number, ownerIVR); err != nil {
			return err
		}
		if v.Tenant != "" {
			if _, err := lockTenant(txn, "tenant", v.Tenant); err != nil {
				return err
			}
		}
		for _, k := range sortedKeys(v.Keys) {
			if err := checkDestination(txn, "keys."+k, v.Keys[k], v.Tenant); err != nil {
				return err
			}
		}
		if err := checkDestination(txn, "on_timeout", v.OnTimeout, v.Tenant); err != nil {
			return err
		}
		if tc := v.WhenClosed.TimeCondition; tc != "" {
			if _, err := txn.Get(tcKey(tc)); errors.Is(err, badger.ErrKeyNotFound) {
				return invalid("when_closed.time_condition", fmt.Sprintf("no time condition named %q", tc))
			} else if err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		v.CreatedAt, v.UpdatedAt = now, now
		var old IVR
		if err := getRoute(txn, ivrKey(v.Number), &old); err == nil {
			if create {
				return ErrExists
			}
			v.CreatedAt = old.CreatedAt
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		val, err := marshal(v)
		if err != nil {
			return err
		}
		return txn.Set(ivrKey(v.Number), val)
	})
}

// GetIVR returns an IVR; ErrNotFound when absent.
func (s *Store) GetIVR(number string) (IVR, error) {
	if validGroupNumber(number) != nil {
		return IVR{}, fmt.Errorf("get ivr %q: %w", truncateText(number), ErrNotFound)
	}
	var v IVR
	if err := s.view(func(txn *badger.Txn) error { return getRoute(txn, ivrKey(number), &v) }); err != nil {
		return IVR{}, fmt.Errorf("get ivr %s: %w", number, err)
	}
	return v, nil
}

// ListIVRs returns every IVR in numeric order.
func (s *Store) ListIVRs() ([]IVR, error) {
	out, err := listPrefix[IVR](s, ivrPrefix)
	if err != nil {
		return nil, fmt.Errorf("list ivrs: %w", err)
	}
	slices.SortFunc(out, func(a, b IVR) int { return compareNumbers(a.Number, b.Number) })
	return out, nil
}

// DeleteIVR removes an IVR; ErrNotFound when absent, a *ConflictError
// naming another IVR whose when_closed runs it. Synced.
func (s *Store) DeleteIVR(number string) error {
	if validGroupNumber(number) != nil {
		return fmt.Errorf("delete ivr %q: %w", truncateText(number), ErrNotFound)
	}
	defer s.tenants.forget()
	err := s.deleteKey(ivrKey(number), func(txn *badger.Txn) error {
		if err := destinationInUse(txn, Destination{Kind: DestIVR, Target: number}); err != nil {
			return err
		}
		return iterate(txn, ivrPrefix, func(item *badger.Item) error {
			var o IVR
			if err := decodeItem(item, &o); err != nil {
				return err
			}
			if o.WhenClosed.IVR == number {
				return &ConflictError{Other: "ivr " + o.Number,
					Msg: fmt.Sprintf("in use by ivr %s (when_closed): change or remove it first", o.Number)}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("delete ivr %s: %w", number, err)
	}
	return nil
}

// listPrefix decodes every record under prefix.
func listPrefix[T any](s *Store, prefix string) ([]T, error) {
	var out []T
	err := s.view(func(txn *badger.Txn) error {
		return iterate(txn, prefix, func(item *badger.Item) error {
			var v T
			if err := decodeItem(item, &v); err != nil {
				return err
			}
			out = append(out, v)
			return nil
		})
	})
	return out, err
}
