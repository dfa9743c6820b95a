package integration

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// blfDoc is a dialog-info document (RFC 4235) as a watcher reads it.
type blfDoc struct {
	XMLName xml.Name `xml:"urn:ietf:params:xml:ns:dialog-info dialog-info"`
	Version int      `xml:"version,attr"`
	State   string   `xml:"state,attr"`
	Entity  string   `xml:"entity,attr"`
	Dialogs []struct {
		ID        string `xml:"id,attr"`
		CallID    string `xml:"call-id,attr"`
		Direction string `xml:"direction,attr"`
		State     string `xml:"state"`
		Local     string `xml:"local>identity"`
		Remote    struct {
			Display string `xml:"display,attr"`
			URI     string `xml:",chardata"`
		} `xml:"remote>identity"`
	} `xml:"dialog"`
}

// state sums a document up as a lamp would: idle, ringing or busy, with
// the direction and the other party of its one dialog.
func (d blfDoc) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "v%d %s", d.Version, d.State)
	for _, x := range d.Dialogs {
		fmt.Fprintf(&b, " [%s %s local=%s remote=%q %s]", x.State, x.Direction, x.Local, x.Remote.Display, x.Remote.URI)
	}
	return b.String()
}

// watcher is a phone subscribed to one extension's dialog state. It checks
// every NOTIFY it gets: same subscription, full state, versions 0, 1, 2...
type watcher struct {
	p       *phone
	ext     string
	callID  string
	version int // the next version expected
}

// watch subscribes a new phone of user to ext's dialog package and checks
// the first NOTIFY, which must show idle.
func watch(t *testing.T, sw *testSwitch, user, ext string) *watcher {
	t.Helper()
	p := newPhone(t, sw, user)
	code, _ := subscribeDialog(t, p, ext, true)
	if code != 200 {
		t.Fatalf("%s SUBSCRIBE dialog %s: %d, want 200", user, ext, code)
	}
	w := &watcher{p: p, ext: ext}
	if d := w.next(t); len(d.Dialogs) != 0 {
		t.Fatalf("first NOTIFY of %s: %s, want idle", ext, d)
	}
	return w
}

// subscribeDialog sends SUBSCRIBE Event: dialog for ext from p, with
// credentials if auth, and returns the final status and the dialog's Call-ID.
func subscribeDialog(t *testing.T, p *phone, ext string, auth bool) (int, string) {
	t.Helper()
	d := p.newDialog(sip.GenerateTagN(24), p.aor(p.user), p.aor(ext), p.switchURI(ext))
	req := func(cred string) *sip.Request {
		r := d.request(sip.SUBSCRIBE)
		r.AppendHeader(sip.NewHeader("Event", "dialog"))
		r.AppendHeader(sip.NewHeader("Accept", "application/dialog-info+xml"))
		r.AppendHeader(sip.NewHeader("Expires", "600"))
		if cred != "" {
			r.AppendHeader(sip.NewHeader("Authorization", cred))
		}
		return r
	}
	first := req("")
	res := p.do(t, first)
	if res.StatusCode == 401 && auth {
		res = p.do(t, req(p.authorization(t, res, "WWW-Authenticate", sip.SUBSCRIBE, first.Recipient.String(), 1)))
	}
	return res.StatusCode, d.callID
}

// next reads the next NOTIFY and checks what every NOTIFY must be.
func (w *watcher) next(t *testing.T) blfDoc {
	t.Helper()
	n := recv(t, w.p.notifies, w.p.user+": dialog NOTIFY for "+w.ext)
	if w.callID == "" {
		w.callID = n.CallID().Value()
	} else if n.CallID().Value() != w.callID {
		t.Fatalf("NOTIFY of another dialog: %s", n.CallID().Value())
	}
	if ev := n.GetHeader("Event"); ev == nil || ev.Value() != "dialog" {
		t.Fatalf("NOTIFY Event %v", ev)
	}
	if ct := n.GetHeader("Content-Type"); ct == nil || ct.Value() != "application/dialog-info+xml" {
		t.Fatalf("NOTIFY Content-Type %v", ct)
	}
	var d blfDoc
	if err := xml.Unmarshal(n.Body(), &d); err != nil {
		t.Fatalf("NOTIFY body does not parse: %v\n%s", err, n.Body())
	}
	if d.Version != w.version || d.State != "full" || d.Entity != "sip:"+w.ext+"@127.0.0.1" {
		t.Fatalf("%s watching %s: %s entity %s, want version %d, full state", w.p.user, w.ext, d, d.Entity, w.version)
	}
	w.version++
	return d
}

