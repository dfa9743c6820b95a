package store

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// The numbering plan: extensions, ring groups and queues share one number
// space, since a dialled number reaches exactly one of them (the dial plan
// tries extensions, then groups, then queues, so a later one with an
// earlier one's number would never ring). IVRs and conference rooms of the
// store share it too; the menus and rooms of apps.lua are the scripts'.
// The kinds of number owner, as errors say them ("a ring group's number").
const (
	ownerExtension = "an extension"
	ownerGroup     = "a ring group"
	ownerQueue     = "a queue"
	ownerIVR       = "an IVR"
	ownerRoom      = "a conference room"
)

var numberOwners = []struct {
	kind string
	key  func(number string) []byte
}{
	{ownerExtension, extKey},
	{ownerGroup, groupKey},
	{ownerQueue, queueKey},
	{ownerIVR, ivrKey},
	{ownerRoom, roomKey},
}

// numberOwner says, in txn, who has number: one of the owner kinds, or ""
// when it is free.
func numberOwner(txn *badger.Txn, number string) (string, error) {
	for _, o := range numberOwners {
		if _, err := txn.Get(o.key(number)); err == nil {
			return o.kind, nil
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return "", err
		}
	}
	return "", nil
}

// claimNumber refuses (*FieldError on number) a number that another kind
// of record has; one of kind's own is for the writer to judge (it exists,
// or is being replaced). The lookups also make two writers racing for one
// number conflict, so that only one commits.
func claimNumber(txn *badger.Txn, number, kind string) error {
	owner, err := numberOwner(txn, number)
	if err != nil {
		return err
	}
	if owner != "" && owner != kind {
		return invalid("number", fmt.Sprintf("%s is %s's number", number, owner))
	}
	return nil
}
