package store

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Limits of an extension's call features (SPEC P6).
const (
	maxTargetLen     = 32
	MaxFollowMe      = 10
	MinFollowTimeout = 5
	MaxFollowTimeout = 120
)

// Forwarding kinds (SPEC P6).
const (
	ForwardAll         = "all"
	ForwardBusy        = "busy"
	ForwardNoAnswer    = "no_answer"
	ForwardUnavailable = "unavailable"
)

// Features are an extension's call features: do not disturb, forwarding
// and follow-me. The dial plan applies them; feature codes and the admin
// set them.
type Features struct {
	DND bool `json:"dnd,omitempty"`
	// Forward targets by kind (ForwardAll...): an extension or an outside
	// number; a missing kind does not forward.
	Forward  map[string]string `json:"forward,omitempty"`
	FollowMe []FollowStep      `json:"follow_me,omitempty"`
	// Class is how far the extension may dial out (SPEC T4, class of
	// service): "internal", "local", "national" or "international" (the
	// default, ""). Emergency numbers are always allowed.
	Class string `json:"class,omitempty"`
	// OutboundCID1 and OutboundCID2 are the numbers the extension shows
	// when it calls out through a trunk; a dial rule picks one (caller_id
	// cid1, the default, or cid2). Empty: the trunk's choice.
	OutboundCID1 string `json:"outbound_cid1,omitempty"`
	OutboundCID2 string `json:"outbound_cid2,omitempty"`
}

// Classes of service, narrowest first.
var classes = []string{"internal", "local", "national", "international"}

// FollowStep is one number a follow-me rings, and for how long.
type FollowStep struct {
	Number  string `json:"number"`
	Timeout int    `json:"timeout"` // seconds
}

// Validate checks the features. Errors are *FieldError wrapping ErrInvalid.
func (f *Features) Validate() error {
	for kind, target := range f.Forward {
		switch kind {
		case ForwardAll, ForwardBusy, ForwardNoAnswer, ForwardUnavailable:
		default:
			return invalid("forward", fmt.Sprintf("unknown kind %q: want all, busy, no_answer or unavailable", kind))
		}
		if err := validTarget(target); err != nil {
			return invalid("forward."+kind, err.Error())
		}
	}
	if f.Class != "" && !slices.Contains(classes, f.Class) {
		return invalid("class", fmt.Sprintf("%q: want internal, local, national or international", truncateText(f.Class)))
	}
	for _, c := range []struct{ field, v string }{{"outbound_cid1", f.OutboundCID1}, {"outbound_cid2", f.OutboundCID2}} {
		if c.v != "" {
			if err := validTarget(c.v); err != nil {
				return invalid(c.field, err.Error())
			}
		}
	}
	if len(f.FollowMe) > MaxFollowMe {
		return invalid("follow_me", fmt.Sprintf("at most %d numbers", MaxFollowMe))
	}
	for i, s := range f.FollowMe {
		if err := validTarget(s.Number); err != nil {
			return invalid(fmt.Sprintf("follow_me[%d].number", i), err.Error())
		}
		if s.Timeout < MinFollowTimeout || s.Timeout > MaxFollowTimeout {
			return invalid(fmt.Sprintf("follow_me[%d].timeout", i), fmt.Sprintf("must be %d-%d seconds", MinFollowTimeout, MaxFollowTimeout))
		}
	}
	return nil
}

// validTarget accepts a dialable number: digits, optionally after a '+'.
func validTarget(t string) error {
	d := t
	if len(d) > 0 && d[0] == '+' {
		d = d[1:]
	}
	if d == "" || len(t) > maxTargetLen || !isDigits(d) {
		return fmt.Errorf("must be a number of up to %d digits (a leading + allowed), got %q", maxTargetLen, truncateText(t))
	}
	return nil
}

func truncateText(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// UpdateFeatures changes an extension's features with fn, atomically, and
// validates the result; ErrNotFound for no such extension. Synced.
func (s *Store) UpdateFeatures(number string, fn func(*Features) error) (Features, error) {
	if validNumber(number) != nil {
		return Features{}, fmt.Errorf("update features of %q: %w", number, ErrNotFound)
	}
	key := extKey(number)
	var out Features
	err := s.update(true, func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		var e Extension
		if err := decodeItem(item, &e); err != nil {
			return err
		}
		f := e.Features
		f.Forward = maps.Clone(f.Forward)
		f.FollowMe = append([]FollowStep(nil), f.FollowMe...)
		if err := fn(&f); err != nil {
			return err
		}
		if len(f.Forward) == 0 {
			f.Forward = nil
		}
		if err := f.Validate(); err != nil {
			return err
		}
		e.Features = f
		e.UpdatedAt = time.Now().UTC()
		val, err := marshal(e)
		if err != nil {
			return err
		}
		out = f
		return txn.Set(key, val)
	})
	s.exts.forget(number)
	if err != nil {
		return Features{}, fmt.Errorf("update features of %s: %w", number, err)
	}
	return out, nil
}
