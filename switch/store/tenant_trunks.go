package store

// MayUseTrunk says whether calls of tenant ("" the switch's own) may go
// out through trunk: a tenant's through the trunks it lists (Tenant.Trunks),
// the switch's own through the trunks no tenant lists, which is every
// trunk while no tenant lists any. A trunk a tenant lists is its way out
// (its numbers, its account with the provider), not the switch's.
func (t *Tenancy) MayUseTrunk(tenant, trunk string) bool {
	if tenant != "" {
		i, ok := t.byName[tenant]
		return ok && t.tenants[i].trunkIndex(trunk) >= 0
	}
	for i := range t.tenants {
		if t.tenants[i].trunkIndex(trunk) >= 0 {
			return false
		}
	}
	return true
}
