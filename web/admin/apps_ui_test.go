package admin

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/conference"
	"github.com/hookswitch/hookswitch/switch/media/wav"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/timecond"
	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/web"
	"github.com/hookswitch/hookswitch/web/auth"
)

// fakeRooms is one conference in use: room 8001 with a leader and a
// member.
type fakeRooms struct{ web.Conferences }

func (fakeRooms) List() []conference.Info {
	joined := time.Now().Add(-3 * time.Minute)
	return []conference.Info{{Name: "8001", Recording: true, Members: []conference.MemberInfo{
		{CallID: "conf-a", Number: "2001", Name: "Ann", Admin: true, Joined: joined},
		{CallID: "conf-b", Number: "2002", Name: "Bo", Muted: true, Joined: joined}}}}
}

// pick chooses value in a select as a user does (a change event).
func pick(u *browser.UI, sel, value string) {
	u.Eval(`(() => { const s = document.querySelector(`+jsString(sel)+`); s.value = `+jsString(value)+
		`; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value; })()`, nil)
}

// TestAppsUI: an IVR created through the editor (two prompts in order,
// two keys picked from the extensions), first refused with the error at
// the key whose target is another tenant's; a room's PIN edited from the
// list's live link, which shows who is in the room; a setting changed,
// a bad one refused at its field, and one reset to apps.lua's default.
func TestAppsUI(t *testing.T) {
	env := browser.Require(t)
	st := memStore(t)
	must(t, st.PutTenant(store.Tenant{Name: "acme", Domain: "acme.example.com"}))
	for n, tn := range map[string]string{"1001": "", "2001": "acme", "2002": "acme"} {
		must(t, st.CreateExtension(store.Extension{Number: n, Name: "Ext " + n, Tenant: tn, Password: "Secret-" + n + "-pw"}))
	}
	must(t, st.CreateRoom(store.Room{Number: "8001", Name: "Board", PIN: "1234", AdminPIN: "4321", WaitLeader: true}))
	tc, err := timecond.New("office", "UTC", timecond.Schedule{}, nil)
	must(t, err)
	must(t, st.PutTimeCondition(tc))
	// The admin's own prompt, in two languages, to pick in the editor.
	prompts := t.TempDir()
	for lang, secs := range map[string]int{"en": 2, "de": 3} {
		must(t, os.MkdirAll(filepath.Join(prompts, lang, "sales"), 0o755))
		must(t, os.WriteFile(filepath.Join(prompts, lang, "sales", "intro.wav"), wav.Encode(make([]int16, secs*8000), 8000, 1), 0o644))
	}
	a := &adminHarness{t: t, st: st, live: &fakeLive{}, ui: serveAdmin(t, env, &web.API{B: st, L: &fakeLive{}, Rooms: fakeRooms{}, PromptsDir: prompts})}
	u := a.ui
	a.login()

	// IVRs: the empty state, then the editor.
	a.nav("ivrs")
	u.WaitText(".empty", "No IVRs yet")
	u.Shot("ivrs-empty")
	u.Click("#ivrs-add")
	u.Wait("#ivr-form")
	u.Fill("#ivr-number", "5000")
	u.Fill("#ivr-name", "Main menu")
	pick(u, "#ivr-tenant", "acme")
	u.Click("#ivr-add-prompt")
	u.Click("#ivr-add-prompt")
	u.Fill("#ivr-prompts li:nth-child(1) input", "ivr/main_menu")
	u.Fill("#ivr-prompts li:nth-child(2) input", "ivr/welcome")
	u.Click("#ivr-prompts li:nth-child(2) button[aria-label='Move up']") // welcome first
	// The third is picked from the switch's prompts: the list offers the
	// admin's own with its length; the field then says what it is.
	u.Click("#ivr-add-prompt")
	var label string
	u.Eval(`(document.querySelector('#ivr-prompt-names option[value="sales/intro"]') || {}).label || ''`, &label)
	if label != "2 s · de, en · yours" {
		t.Errorf("the list's sales/intro: %q, want its length, languages and origin", label)
	}
	u.Fill("#ivr-prompts li:nth-child(3) input", "sales/intro")
	u.WaitText("#ivr-prompts li:nth-child(3) .prompt-info", "2 s · de, en · yours")
	u.Fill("#ivr-invalid_prompt", "ivr/no_such_prompt")
	u.WaitText("[data-field=invalid_prompt] .prompt-info[data-state=unknown]", "Not a known prompt")
	u.Fill("#ivr-invalid_prompt", "")
	pick(u, "#ivr-key-1", "extension")
	pick(u, "[data-field='keys.1'] .dest-target select", "2001")
	pick(u, "#ivr-key-2", "extension")
	pick(u, "[data-field='keys.2'] .dest-target select", "1001") // not acme's
	u.Click("#ivr-save")
	u.WaitText("[data-field='keys.2'] .field-error", "calls stay inside their tenant")
	if v := u.Attr("#ivr-key-2", "aria-invalid"); v != "true" {
		t.Errorf("key 2's aria-invalid = %q, want true", v)
	}
	if n := count(u, "[data-field='keys.1'] .field-error:not([hidden])"); n != 0 {
		t.Errorf("key 1 shows an error too")
	}
	u.Shot("ivr-invalid-target")
	if _, err := st.GetIVR("5000"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the refused IVR: %v, want not found", err)
	}
	// when_closed needs its IVR too: the error lands at that select.
	u.Until(`document.querySelector("[data-field='keys.2'] .dest-target select") && 1`, nil)
	pick(u, "[data-field='keys.2'] .dest-target select", "2002")
	pick(u, "#ivr-when_closed-tc", "office")
	u.Click("#ivr-save")
	u.WaitText("[data-field='when_closed.ivr'] .field-error", "when_closed.ivr")
	pick(u, "#ivr-when_closed-tc", "")
	u.Shot("ivr-editor")
	u.Click("#ivr-save")
	u.Wait("tr[data-id='5000']")
	v, err := st.GetIVR("5000")
	if err != nil || v.Tenant != "acme" || v.Name != "Main menu" || !slices.Equal(v.Prompts, []string{"ivr/welcome", "ivr/main_menu", "sales/intro"}) ||
		len(v.Keys) != 2 || v.Keys["1"] != (store.Destination{Kind: "extension", Target: "2001"}) ||
		v.Keys["2"] != (store.Destination{Kind: "extension", Target: "2002"}) || v.Timeout != store.DefaultIVRTimeout || v.WhenClosed != (store.WhenClosed{}) {
		t.Fatalf("stored IVR: %+v, %v", v, err)
	}
	if got := u.Text("tr[data-id='5000'] td[data-label=Keys]"); got != "2" {
		t.Errorf("keys column %q, want 2", got)
	}
	u.Shot("ivrs")

	// Rooms: the live one is marked; its link opens the editor with who
	// is in; the PIN changes, the rest stays.
	a.nav("rooms")
	u.WaitText("a[data-live='8001']", "live · 2 in")
	u.Shot("rooms")
	u.Click("a[data-live='8001']")
	u.Wait("#room-form")
	u.Wait("#room-live tr[data-id=conf-a]")
	if txt := u.Text("#room-live"); !strings.Contains(txt, "recording") || !strings.Contains(txt, "leader") || !strings.Contains(txt, "muted") {
		t.Errorf("live card %q: want the recording, the leader and a muted member", txt)
	}
	u.Fill("#room-pin", "2468")
	u.Shot("room-editor")
	u.Click("#room-save")
	u.Wait("html[data-page=rooms] tr[data-id='8001']")
	r, err := st.GetRoom("8001")
	if err != nil || r.PIN != "2468" || r.AdminPIN != "4321" || !r.WaitLeader || r.Name != "Board" {
		t.Fatalf("stored room: %+v, %v", r, err)
	}

	// Settings: unset fields show apps.lua's value.
	a.nav("settings")
	u.Wait("#settings-form")
	if o := u.Attr("[data-field=operator]", "data-origin"); o != "default" {
		t.Errorf("operator's origin %q, want default", o)
	}
	u.WaitText("[data-field=operator] .origin", "apps.lua: 1000")
	pick(u, "#set-operator", "1001")
	u.Fill("#set-voicemail-max_seconds", "120")
	u.Fill("#set-voicemail-min_seconds", "500")
	u.Click("#settings-save")
	u.WaitText("[data-field='voicemail.min_seconds'] .field-error", "voicemail.min_seconds")
	if s, _ := st.GetAppSettings(); s.Operator != nil {
		t.Fatalf("settings stored despite the error: %+v", s)
	}
	u.Fill("#set-voicemail-min_seconds", "")
	u.Click("#settings-save")
	u.WaitText(".toast", "Settings saved")
	s, err := st.GetAppSettings()
	if err != nil || s.Operator == nil || *s.Operator != "1001" || s.Voicemail.MaxSeconds == nil || *s.Voicemail.MaxSeconds != 120 ||
		s.Voicemail.MinSeconds != nil || s.BlockAnonymous != nil {
		t.Fatalf("stored settings: %+v, %v", s, err)
	}
	if o := u.Attr("[data-field=operator]", "data-origin"); o != "store" {
		t.Errorf("operator's origin after saving %q, want store", o)
	}
	u.Shot("settings")
	u.Click("button[aria-label='Reset Operator extension to default']")
	u.Wait("[data-field=operator][data-origin=default]")
	s, err = st.GetAppSettings()
	if err != nil || s.Operator != nil || s.Voicemail.MaxSeconds == nil || *s.Voicemail.MaxSeconds != 120 {
		t.Fatalf("settings after the reset: %+v, %v", s, err)
	}
	var shown string
	u.Eval(`document.querySelector('#set-operator').value`, &shown)
	if shown != "1000" {
		t.Errorf("operator shows %q after the reset, want apps.lua's 1000", shown)
	}

	// An operator reads: no add, no save, no reset.
	hash, err := auth.HashPassword("Operator-pw-42-green")
	must(t, err)
	must(t, st.CreateUser(store.User{Name: "olga", Role: auth.RoleOperator, Password: hash}))
	u.Click("#logout")
	u.Wait("#login-form")
	u.Fill("#login-user", "olga")
	u.Fill("#login-password", "Operator-pw-42-green")
	u.Click("#login-submit")
	u.Wait("#nav a[data-page=dashboard]")
	a.nav("ivrs")
	u.Wait("a[aria-label='View IVR 5000']")
	if n := count(u, "#ivrs-add, button[aria-label='Delete IVR 5000']"); n != 0 {
		t.Errorf("the operator may add or delete IVRs (%d controls)", n)
	}
	u.Click("a[aria-label='View IVR 5000']")
	u.Wait("#ivr-form")
	if n := count(u, "#ivr-save, #ivr-form select:not([disabled]), #ivr-form input:not([disabled])"); n != 0 {
		t.Errorf("the operator's IVR view has %d live controls", n)
	}
	a.nav("settings")
	u.Wait("#settings-form")
	if n := count(u, "#settings-save, #settings-form button, #settings-form select:not([disabled])"); n != 0 {
		t.Errorf("the operator's settings page has %d live controls", n)
	}
}
