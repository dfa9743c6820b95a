package registrar

import (
	"errors"
	"fmt"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Extensions is the part of a store that tenant checks read.
type Extensions interface {
	GetExtension(number string) (store.Extension, error)
}

// Reaches says whether a user (a call, a sender, a subscriber) of tenant
// ("" the switch's own) may reach number: false for an extension, ring
// group, queue, IVR or conference room of another tenant. The rule is symmetric: the switch's
// own users reach no tenant's numbers and no tenant reaches theirs. Any
// other number is true: the dial plan's to route. The calls, MESSAGE and
// SUBSCRIBE all ask it, so the tenants' walls are one rule.
func Reaches(st Extensions, tenant, number string) (bool, error) {
	if e, err := st.GetExtension(number); err == nil {
		return e.Tenant == tenant, nil
	} else if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrInvalid) {
		return false, fmt.Errorf("extension %s: %w", number, err)
	}
	ts, ok := st.(Tenancies)
	if !ok {
		return true, nil
	}
	tv, err := ts.Tenancy()
	if err != nil {
		return false, err
	}
	owner, ok := tv.Owner(number)
	return !ok || owner == tenant, nil
}

// UserTenant is the tenant of an authenticated user: its extension's; ""
// for a user that is no extension (a gateway's account).
func UserTenant(st Extensions, user string) (string, error) {
	e, err := st.GetExtension(user)
	if err == nil {
		return e.Tenant, nil
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return "", nil
	}
	return "", fmt.Errorf("user %s: %w", user, err)
}
