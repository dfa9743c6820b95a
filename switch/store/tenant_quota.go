package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// MaxTenantQuota bounds a tenant's quotas: far above a real tenant, low
// enough that a typo (an extra digit or two) stands out.
const MaxTenantQuota = 1_000_000

// ErrQuota is wrapped by a write refused because a tenant's quota is
// reached (SPEC P11). Such an error is also a *FieldError on "tenant" and
// matches ErrExists, so an API answers 409 as for any other clash with
// what is stored (the request is valid; the state refuses it).
var ErrQuota = errors.New("tenant quota reached")

// QuotaError is a write refused by a tenant's quota.
type QuotaError struct {
	Tenant string
	Limit  int
	fe     FieldError
}

func (e *QuotaError) Error() string { return e.fe.Error() }

// Unwrap gives errors.As the *FieldError (field "tenant") and errors.Is
// ErrQuota and, through the field error, ErrInvalid.
func (e *QuotaError) Unwrap() []error { return []error{&e.fe, ErrQuota} }

// Is makes errors.Is(err, ErrExists) hold: statusOf checks it before
// ErrInvalid, so the API answers 409.
func (e *QuotaError) Is(target error) bool { return target == ErrExists }

func quotaReached(t *Tenant) error {
	return &QuotaError{Tenant: t.Name, Limit: t.MaxExtensions, fe: FieldError{Field: "tenant",
		Reason: fmt.Sprintf("tenant %s: quota of %d extensions reached", t.Name, t.MaxExtensions)}}
}

// validQuotas checks the quotas Validate leaves to it: 0 (no limit) up to
// MaxTenantQuota.
func (t *Tenant) validQuotas() error {
	for _, q := range []struct {
		field string
		v     int
	}{{"max_extensions", t.MaxExtensions}, {"max_calls", t.MaxCalls}} {
		if q.v < 0 || q.v > MaxTenantQuota {
			return invalid(q.field, fmt.Sprintf("must be 0 (no limit) to %d", MaxTenantQuota))
		}
	}
	return nil
}

// lockTenant reads the tenant of a write, in its transaction, and rewrites
// it unchanged: two writes for one tenant (two extensions racing past its
// quota, a delete of the tenant) then conflict, and badger retries the
// later one, which sees the first. A *FieldError on field when there is no
// such tenant.
func lockTenant(txn *badger.Txn, field, name string) (*Tenant, error) {
	item, err := txn.Get(tenantKey(name))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, invalid(field, fmt.Sprintf("no tenant named %q", truncateText(name)))
	} else if err != nil {
		return nil, err
	}
	val, err := item.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	var t Tenant
	if err := decodeItem(item, &t); err != nil {
		return nil, err
	}
	return &t, txn.Set(tenantKey(name), val)
}

// checkExtTenant checks, in the transaction that writes e (old: the record
// it replaces, nil for a new one), that e's tenant exists, that its
// extension quota has room when e joins it, and that a move to another
// tenant leaves no ring group or queue with a member of another tenant,
// nor a destination (of its old tenant's records) sending calls to it.
func checkExtTenant(txn *badger.Txn, e *Extension, old *Extension) error {
	if old != nil && old.Tenant != e.Tenant {
		if err := membersStay(txn, e.Number, e.Tenant); err != nil {
			return err
		}
		if err := destinationInUse(txn, Destination{Kind: DestExtension, Target: e.Number}); err != nil {
			return err
		}
	}
	if e.Tenant == "" {
		return nil
	}
	t, err := lockTenant(txn, "tenant", e.Tenant)
	if err != nil || t.MaxExtensions == 0 || (old != nil && old.Tenant == e.Tenant) {
		return err
	}
	n, err := countTenantExts(txn, t.Name, e.Number)
	if err != nil {
		return err
	}
	if n >= t.MaxExtensions {
		return quotaReached(t)
	}
	return nil
}

