package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Destination kinds of an inbound rule (SPEC T2; seed 001 "forward
// incoming calls").
const (
	DestExtension  = "extension"
	DestGroup      = "group"
	DestIVR        = "ivr"
	DestQueue      = "queue"
	DestVoicemail  = "voicemail"
	DestConference = "conference"
	DestExternal   = "external"
	DestHangup     = "hangup"
)

// Destination is where a call goes: an inbound rule's destinations, a
// ring group's or a queue's no_answer. One to an extension (or its
// voicemail), a ring group or a queue must name one that exists when it
// is written, and what it names cannot be deleted while it does (see
// checkDestination, destinationInUse). IVRs and conferences live in the
// scripts, so only their syntax is checked.
type Destination struct {
	Kind   string `json:"kind"`
	Target string `json:"target,omitempty"` // empty for hangup
}

// String shows a destination for listings: "extension 100", "hangup".
func (d Destination) String() string {
	if d.Target == "" {
		return d.Kind
	}
	return d.Kind + " " + d.Target
}

// validate checks the kind and the target's syntax; field names the
// destination in errors.
func (d Destination) validate(field string) error {
	var bad string
	switch d.Kind {
	case DestHangup:
		if d.Target != "" {
			bad = "hangup takes no target"
		}
	case DestExtension, DestVoicemail:
		if validNumber(d.Target) != nil {
			bad = fmt.Sprintf("%s %q: want an extension number of %d-%d digits", d.Kind, truncateText(d.Target), MinNumberLen, MaxNumberLen)
		}
	case DestGroup:
		if validGroupNumber(d.Target) != nil {
			bad = fmt.Sprintf("group %q: want a ring group's number of %d-%d digits", truncateText(d.Target), MinGroupNumberLen, MaxGroupNumberLen)
		}
	case DestQueue:
		if !validQueueNumber(d.Target) {
			bad = fmt.Sprintf("queue %q: want a queue's number of %d-%d digits", truncateText(d.Target), MinQueueNumberLen, MaxQueueNumberLen)
		}
	case DestIVR, DestConference:
		if !validName(d.Target) {
			bad = fmt.Sprintf("%s %q: want a name or number of 1-64 letters, digits, '-' or '_'", d.Kind, truncateText(d.Target))
		}
	case DestExternal:
		if err := validTarget(d.Target); err != nil {
			bad = "external " + err.Error()
		}
	case "":
		bad = "required: kind extension, group, ivr, queue, voicemail, conference, external or hangup"
	default:
		bad = fmt.Sprintf("kind %q: want extension, group, ivr, queue, voicemail, conference, external or hangup", truncateText(d.Kind))
	}
	if bad != "" {
		return invalid(field, bad)
	}
	return nil
}

// record is the stored record a destination sends calls to, as a
// destination of kind extension, group, queue, ivr or conference (a
// voicemail box is its extension's); ok false for kinds the store does not
// hold. An ivr or conference may instead be a menu or room of
// scripts/apps.lua, which the store does not know.
func (d Destination) record() (Destination, bool) {
	switch d.Kind {
	case DestExtension, DestVoicemail:
		return Destination{Kind: DestExtension, Target: d.Target}, true
	case DestGroup, DestQueue, DestIVR, DestConference:
		return d, true
	}
	return Destination{}, false
}

// recordKey is the key of the record of kind extension, group, queue, ivr
// or conference.
func recordKey(r Destination) []byte {
	switch r.Kind {
	case DestGroup:
		return groupKey(r.Target)
	case DestQueue:
		return queueKey(r.Target)
	case DestIVR:
		return ivrKey(r.Target)
	case DestConference:
		return roomKey(r.Target)
	}
	return extKey(r.Target)
}

// checkDestination refuses (*FieldError on field) a destination whose
// extension, ring group or queue does not exist, or is not of tenant (the
// tenant of the record that sends calls there, "" none: calls stay
// inside a tenant, so one sent elsewhere would find nobody), in the
// writing transaction; the unset destination passes.
func checkDestination(txn *badger.Txn, field string, d Destination, tenant string) error {
	r, ok := d.record()
	if !ok {
		return nil
	}
	what := "group " + r.Target
	switch r.Kind {
	case DestExtension:
		what = "extension " + r.Target
	case DestQueue:
		what = "queue " + r.Target
	case DestIVR:
		what = "ivr " + r.Target
	case DestConference:
		what = "conference room " + r.Target
	}
	if d.Kind == DestVoicemail {
		what = fmt.Sprintf("voicemail %s: %s", d.Target, what)
	}
	var rec struct {
		Tenant string `json:"tenant"`
	}
	found, err := referDecode(txn, recordKey(r), &rec)
	if err != nil {
		return err
	}
	if !found {
		if r.Kind == DestIVR || r.Kind == DestConference {
			return nil // a menu or room of apps.lua, which the store cannot check
		}
		return invalid(field, what+" does not exist")
	}
	if rec.Tenant != tenant {
		return invalid(field, fmt.Sprintf("%s is of %s, not of %s: calls stay inside their tenant", what, tenantText(rec.Tenant), tenantText(tenant)))
	}
	return nil
}

// referDecode reports whether the record at key exists and, when it
// does, decodes it into v and writes it back unchanged. A delete reads
// that key and lists the records that refer to it; badger sees no phantoms, so without this write a
// reference added while the delete runs would go unseen and both would
// commit, leaving the reference dangling. With it, the two conflict and
// the loser reruns.
func referDecode(txn *badger.Txn, key []byte, v any) (bool, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if err := decodeItem(item, v); err != nil {
		return false, err
	}
	val, err := item.ValueCopy(nil)
	if err != nil {
		return false, err
	}
	return true, txn.Set(key, val)
}

// destinationInUse refuses, as a *ConflictError naming the user, deleting
// the record r (a destination of kind extension, group, queue, ivr or
// conference) while an inbound rule (destination or closed destination),
// an IVR's key or on_timeout, a ring group's or a queue's no_answer sends
// calls to it (to an extension's voicemail included).
func destinationInUse(txn *badger.Txn, r Destination) error {
	to := func(d Destination) bool {
		got, ok := d.record()
		return ok && got == r
	}
	ins, err := listInbound(txn)
	if err != nil {
		return err
	}
	for _, in := range ins {
		field := ""
		switch {
		case to(in.Destination):
			field = "destination"
		case to(in.Closed):
			field = "closed_destination"
		default:
			continue
		}
		return &ConflictError{Other: "inbound rule " + in.Name,
			Msg: fmt.Sprintf("in use by inbound rule %s (%s): change or remove the rule first", in.Name, field)}
	}
	if err := ivrsSendingTo(txn, to); err != nil {
		return err
	}
	if err := iterate(txn, groupPrefix, func(item *badger.Item) error {
		var g Group
		if err := decodeItem(item, &g); err != nil {
			return err
		}
		if to(g.NoAnswer) {
			return &ConflictError{Other: "ring group " + g.Number,
				Msg: fmt.Sprintf("in use by ring group %s (no_answer): change or remove that group first", g.Number)}
		}
		return nil
	}); err != nil {
		return err
	}
	return iterate(txn, queuePrefix, func(item *badger.Item) error {
		var q Queue
		if err := decodeItem(item, &q); err != nil {
			return err
		}
		if to(q.NoAnswer) {
			return &ConflictError{Other: "queue " + q.Number,
				Msg: fmt.Sprintf("in use by queue %s (no_answer): change or remove that queue first", q.Number)}
		}
		return nil
	})
}

// noAnswerLoop refuses (*FieldError on no_answer) writing the ring group
// or queue self with no_answer d when following the no_answer
// destinations from d comes back to self: an unanswered call would go
// round for ever. (self sending to itself is Validate's to refuse.)
func noAnswerLoop(txn *badger.Txn, self, d Destination) error {
	path := []string{self.String()}
	seen := map[Destination]bool{self: true}
	for (d.Kind == DestGroup || d.Kind == DestQueue) && !seen[d] {
		seen[d] = true
		path = append(path, d.String())
		next, err := noAnswerOf(txn, d)
		if err != nil {
			return err
		}
		if next == self {
			path = append(path, self.String())
			return invalid("no_answer", fmt.Sprintf("%s: unanswered calls would go round for ever", strings.Join(path, " -> ")))
		}
		d = next
	}
	return nil
}

// noAnswerOf is the no_answer of ring group or queue d; none when d does
// not exist.
func noAnswerOf(txn *badger.Txn, d Destination) (Destination, error) {
	if d.Kind == DestGroup {
		var g Group
		err := getRoute(txn, groupKey(d.Target), &g)
		return g.NoAnswer, ignoreNotFound(err)
	}
	var q Queue
	err := getRoute(txn, queueKey(d.Target), &q)
	return q.NoAnswer, ignoreNotFound(err)
}

func ignoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
