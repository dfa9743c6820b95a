package registrar

import "github.com/hookswitch/hookswitch/switch/store"

// Tenancies is what a Store also offers when the switch has tenants (SPEC
// P11): the view of their domains.
type Tenancies interface {
	Tenancy() (*store.Tenancy, error)
}

// inDomain says whether ext may register under host (the To URI's host):
// an extension of a tenant under its tenant's domain only (any case), one
// of no tenant under any host that is no tenant's domain, so setups that
// register to an IP address or any name keep working. A store without
// tenants allows every host.
func inDomain(st Store, ext store.Extension, host string) (bool, error) {
	ts, ok := st.(Tenancies)
	if !ok {
		return true, nil
	}
	tv, err := ts.Tenancy()
	if err != nil {
		return false, err
	}
	return tv.ByDomain(host) == ext.Tenant, nil
}