// countTenantExts counts the tenant's extensions other than except. The
// byte search skips decoding the others: marshal writes the field as
// "tenant":"NAME" (names need no escaping), and a text field holding that
// would have its quotes escaped.
func countTenantExts(txn *badger.Txn, tenant, except string) (int, error) {
	mark := []byte(`"tenant":"` + tenant + `"`)
	n := 0
	err := iterate(txn, extPrefix, func(item *badger.Item) error {
		if string(item.Key()) == extPrefix+except {
			return nil
		}
		var has bool
		if err := item.Value(func(b []byte) error { has = bytes.Contains(b, mark); return nil }); err != nil || !has {
			return err
		}
		var e Extension
		if err := decodeItem(item, &e); err != nil {
			return err
		}
		if e.Tenant == tenant {
			n++
		}
		return nil
	})
	return n, err
}

// membersStay refuses (a *ConflictError naming it) moving extension number
// to tenant while a ring group or queue of another tenant has it.
func membersStay(txn *badger.Txn, number, tenant string) error {
	if err := iterate(txn, groupPrefix, func(item *badger.Item) error {
		var g Group
		if err := decodeItem(item, &g); err != nil {
			return err
		}
		if g.Tenant != tenant && slices.Contains(g.Members, number) {
			return &ConflictError{Other: "ring group " + g.Number,
				Msg: fmt.Sprintf("tenant: a member of ring group %s of %s: remove it from the group first", g.Number, tenantText(g.Tenant))}
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
		if q.Tenant != tenant && slices.Contains(q.Agents(), number) {
			return &ConflictError{Other: "queue " + q.Number,
				Msg: fmt.Sprintf("tenant: an agent of queue %s of %s: remove it from the queue first", q.Number, tenantText(q.Tenant))}
		}
		return nil
	})
}

// tenantText names a tenant in a message; "" is the switch's own.
func tenantText(name string) string {
	if name == "" {
		return "no tenant"
	}
	return "tenant " + name
}

// checkMembers checks, in the transaction that writes a ring group or a
// queue of tenant, that the tenant exists and that each member (field(i)
// names its field) is an extension of it: a group of no tenant takes
// extensions of no tenant. Each extension is rewritten as refer does, so a
// racing move of one to another tenant conflicts.
func checkMembers(txn *badger.Txn, tenant string, members []string, field func(i int) string) error {
	if tenant != "" {
		if _, err := lockTenant(txn, "tenant", tenant); err != nil {
			return err
		}
	}
	for i, m := range members {
		item, err := txn.Get(extKey(m))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return invalid(field(i), fmt.Sprintf("%s: no such extension", truncateText(m)))
		} else if err != nil {
			return err
		}
		val, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		var e Extension
		if err := decodeItem(item, &e); err != nil {
			return err
		}
		if e.Tenant != tenant {
			return invalid(field(i), fmt.Sprintf("extension %s is of %s, not of %s: members are the group's or queue's tenant's",
				m, tenantText(e.Tenant), tenantText(tenant)))
		}
		if err := txn.Set(extKey(m), val); err != nil {
			return err
		}
	}
	return nil
}

// tenantInUse refuses, in DeleteTenant's transaction, deleting a tenant
// that still has extensions, ring groups or queues: a *ConflictError
// naming the first few.
func tenantInUse(txn *badger.Txn, name string) error {
	var users []string
	mark := []byte(`"tenant":"` + name + `"`)
	for _, k := range []struct{ prefix, noun string }{{extPrefix, "extension"}, {groupPrefix, "ring group"}, {queuePrefix, "queue"}} {
		err := iterate(txn, k.prefix, func(item *badger.Item) error {
			var has bool
			if err := item.Value(func(b []byte) error { has = bytes.Contains(b, mark); return nil }); err != nil || !has {
				return err
			}
			var rec struct {
				Tenant string `json:"tenant"`
			}
			if err := decodeItem(item, &rec); err != nil {
				return err
			}
			if rec.Tenant == name {
				users = append(users, k.noun+" "+strings.TrimPrefix(string(item.Key()), k.prefix))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(users) == 0 {
		return nil
	}
	const shown = 5
	list := strings.Join(users[:min(len(users), shown)], ", ")
	if len(users) > shown {
		list += fmt.Sprintf(" and %d more", len(users)-shown)
	}
	return &ConflictError{Other: users[0],
		Msg: fmt.Sprintf("in use by %s: move or delete them first", list)}
}