// until reads NOTIFYs until one satisfies ok (states may coalesce, so the
// ones in between are skipped) and returns it.
func (w *watcher) until(t *testing.T, what string, ok func(blfDoc) bool) blfDoc {
	t.Helper()
	var seen []string
	for range 20 {
		d := w.next(t)
		if ok(d) {
			return d
		}
		seen = append(seen, d.String())
	}
	t.Fatalf("%s watching %s: never %s; saw %v", w.p.user, w.ext, what, seen)
	return blfDoc{}
}

func idle(d blfDoc) bool { return len(d.Dialogs) == 0 }

// one is a predicate: exactly one dialog, in state and direction.
func one(state, direction string) func(blfDoc) bool {
	return func(d blfDoc) bool {
		return len(d.Dialogs) == 1 && d.Dialogs[0].State == state && d.Dialogs[0].Direction == direction
	}
}

// A phone watching 1002 sees it idle, rung by 1001 (with 1001's name),
// talking, and idle again; a phone watching 1001 sees the same call from
// the caller's side.
func TestBLFCallLifecycle(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	b.setPolicy(policyManual, 0)
	wb := watch(t, sw, "1003", "1002")
	wa := watch(t, sw, "1003", "1001")

	const name = "Alice & Bob <Ops>" // XML must escape it
	c := a.dialWith(t, "1002", true, func(r *sip.Request) { r.From().DisplayName = name })
	in := b.waitIncoming(t)
	d := wb.until(t, "ringing", one("early", "recipient"))
	x := d.Dialogs[0]
	if x.Remote.URI != "sip:1001@127.0.0.1" || x.Remote.Display != name || x.Local != "sip:1002@127.0.0.1" {
		t.Errorf("ringing dialog %s: want remote 1001 named %q, local 1002", d, name)
	}
	if x.CallID != in.req.CallID().Value() {
		t.Errorf("ringing dialog call-id %q, want the callee's %q", x.CallID, in.req.CallID().Value())
	}
	ringID := x.ID
	d = wa.until(t, "calling", one("early", "initiator"))
	if d.Dialogs[0].Remote.URI != "sip:1002@127.0.0.1" || d.Dialogs[0].CallID != c.CallID() {
		t.Errorf("caller's dialog %s: want remote 1002, call-id %s", d, c.CallID())
	}

	close(in.release)
	da := c.answered(t)
	db := in.dialog(t)
	d = wb.until(t, "confirmed", one("confirmed", "recipient"))
	if d.Dialogs[0].ID != ringID {
		t.Errorf("dialog id changed from %s to %s at the answer", ringID, d.Dialogs[0].ID)
	}
	wa.until(t, "confirmed", one("confirmed", "initiator"))

	callerHangsUp(t, sw, c.CallID(), da, db)
	wb.until(t, "idle after the hang-up", idle)
	wa.until(t, "idle after the hang-up", idle)
}

// Who may watch what: an unknown extension is 404, a SUBSCRIBE without
// credentials is challenged (the switch is the notifier, a UAS: 401, RFC
// 3261 22.1), a colleague's extension is fine.
func TestBLFSubscribeErrors(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1001")
	if code, _ := subscribeDialog(t, p, "1009", true); code != 404 {
		t.Errorf("unknown extension: %d, want 404", code)
	}
	if code, _ := subscribeDialog(t, p, "1002", false); code != 401 {
		t.Errorf("no credentials: %d, want 401", code)
	}
	wrong := newPhone(t, sw, "1001")
	wrong.password = "not-the-password"
	if code, _ := subscribeDialog(t, wrong, "1002", true); code != 401 && code != 403 {
		t.Errorf("wrong password: %d, want 401 or 403", code)
	}
	if n := sw.srv.Subs.Count(); n != 0 {
		t.Errorf("%d subscriptions after refusals", n)
	}
	if code, _ := subscribeDialog(t, p, "1003", true); code != 200 {
		t.Errorf("a colleague's extension: %d, want 200", code)
	}
}

