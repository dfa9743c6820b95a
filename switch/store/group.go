package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/hookswitch/hookswitch/switch/group"
)

const groupPrefix = "group/"

// Limits of a ring group (SPEC P2).
const (
	MinGroupNumberLen = 2
	MaxGroupNumberLen = 10
	DefaultGroupRing  = 20 // seconds
	MinGroupRing      = 5
	MaxGroupRing      = 300
	MaxGroupMembers   = 64
)

// Group is a ring group (SPEC P2; seed 001 5.8, seed 004 "Departments"):
// a number that rings its member extensions by a strategy, and sends the
// call to NoAnswer when nobody answers.
type Group struct {
	Number string `json:"number"` // digits; never an extension's number
	Name   string `json:"name,omitempty"`
	Tenant string `json:"tenant,omitempty"` // its members are the tenant's ("" no tenant)
	// Strategy is one of group.Strategies; default ringall.
	Strategy string `json:"strategy"`
	// RingTime is in seconds: per member for the hunts, the total for
	// ringall. Default 20.
	RingTime int      `json:"ring_time"`
	Members  []string `json:"members"` // extension numbers, in priority order
	// NoAnswer is where the call goes when nobody answers; unset: hang up.
	NoAnswer Destination `json:"no_answer,omitzero"`
	// CallerIDPrefix goes before the caller's name on the members' phones
	// ("Sales: "), so they know how to answer.
	CallerIDPrefix string `json:"caller_id_prefix,omitempty"`
	// OutboundCallerID is the caller number sent when NoAnswer sends the
	// call out through a trunk.
	OutboundCallerID string    `json:"outbound_caller_id,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Validate checks what needs no other record and fills the defaults
// (strategy ringall, ring time 20 s). Errors are *FieldError wrapping
// ErrInvalid.
func (g *Group) Validate() error {
	if err := validGroupNumber(g.Number); err != nil {
		return err
	}
	if !utf8.ValidString(g.Name) || utf8.RuneCountInString(g.Name) > maxNameLen || hasControl(g.Name) {
		return invalid("name", fmt.Sprintf("at most %d printable characters", maxNameLen))
	}
	if g.Strategy == "" {
		g.Strategy = group.RingAll
	}
	if !group.Valid(g.Strategy) {
		return invalid("strategy", fmt.Sprintf("%q: want %s", truncateText(g.Strategy), strings.Join(group.Strategies, ", ")))
	}
	if g.RingTime == 0 {
		g.RingTime = DefaultGroupRing
	}
	if g.RingTime < MinGroupRing || g.RingTime > MaxGroupRing {
		return invalid("ring_time", fmt.Sprintf("%d: want %d-%d seconds", g.RingTime, MinGroupRing, MaxGroupRing))
	}
	if len(g.Members) == 0 || len(g.Members) > MaxGroupMembers {
		return invalid("members", fmt.Sprintf("want 1-%d extension numbers", MaxGroupMembers))
	}
	for i, m := range g.Members {
		field := fmt.Sprintf("members[%d]", i)
		if validNumber(m) != nil {
			return invalid(field, fmt.Sprintf("%q: want an extension number of %d-%d digits", truncateText(m), MinNumberLen, MaxNumberLen))
		}
		if j := slices.Index(g.Members[:i], m); j >= 0 {
			return invalid(field, fmt.Sprintf("%s: listed twice (also members[%d])", m, j))
		}
	}
	if g.NoAnswer != (Destination{}) {
		if err := g.NoAnswer.validate("no_answer"); err != nil {
			return err
		}
		if g.NoAnswer.Kind == DestGroup && g.NoAnswer.Target == g.Number {
			return invalid("no_answer", fmt.Sprintf("group %s is this group: the call would ring it forever", g.Number))
		}
	}
	if err := validCallerIDPrefix(g.CallerIDPrefix); err != nil {
		return err
	}
	if g.OutboundCallerID != "" {
		if err := validTarget(g.OutboundCallerID); err != nil {
			return invalid("outbound_caller_id", err.Error())
		}
	}
	return nil
}

func validGroupNumber(n string) error {
	if len(n) < MinGroupNumberLen || len(n) > MaxGroupNumberLen || !isDigits(n) {
		return invalid("number", fmt.Sprintf("%q: want %d-%d digits", truncateText(n), MinGroupNumberLen, MaxGroupNumberLen))
	}
	return nil
}

func groupKey(number string) []byte { return []byte(groupPrefix + number) }

// CreateGroup stores a new group; ErrExists when its number is a group's
// already. See PutGroup for the other checks. Synced.
func (s *Store) CreateGroup(g Group) error {
	if err := s.putGroup(g, true); err != nil {
		return fmt.Errorf("create group %s: %w", g.Number, err)
	}
	return nil
}

// PutGroup creates a group or replaces the one of its number (keeping
// CreatedAt). It refuses (*FieldError) a number that is an extension's or
// a queue's, a tenant that does not exist, members that are not extensions
// of the group's tenant, and a no_answer to an
// extension, group or queue that does not exist, is of another tenant or
// leads back to this group. Synced.
func (s *Store) PutGroup(g Group) error {
	if err := s.putGroup(g, false); err != nil {
		return fmt.Errorf("put group %s: %w", g.Number, err)
	}
	return nil
}

func (s *Store) putGroup(g Group, create bool) error {
	if err := g.Validate(); err != nil {
		return err
	}
	defer s.tenants.forget() // the Tenancy knows each group's tenant
	return s.update(true, func(txn *badger.Txn) error {
		if err := claimNumber(txn, g.Number, ownerGroup); err != nil {
			return err
		}
		if err := checkMembers(txn, g.Tenant, g.Members, func(i int) string { return fmt.Sprintf("members[%d]", i) }); err != nil {
			return err
		}
		if err := checkDestination(txn, "no_answer", g.NoAnswer, g.Tenant); err != nil {
			return err
		}
		if err := noAnswerLoop(txn, Destination{Kind: DestGroup, Target: g.Number}, g.NoAnswer); err != nil {
			return err
		}
		now := time.Now().UTC()
		g.CreatedAt, g.UpdatedAt = now, now
		var old Group
		if err := getRoute(txn, groupKey(g.Number), &old); err == nil {
			if create {
				return ErrExists
			}
			g.CreatedAt = old.CreatedAt
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		val, err := marshal(g)
		if err != nil {
			return err
		}
		return txn.Set(groupKey(g.Number), val)
	})
}

// GetGroup returns a group; ErrNotFound when absent.
func (s *Store) GetGroup(number string) (Group, error) {
	if validGroupNumber(number) != nil {
		// Not a storable number, so certainly absent; keeps odd input out of keys.
		return Group{}, fmt.Errorf("get group %q: %w", truncateText(number), ErrNotFound)
	}
	var g Group
	if err := s.view(func(txn *badger.Txn) error { return getRoute(txn, groupKey(number), &g) }); err != nil {
		return Group{}, fmt.Errorf("get group %s: %w", number, err)
	}
	return g, nil
}

// ListGroups returns every group in numeric order.
func (s *Store) ListGroups() ([]Group, error) {
	var out []Group
	err := s.view(func(txn *badger.Txn) error {
		return iterate(txn, groupPrefix, func(item *badger.Item) error {
			var g Group
			if err := decodeItem(item, &g); err != nil {
				return err
			}
			out = append(out, g)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	slices.SortFunc(out, func(a, b Group) int { return compareNumbers(a.Number, b.Number) })
	return out, nil
}

// DeleteGroup removes a group; ErrNotFound when absent, a *ConflictError
// naming the inbound rule, group or queue that sends calls to it. Synced.
func (s *Store) DeleteGroup(number string) error {
	if validGroupNumber(number) != nil {
		return fmt.Errorf("delete group %q: %w", truncateText(number), ErrNotFound)
	}
	err := s.deleteKey(groupKey(number), func(txn *badger.Txn) error {
		return destinationInUse(txn, Destination{Kind: DestGroup, Target: number})
	})
	s.tenants.forget()
	if err != nil {
		return fmt.Errorf("delete group %s: %w", number, err)
	}
	return nil
}

// maxCallerIDPrefix bounds a group's or a queue's caller_id_prefix.
const maxCallerIDPrefix = 32 // characters

// validCallerIDPrefix checks a ring group's or a queue's caller-ID prefix:
// it goes into the From display name, so no quotes, backslashes or angle
// brackets.
func validCallerIDPrefix(p string) error {
	if !utf8.ValidString(p) || utf8.RuneCountInString(p) > maxCallerIDPrefix || hasControl(p) || strings.ContainsAny(p, "\"\\<>") {
		return invalid("caller_id_prefix", fmt.Sprintf("at most %d printable characters without quotes, backslashes or angle brackets", maxCallerIDPrefix))
	}
	return nil
}

// GroupsOf lists the numbers of the ring groups ext is a member of.
func (s *Store) GroupsOf(ext string) ([]string, error) {
	gs, err := s.ListGroups()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range gs {
		if slices.Contains(g.Members, ext) {
			out = append(out, g.Number)
		}
	}
	return out, nil
}
