package lua

import "testing"

// voicemail.box(number, tenant) shows a box only to a caller of the box
// extension's tenant ("" the switch's own): another tenant's box is nil,
// as one that does not exist; without the tenant argument every box is.
func TestVoicemailBoxOfTenant(t *testing.T) {
	vm, _ := voicemailFixture(t) // boxes 1001 and 1002
	dir := testDir{"1001": {Number: "1001", Tenant: "acme"}, "1002": {Number: "1002"}}
	o := Options{Voicemail: vm, Directory: dir}
	for _, c := range []struct{ body, want string }{
		{`return tostring(voicemail.box("1001", "acme") ~= nil)`, "true"},
		{`return tostring(voicemail.box("1001", "beta"))`, "nil"},
		{`return tostring(voicemail.box("1001", ""))`, "nil"},
		{`return tostring(voicemail.box("1002", "") ~= nil)`, "true"},
		{`return tostring(voicemail.box("1002", "acme"))`, "nil"},
		{`return tostring(voicemail.box("1001") ~= nil) .. tostring(voicemail.box("1001", nil) ~= nil)`, "truetrue"},
		{`return tostring(voicemail.box("1003", "acme"))`, "nil"},
		{`return tostring(pcall(voicemail.box, "1001", {}))`, "false"},
	} {
		if got := eval(t, o, c.body); got != c.want {
			t.Errorf("%s: got %q, want %q", c.body, got, c.want)
		}
	}
	// Without a directory nothing is known of tenants: every box is the
	// switch's own.
	o.Directory = nil
	if got := eval(t, o, `return tostring(voicemail.box("1001", "acme")) .. tostring(voicemail.box("1001", "") ~= nil)`); got != "niltrue" {
		t.Errorf("no directory: got %q", got)
	}
}