// A CANCELled call and a busy callee both leave the lamps idle.
func TestBLFCancelAndBusy(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t, noVoicemail) // busy is busy, not a mailbox
	wb := watch(t, sw, "1003", "1002")
	wa := watch(t, sw, "1003", "1001")

	b.setPolicy(policyRing, 0)
	c := a.dial(t, "1002")
	in := b.waitIncoming(t)
	wb.until(t, "ringing", one("early", "recipient"))
	if res := c.cancel(t); res.StatusCode != 200 {
		t.Fatalf("CANCEL: %d", res.StatusCode)
	}
	if res, _ := c.final(t); res.StatusCode != 487 {
		t.Fatalf("canceled INVITE: %d, want 487", res.StatusCode)
	}
	in.waitCanceled(t)
	wb.until(t, "idle after CANCEL", idle)
	wa.until(t, "idle after CANCEL", idle)

	b.setPolicy(policyBusy, 0)
	c = a.dial(t, "1002")
	if res, _ := c.final(t); res.StatusCode != 486 {
		t.Fatalf("busy callee: %d, want 486", res.StatusCode)
	}
	sw.waitCDR(t, c.CallID())
	// The caller's lamp lit and went out. 1002's 486 may overtake its 180
	// (then it never rang): a fresh watcher sees it idle either way.
	wa.until(t, "idle after 486", idle)
	watch(t, sw, "1003", "1002")
}

// 1002 has two phones: one answers, the other loses the fork. Its
// watcher ends up with exactly one, confirmed, dialog.
func TestBLFForkLoser(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	a := newPhone(t, sw, "1001")
	b1, b2 := newPhone(t, sw, "1002"), newPhone(t, sw, "1002")
	for _, p := range []*phone{a, b1, b2} {
		p.mustRegister(t)
	}
	b1.setPolicy(policyManual, 0)
	b2.setPolicy(policyRing, 0)
	w := watch(t, sw, "1003", "1002")

	c := a.dial(t, "1002")
	in1, in2 := b1.waitIncoming(t), b2.waitIncoming(t)
	w.until(t, "both phones ringing", func(d blfDoc) bool {
		return len(d.Dialogs) == 2 && d.Dialogs[0].State == "early" && d.Dialogs[1].State == "early" &&
			d.Dialogs[0].ID != d.Dialogs[1].ID
	})
	close(in1.release)
	da := c.answered(t)
	db := in1.dialog(t)
	in2.waitCanceled(t)
	w.until(t, "one confirmed dialog, the loser gone", one("confirmed", "recipient"))
	callerHangsUp(t, sw, c.CallID(), da, db)
	w.until(t, "idle", idle)
}

// Many watchers of one extension all see each change.
func TestBLFManyWatchers(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	b.setPolicy(policyRing, 0)
	ws := make([]*watcher, 8)
	for i := range ws {
		ws[i] = watch(t, sw, "100"+strconv.Itoa(1+i%3), "1002")
	}
	if n := sw.srv.Subs.Count(); n != len(ws) {
		t.Fatalf("%d subscriptions, want %d", n, len(ws))
	}
	c := a.dial(t, "1002")
	b.waitIncoming(t)
	check := func(what string, ok func(blfDoc) bool) {
		var wg sync.WaitGroup
		for _, w := range ws {
			wg.Add(1)
			// Each watcher reads its own phone; t.Fatal is not for other
			// goroutines, so failures are reported with t.Error.
			go func() {
				defer wg.Done()
				deadline := time.After(wait)
				for {
					select {
					case n := <-w.p.notifies:
						var d blfDoc
						if err := xml.Unmarshal(n.Body(), &d); err != nil || d.Version != w.version {
							t.Errorf("%s: body %v, version %d, want %d", what, err, d.Version, w.version)
							return
						}
						w.version++
						if ok(d) {
							return
						}
					case <-deadline:
						t.Errorf("a watcher never saw %s", what)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	check("ringing", one("early", "recipient"))
	c.cancel(t)
	check("idle", idle)
}
