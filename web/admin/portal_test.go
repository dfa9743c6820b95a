package admin

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/voicemail"
	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/web"
)

const portalPassword = "Portal-pass-2001x"

// portalHarness is adminHarness with voicemail and a web phone address:
// the user portal as an extension user sees it.
type portalHarness struct {
	*adminHarness
	rec *recording.Store
	vm  *voicemail.Store
}

func newPortalHarness(t *testing.T) *portalHarness {
	t.Helper()
	env := browser.Require(t)
	st := memStore(t)
	dir := t.TempDir()
	rec, err := recording.Open(st, filepath.Join(dir, "recordings"))
	if err != nil {
		t.Fatal(err)
	}
	vm, err := voicemail.Open(st, rec, filepath.Join(dir, "voicemail"))
	if err != nil {
		t.Fatal(err)
	}
	live := &fakeLive{scripts: dir, gen: 1}
	u := serveAdmin(t, env, &web.API{B: st, L: live, VM: vm, Rec: rec, PhoneURL: ":8443"})
	return &portalHarness{adminHarness: &adminHarness{t: t, st: st, live: live, ui: u}, rec: rec, vm: vm}
}

// message deposits a voicemail of d (8 kHz 16-bit mono, a quiet ramp)
// into box and returns its ID.
func (p *portalHarness) message(box, caller, name string, d time.Duration) string {
	p.t.Helper()
	id, path, err := p.rec.Create(recording.Meta{Kind: recording.KindProgram})
	must(p.t, err)
	n := uint32(d.Milliseconds() * 16)
	body := recording.AppendWAVHeader(nil, 1, 8000, n)
	for i := range n {
		body = append(body, byte(i%32))
	}
	must(p.t, os.WriteFile(path, body, 0o600))
	must(p.t, p.rec.Finish(id, 0))
	_, err = p.vm.Deposit(box, id, caller, name)
	must(p.t, err)
	return id
}

