package integration

import (
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

// A tenant's IVRs and conference rooms are its own, like its extensions:
// another tenant's caller gets 404 for their numbers, its own callers get
// the menu.
func TestTenantIVRsAndRooms(t *testing.T) {
	t.Parallel()
	sw := tenantSwitch(t)
	if err := sw.st.CreateIVR(store.IVR{Number: "3600", Tenant: "beta", Prompts: []string{"ivr/welcome"},
		Keys: map[string]store.Destination{"1": {Kind: store.DestExtension, Target: "3001"}}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.st.CreateRoom(store.Room{Number: "3800", Tenant: "beta"}); err != nil {
		t.Fatal(err)
	}
	a1 := tenantPhone(t, sw, "2001", "acme.example.com")
	b1 := tenantPhone(t, sw, "3001", "beta.example.com")
	for _, n := range []string{"3600", "3800"} {
		if res, _ := a1.dial(t, n).final(t); res.StatusCode != 404 {
			t.Errorf("acme's 2001 -> beta's %s: %d %s, want 404", n, res.StatusCode, res.Reason)
		}
	}
	d := b1.dial(t, "3600").answered(t) // the menu answers its own tenant's caller
	if res := d.bye(t); res.StatusCode != 200 {
		t.Errorf("BYE: %d", res.StatusCode)
	}
}
