package store

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

const roomPrefix = "room/"

// Limits of a conference room.
const (
	MaxRoomPINLen  = 10
	MaxRoomMembers = 1000 // what call:conference accepts
)

// Room is a conference room with a number (the REST twin of the
// conferences of scripts/apps.lua). Live conferences are another thing:
// the rooms in use now (/api/v1/conferences).
type Room struct {
	Number string `json:"number"`
	Name   string `json:"name,omitempty"`
	Tenant string `json:"tenant,omitempty"`
	// PIN is asked to join; AdminPIN joins as the leader (lock, kick, mute
	// all). Both empty: anybody joins without a PIN.
	PIN      string `json:"pin,omitempty"`
	AdminPIN string `json:"admin_pin,omitempty"`
	// WaitLeader: members hear music until a leader is in.
	WaitLeader bool `json:"wait_leader,omitempty"`
	// Announce: members record their name, said on join and leave.
	Announce   bool      `json:"announce,omitempty"`
	Record     bool      `json:"record,omitempty"`      // the room is recorded
	MaxMembers int       `json:"max_members,omitempty"` // 0: no limit
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Validate checks what needs no other record. Errors are *FieldError
// wrapping ErrInvalid.
func (r *Room) Validate() error {
	if err := validGroupNumber(r.Number); err != nil {
		return err
	}
	if !utf8.ValidString(r.Name) || utf8.RuneCountInString(r.Name) > maxNameLen || hasControl(r.Name) {
		return invalid("name", fmt.Sprintf("at most %d printable characters", maxNameLen))
	}
	for _, p := range []struct{ field, v string }{{"pin", r.PIN}, {"admin_pin", r.AdminPIN}} {
		if p.v != "" && (len(p.v) > MaxRoomPINLen || !isDigits(p.v)) {
			return invalid(p.field, fmt.Sprintf("want 1-%d digits", MaxRoomPINLen))
		}
	}
	if r.PIN != "" && r.PIN == r.AdminPIN {
		return invalid("admin_pin", "equals pin: the leader would be nobody in particular")
	}
	if r.WaitLeader && r.AdminPIN == "" {
		return invalid("wait_leader", "needs an admin_pin: without one no leader can join")
	}
	if r.MaxMembers < 0 || r.MaxMembers > MaxRoomMembers {
		return invalid("max_members", fmt.Sprintf("%d: want 0 (no limit) to %d", r.MaxMembers, MaxRoomMembers))
	}
	return nil
}

func roomKey(number string) []byte { return []byte(roomPrefix + number) }

// CreateRoom stores a new room; ErrExists when its number is a room's
// already. Synced.
func (s *Store) CreateRoom(r Room) error {
	if err := s.putRoom(r, true); err != nil {
		return fmt.Errorf("create room %s: %w", r.Number, err)
	}
	return nil
}

// PutRoom creates a room or replaces the one of its number (keeping
// CreatedAt). It refuses (*FieldError) a number another kind of record has
// and a tenant that does not exist. Synced.
func (s *Store) PutRoom(r Room) error {
	if err := s.putRoom(r, false); err != nil {
		return fmt.Errorf("put room %s: %w", r.Number, err)
	}
	return nil
}

func (s *Store) putRoom(r Room, create bool) error {
	if err := r.Validate(); err != nil {
		return err
	}
	defer s.tenants.forget() // the Tenancy knows each room's tenant
	return s.update(true, func(txn *badger.Txn) error {
		if err := claimNumber(txn, r.Number, ownerRoom); err != nil {
			return err
		}
		if r.Tenant != "" {
			if _, err := lockTenant(txn, "tenant", r.Tenant); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		r.CreatedAt, r.UpdatedAt = now, now
		var old Room
		if err := getRoute(txn, roomKey(r.Number), &old); err == nil {
			if create {
				return ErrExists
			}
			r.CreatedAt = old.CreatedAt
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		val, err := marshal(r)
		if err != nil {
			return err
		}
		return txn.Set(roomKey(r.Number), val)
	})
}

// GetRoom returns a room; ErrNotFound when absent.
func (s *Store) GetRoom(number string) (Room, error) {
	if validGroupNumber(number) != nil {
		return Room{}, fmt.Errorf("get room %q: %w", truncateText(number), ErrNotFound)
	}
	var r Room
	if err := s.view(func(txn *badger.Txn) error { return getRoute(txn, roomKey(number), &r) }); err != nil {
		return Room{}, fmt.Errorf("get room %s: %w", number, err)
	}
	return r, nil
}

// ListRooms returns every room in numeric order.
func (s *Store) ListRooms() ([]Room, error) {
	out, err := listPrefix[Room](s, roomPrefix)
	if err != nil {
		return nil, fmt.Errorf("list rooms: %w", err)
	}
	slices.SortFunc(out, func(a, b Room) int { return compareNumbers(a.Number, b.Number) })
	return out, nil
}

// DeleteRoom removes a room; ErrNotFound when absent, a *ConflictError
// naming an IVR that sends callers to it. Synced.
func (s *Store) DeleteRoom(number string) error {
	if validGroupNumber(number) != nil {
		return fmt.Errorf("delete room %q: %w", truncateText(number), ErrNotFound)
	}
	defer s.tenants.forget()
	err := s.deleteKey(roomKey(number), func(txn *badger.Txn) error {
		return destinationInUse(txn, Destination{Kind: DestConference, Target: number})
	})
	if err != nil {
		return fmt.Errorf("delete room %s: %w", number, err)
	}
	return nil
}

// ivrsSendingTo refuses (*ConflictError) while an IVR's key or on_timeout
// is a destination to says yes to.
func ivrsSendingTo(txn *badger.Txn, to func(Destination) bool) error {
	return iterate(txn, ivrPrefix, func(item *badger.Item) error {
		var v IVR
		if err := decodeItem(item, &v); err != nil {
			return err
		}
		for _, k := range sortedKeys(v.Keys) {
			if to(v.Keys[k]) {
				return &ConflictError{Other: "ivr " + v.Number,
					Msg: fmt.Sprintf("in use by ivr %s (keys.%s): change or remove it first", v.Number, k)}
			}
		}
		if to(v.OnTimeout) {
			return &ConflictError{Other: "ivr " + v.Number,
				Msg: fmt.Sprintf("in use by ivr %s (on_timeout): change or remove it first", v.Number)}
		}
		return nil
	})
}
