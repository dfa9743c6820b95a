package admin

import (
	"slices"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/auth"
)

const (
	tenantAdmin         = "acme-admin"
	tenantAdminPassword = "Acme-admin-42-blue"
)

// TestTenantUI: acme's tenant admin logs in and sees only acme's
// extension, creates one (into acme without choosing) and edits its
// phone settings (codecs reordered, DTMF, language, pickup group,
// voicemail off); then the admin sees every extension, gets a field error
// for a bad permitted network, and the tenants page shows acme's quota
// use.
func TestTenantUI(t *testing.T) {
	a := newAdminHarness(t)
	u := a.ui
	for _, tn := range []string{"acme", "globex"} {
		must(t, a.st.PutTenant(store.Tenant{Name: tn, Domain: tn + ".example.com", MaxExtensions: 50, MaxCalls: 4}))
	}
	for n, tn := range map[string]string{"2001": "acme", "3001": "globex", "1001": ""} {
		must(t, a.st.CreateExtension(store.Extension{Number: n, Name: "Ext " + n, Tenant: tn, Password: "Secret-" + n + "-pw"}))
	}
	hash, err := auth.HashPassword(tenantAdminPassword)
	must(t, err)
	must(t, a.st.CreateUser(store.User{Name: tenantAdmin, Role: auth.RoleTenantAdmin, Tenant: "acme", Password: hash}))

	// The tenant admin: acme's extensions only.
	u.Open("/admin/")
	u.Wait("#login-form")
	u.Fill("#login-user", tenantAdmin)
	u.Fill("#login-password", tenantAdminPassword)
	u.Click("#login-submit")
	u.Wait("#nav a[data-page=dashboard]")
	a.nav("extensions")
	u.Wait("tr[data-id='2001']")
	u.WaitText("#ext-usage", "1 / 50 extensions")
	if rows := tableRows(u); !slices.Equal(rows, []string{"2001"}) {
		t.Fatalf("the tenant admin's extensions: %v, want 2001 alone", rows)
	}
	u.Shot("tenant-extensions")

	// Create 2002: no tenant to choose, acme's all the same.
	u.Click("#ext-add")
	u.Wait("#ext-form")
	if n := countSel(u, "#ext-tenant"); n != 0 {
		t.Errorf("the tenant admin is offered a tenant choice")
	}
	u.Fill("#ext-number", "2002")
	u.Fill("#ext-name", "Dora")
	u.Click("#ext-save")
	u.Wait("tr[data-id='2002']")
	e, err := a.st.GetExtension("2002")
	if err != nil || e.Tenant != "acme" {
		t.Fatalf("created 2002: %+v, %v; want tenant acme", e, err)
	}
	password := e.Password

	// Edit its settings: G722 first then PCMA, DTMF by SIP INFO, German
	// prompts, pickup group 3, no voicemail.
	u.Click("a[aria-label='Edit extension 2002']")
	u.Wait("#ext-edit-form")
	u.Click("#ext-codecs li[data-codec=G722] input")
	u.Click("#ext-codecs li[data-codec=PCMA] input")
	u.Click("button[aria-label='Move G722 up']")
	u.Click("button[aria-label='Move G722 up']")
	u.Eval(`document.querySelector('#ext-dtmf_mode').value = 'info'`, nil)
	u.Fill("#ext-language", "de")
	u.Fill("#ext-pickup_group", "3")
	u.Click("#ext-voicemail")
	u.Shot("tenant-extension-settings")
	u.Click("#ext-edit-save")
	u.WaitText(".toast", "Extension 2002 saved")
	e, err = a.st.GetExtension("2002")
	if err != nil || !slices.Equal(e.Codecs, []string{"G722", "PCMA"}) || e.DTMFMode != "info" || e.Language != "de" ||
		e.PickupGroup != 3 || e.Voicemail == nil || *e.Voicemail || e.CallWaiting == nil || !*e.CallWaiting ||
		e.Tenant != "acme" || e.Password != password || e.Name != "Dora" {
		t.Fatalf("2002 after the edit: %+v, %v", e, err)
	}
	u.Click("#logout")
	u.Wait("#login-form")

	// The admin: every extension, a tenant choice, a field error at the field.
	a.login()
	a.nav("extensions")
	u.Wait("tr[data-id='3001']")
	if rows := tableRows(u); !slices.Equal(rows, []string{"1001", "2001", "2002", "3001"}) {
		t.Errorf("the admin's extensions: %v", rows)
	}
	u.Click("a[aria-label='Edit extension 2001']")
	u.Wait("#ext-edit-form")
	if v := u.Attr("#ext-tenant", "name"); v != "tenant" {
		t.Errorf("no tenant choice for the admin")
	}
	u.Fill("#ext-permit_ip", "192.0.2.0/24\nnot-a-network")
	u.Click("#ext-edit-save")
	u.WaitText("[data-field=permit_ip] .field-error", "permit_ip")
	if v := u.Attr("#ext-permit_ip", "aria-invalid"); v != "true" {
		t.Errorf("the permit_ip field's aria-invalid = %q, want true", v)
	}
	u.Shot("extension-settings-invalid")
	if e, _ := a.st.GetExtension("2001"); len(e.PermitIP) != 0 {
		t.Errorf("2001 changed despite the error: %+v", e.PermitIP)
	}

	// The tenants page: acme's quota use.
	a.nav("tenants")
	u.WaitText(".usage[data-tenant=acme]", "2 / 50 extensions")
	u.WaitText(".usage[data-tenant=globex]", "1 / 50 extensions")
	u.Shot("tenants")
	u.Click("a[href='#/tenants/acme']")
	u.Wait("#tenants-form")
	u.Fill("#tenants-max_calls", "8")
	u.Click("#tenants-save")
	u.WaitText(".toast", "Tenant acme saved")
	if tn, err := a.st.GetTenant("acme"); err != nil || tn.MaxCalls != 8 || tn.MaxExtensions != 50 {
		t.Errorf("acme after the edit: %+v, %v", tn, err)
	}
}

// tableRows are the row IDs of the page's list, sorted.
func tableRows(u interface{ Eval(string, any) }) []string {
	var ids []string
	u.Eval(`[...document.querySelectorAll('.list tbody tr[data-id]')].map((r) => r.dataset.id).sort()`, &ids)
	return ids
}

func countSel(u interface{ Eval(string, any) }, sel string) int {
	var n int
	u.Eval(`document.querySelectorAll(`+"`"+sel+"`"+`).length`, &n)
	return n
}