// An extension user logs in with its number and SIP password and gets
// the portal instead of the admin pages: voicemail (play, which marks it
// heard, and delete; the unread badge follows), the PIN, the call
// history a page at a time, DND and forwarding, a contact added, edited
// and deleted, and the web phone's link; a screenshot of each page.
func TestPortalUI(t *testing.T) {
	p := newPortalHarness(t)
	u := p.ui
	must(t, p.st.CreateExtension(store.Extension{Number: "2001", Name: "Pat Portal", Password: portalPassword}))
	must(t, p.st.CreateExtension(store.Extension{Number: "2002", Name: "Bob", Password: "Other-pass-2002x"}))
	older := p.message("2001", "2002", "Bob", 1500*time.Millisecond)
	newer := p.message("2001", "+4930123456", "", time.Second)
	others := p.message("2002", "2001", "Pat", time.Second)
	start := time.Now().Add(-5 * time.Hour).Truncate(time.Second)
	for i := range 30 {
		from, to := "2001", "2002"
		if i%3 == 0 {
			from, to = "2002", "2001"
		}
		status := "answered"
		if i%5 == 0 {
			status = "no_answer"
		}
		must(t, p.st.AddCDR(&store.CDR{CallID: fmt.Sprint("c", i), Caller: from, CallerName: "Caller " + from, Callee: to, Direction: "internal",
			StartTime: start.Add(time.Duration(i) * time.Minute), EndTime: start.Add(time.Duration(i)*time.Minute + 42*time.Second),
			TalkSeconds: 40, Status: status, EndedReason: "caller_hangup"}))
	}
	must(t, p.st.AddCDR(&store.CDR{CallID: "not-mine", Caller: "2002", Callee: "3000", Direction: "internal",
		StartTime: start, EndTime: start.Add(time.Second), Status: "answered", EndedReason: "caller_hangup"}))

	// Log in as the extension: the portal's navigation, not the admin's.
	u.Open("/admin/")
	u.Wait("#login-form")
	u.Fill("#login-user", "2001")
	u.Fill("#login-password", portalPassword)
	u.Click("#login-submit")
	u.Wait("#nav a[data-page=my-voicemail]")
	var navIDs string
	u.Eval(`[...document.querySelectorAll('#nav a')].map((a) => a.dataset.page).join(',')`, &navIDs)
	if navIDs != "my-voicemail,my-calls,my-forwarding,my-contacts,my-phone" {
		t.Fatalf("navigation: %s", navIDs)
	}
	u.WaitText("#nav a[data-page=my-voicemail] .badge", "2")

	// Voicemail: the user's two messages, newest first; not 2002's.
	u.Wait("html[data-page=my-voicemail] tr[data-id='" + older + "']")
	var ids string
	u.Eval(`[...document.querySelectorAll('.main tbody tr')].map((r) => r.dataset.id).join(',')`, &ids)
	if ids != newer+","+older || strings.Contains(ids, others) {
		t.Fatalf("messages %s, want %s,%s", ids, newer, older)
	}
	u.Shot("portal-voicemail")
	u.Click("tr[data-id='" + older + "'] .vm-play")
	var dur float64
	u.Until(`(() => { const a = document.querySelector('#vm-player audio'); return a && !a.error && a.readyState >= 1 && a.duration; })()`, &dur)
	if dur < 1.4 || dur > 1.6 {
		t.Errorf("the player's duration is %v s, want 1.5", dur)
	}
	u.WaitText("#nav a[data-page=my-voicemail] .badge", "1")
	if m, err := p.vm.Message("2001", older); err != nil || m.Folder != voicemail.FolderSaved {
		t.Fatalf("after playing: %+v %v", m, err)
	}
	u.Shot("portal-voicemail-playing")
	u.Click("tr[data-id='" + newer + "'] .vm-delete")
	u.Wait("#confirm[open]")
	u.Shot("portal-voicemail-delete-confirm")
	u.Click("#confirm-ok")
	u.WaitHidden("tr[data-id='" + newer + "']")
	u.WaitHidden("#nav a[data-page=my-voicemail] .badge")
	if n, s, _ := p.vm.Counts("2001"); n != 0 || s != 1 {
		t.Fatalf("2001 after delete: %d new, %d saved", n, s)
	}
	if n, _, _ := p.vm.Counts("2002"); n != 1 {
		t.Fatal("2002's message is gone")
	}
	// The PIN: a bad one is refused at the field.
	u.Fill("#vm-pin", "12")
	u.Click("#pin-save")
	u.WaitText("#vm-pin-error", "invalid pin")
	u.Fill("#vm-pin", "24680")
	u.Click("#pin-save")
	u.WaitText(".toast", "PIN changed")
	if !p.vm.CheckPIN("2001", "24680") {
		t.Fatal("the PIN was not set")
	}

	// Call history: 30 calls, 25 on the first page, newest first.
	p.nav("my-calls")
	u.Wait("#calls-pager")
	var rows int
	u.Eval(`document.querySelectorAll('.main tbody tr').length`, &rows)
	if rows != 25 || !strings.Contains(u.Text("#calls-pager"), "1–25 of 30") {
		t.Fatalf("first page: %d rows, %q", rows, u.Text("#calls-pager"))
	}
	if first := u.Text(".main tbody tr:first-child"); !strings.Contains(first, "2002") || !strings.Contains(first, "out") {
		t.Errorf("newest call (29: 2001 -> 2002): %q", first)
	}
	u.Shot("portal-calls")
	u.Click("#calls-next")
	u.WaitText("#calls-pager", "26–30 of 30")
	u.Eval(`document.querySelectorAll('.main tbody tr').length`, &rows)
	if rows != 5 {
		t.Fatalf("second page: %d rows", rows)
	}
	var nextDisabled bool
	u.Eval(`document.querySelector('#calls-next').disabled`, &nextDisabled)
	if !nextDisabled {
		t.Error("Older stays enabled on the last page")
	}
	u.Click("#calls-prev")
	u.WaitText("#calls-pager", "1–25 of 30")

	// Forwarding and DND: a bad target is refused at its field.
	p.nav("my-forwarding")
	u.Click("#fwd-dnd")
	u.Fill("[id='fwd-forward.busy']", "12ab")
	u.Click("#fwd-save")
	u.WaitText("[id='fwd-forward.busy-error']", "invalid forward.busy")
	u.Fill("[id='fwd-forward.busy']", "2002")
	u.Fill("[id='fwd-forward.no_answer']", "+4930999")
	u.Click("#fwd-save")
	u.WaitText(".toast", "Forwarding saved")
	e, err := p.st.GetExtension("2001")
	must(t, err)
	if f := e.Features; !f.DND || f.Forward["busy"] != "2002" || f.Forward["no_answer"] != "+4930999" || len(f.Forward) != 2 {
		t.Fatalf("features: %+v", f)
	}
	u.Shot("portal-forwarding")

	// Contacts: add (a bad number first), edit, delete.
	p.nav("my-contacts")
	u.Wait(".main .empty")
	u.Click("#contact-add")
	u.Fill("#contact-name", "Alice Example")
	u.Fill("#contact-number", "call me")
	u.Click("#contact-save")
	u.WaitText("#contact-number-error", "invalid number")
	u.Fill("#contact-number", "+4930123456")
	u.Click("#contact-save")
	u.WaitText(".main tbody tr", "Alice Example")
	list, err := p.st.ListContacts("2001")
	if err != nil || len(list) != 1 || list[0].Number != "+4930123456" {
		t.Fatalf("contacts: %+v %v", list, err)
	}
	u.Click("#contact-add")
	u.Fill("#contact-name", "Bob")
	u.Fill("#contact-number", "2002")
	u.Click("#contact-save")
	u.WaitText(".main tbody tr[data-id]:nth-child(2)", "Bob")
	u.Shot("portal-contacts")
	u.Click("tr[data-id='" + list[0].ID + "'] .contact-edit")
	u.Fill("#contact-name", "Alice Z")
	u.Click("#contact-save")
	u.WaitText("tr[data-id='"+list[0].ID+"']", "Alice Z")
	u.Click("tr[data-id='" + list[0].ID + "'] .contact-delete")
	u.Wait("#confirm[open]")
	u.Click("#confirm-ok")
	u.WaitHidden("tr[data-id='" + list[0].ID + "']")
	if list, _ := p.st.ListContacts("2001"); len(list) != 1 || list[0].Name != "Bob" {
		t.Fatalf("contacts after edit and delete: %+v", list)
	}

	// The web phone's link: the HTTPS port on the host the browser used.
	p.nav("my-phone")
	u.Wait("#phone-link")
	var host string
	u.Eval(`location.hostname`, &host)
	if href := u.Attr("#phone-link", "href"); href != "https://"+host+":8443/phone/" {
		t.Errorf("web phone link %q", href)
	}
	u.Shot("portal-phone")

	// The admin pages stay out of reach: an unknown page falls back to
	// the portal's first.
	u.Open("/admin/#/extensions")
	u.Wait("html[data-page=my-voicemail] .page-head h1")
	p.ui.End()
}
