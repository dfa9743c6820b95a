package subscribe

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
)

const mwi = "message-summary"

// own subscribes c to its own mailbox with auth and returns the 200.
func (c *subscriber) own(t testing.TB, expires int, hdrs ...gosip.Header) *gosip.Response {
	t.Helper()
	c.callID = ""
	res := c.subscribe(t, func() *gosip.Request { return c.request(c.user, mwi, expires, hdrs...) })
	if res.StatusCode != 200 {
		t.Fatalf("subscribe: %d %s, want 200", res.StatusCode, res.Reason)
	}
	return res
}

// checkNotify asserts the dialog fields, the state and the body of a NOTIFY.
func checkNotify(t *testing.T, c *subscriber, in incoming, state string, body ...string) {
	t.Helper()
	req := in.req
	if got := header(req, "Event"); got != mwi {
		t.Errorf("Event = %q, want %q", got, mwi)
	}
	if got := header(req, "Subscription-State"); !strings.HasPrefix(got, state) {
		t.Errorf("Subscription-State = %q, want prefix %q", got, state)
	}
	if got := req.CallID().Value(); got != c.callID {
		t.Errorf("Call-ID = %q, want %q", got, c.callID)
	}
	if got, _ := req.From().Params.Get("tag"); got != c.toTag || got == "" {
		t.Errorf("From tag = %q, want our dialog's To tag %q", got, c.toTag)
	}
	if got, _ := req.To().Params.Get("tag"); got != c.fromTag {
		t.Errorf("To tag = %q, want %q", got, c.fromTag)
	}
	if got := req.Recipient.String(); got != (&gosip.Uri{Scheme: "sip", User: c.user, Host: "127.0.0.1", Port: int(c.addr.Port())}).String() {
		t.Errorf("Request-URI = %s, want our Contact", got)
	}
	if req.Contact() == nil || req.MaxForwards() == nil {
		t.Error("NOTIFY lacks Contact or Max-Forwards")
	}
	b := string(req.Body())
	for _, want := range body {
		if !strings.Contains(b, want) {
			t.Errorf("body %q lacks %q", b, want)
		}
	}
	if len(body) > 0 && header(req, "Content-Type") != "application/simple-message-summary" {
		t.Errorf("Content-Type = %q", header(req, "Content-Type"))
	}
}

func TestSubscribeNotifyRefreshUnsubscribe(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	c := newSubscriber(t, e, "1001")

	first := c.do(t, c.request("1001", mwi, 600))
	if first.StatusCode != 401 {
		t.Fatalf("unauthenticated SUBSCRIBE: %d, want 401", first.StatusCode)
	}
	if e.srv.Count() != 0 {
		t.Fatal("a challenged SUBSCRIBE created a subscription")
	}
	res := c.own(t, 600)
	if got := header(res, "Expires"); got != "600" {
		t.Errorf("Expires = %q, want 600", got)
	}
	if res.Contact() == nil {
		t.Error("200 lacks Contact")
	}
	in := c.next(t)
	checkNotify(t, c, in, "active;expires=", "Messages-Waiting: no\r\n", "Voice-Message: 0/0 (0/0)\r\n",
		"Message-Account: sip:1001@127.0.0.1\r\n")
	seq := in.req.CSeq().SeqNo

	e.boxes.set("1001", 2, 0)
	if n := e.srv.Notify(mwi, "1001"); n != 1 {
		t.Fatalf("Notify told %d subscriptions, want 1", n)
	}
	if n := e.srv.Notify(mwi, "1002"); n != 0 {
		t.Fatalf("Notify(1002) told %d subscriptions, want 0", n)
	}
	in = c.next(t)
	checkNotify(t, c, in, "active;expires=", "Messages-Waiting: yes\r\n", "Voice-Message: 2/0 (0/0)\r\n")
	if in.req.CSeq().SeqNo <= seq {
		t.Errorf("NOTIFY CSeq %d after %d", in.req.CSeq().SeqNo, seq)
	}
	seq = in.req.CSeq().SeqNo

	// Refresh in the dialog: no challenge, a new expiry, a NOTIFY.
	res = c.do(t, c.request("1001", mwi, 1200))
	if res.StatusCode != 200 || header(res, "Expires") != "1200" {
		t.Fatalf("refresh: %d Expires %q, want 200 and 1200", res.StatusCode, header(res, "Expires"))
	}
	in = c.next(t)
	checkNotify(t, c, in, "active;expires=1", "Voice-Message: 2/0")
	if in.req.CSeq().SeqNo <= seq {
		t.Errorf("NOTIFY CSeq %d after %d", in.req.CSeq().SeqNo, seq)
	}

	// Unsubscribe: 200 with Expires 0, a terminated NOTIFY, then gone.
	res = c.do(t, c.request("1001", mwi, 0))
	if res.StatusCode != 200 || header(res, "Expires") != "0" {
		t.Fatalf("unsubscribe: %d Expires %q, want 200 and 0", res.StatusCode, header(res, "Expires"))
	}
	checkNotify(t, c, c.next(t), "terminated;reason=timeout", "Voice-Message: 2/0")
	e.waitCount(t, 0)
	if res := c.do(t, c.request("1001", mwi, 600)); res.StatusCode != 481 {
		t.Errorf("refresh after unsubscribe: %d, want 481", res.StatusCode)
	}
}

func TestSubscribeExpires(t *testing.T) {
	e := newEnv(t, Config{MinExpires: time.Second, MaxExpires: 7200 * time.Second}, nil)
	c := newSubscriber(t, e, "1001")

	// Default expiry, and a long one cut down to the maximum.
	res := c.own(t, -1)
	if got := header(res, "Expires"); got != "3600" {
		t.Errorf("default Expires = %q, want 3600", got)
	}
	c.next(t)
	res = c.own(t, 999999)
	if got := header(res, "Expires"); got != "7200" {
		t.Errorf("clamped Expires = %q, want 7200", got)
	}
	c.next(t)
	e.waitCount(t, 2)

	// A subscription that is not refreshed ends with a terminated NOTIFY.
	c.own(t, 1)
	checkNotify(t, c, c.next(t), "active;expires=1", "Voice-Message: 0/0")
	checkNotify(t, c, c.next(t), "terminated;reason=timeout")
	e.waitCount(t, 2)

	// A fetch (Expires 0) gets one terminated NOTIFY with the state.
	e.boxes.set("1001", 1, 4)
	res = c.own(t, 0)
	if got := header(res, "Expires"); got != "0" {
		t.Errorf("fetch Expires = %q, want 0", got)
	}
	checkNotify(t, c, c.next(t), "terminated;reason=timeout", "Messages-Waiting: yes", "Voice-Message: 1/4 (0/0)")
	e.waitCount(t, 2)
}

func TestSubscriberGone(t *testing.T) {
	t.Run("481", func(t *testing.T) {
		e := newEnv(t, Config{}, nil)
		c := newSubscriber(t, e, "1001")
		c.setMode(answer481)
		c.own(t, 600)
		c.next(t)
		e.waitCount(t, 0)
		if n := e.srv.Notify(mwi, "1001"); n != 0 {
			t.Errorf("Notify after 481 told %d subscriptions", n)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		e := newEnv(t, Config{NotifyTimeout: 300 * time.Millisecond}, nil)
		c := newSubscriber(t, e, "1001")
		c.setMode(answerNone)
		c.own(t, 600)
		c.next(t)
		e.waitCount(t, 0)
	})
	t.Run("noresource", func(t *testing.T) {
		e := newEnv(t, Config{}, nil)
		c := newSubscriber(t, e, "1001")
		c.own(t, 600)
		c.next(t)
		e.boxes.remove("1001")
		e.srv.Notify(mwi, "1001")
		in := c.next(t)
		checkNotify(t, c, in, "terminated;reason=noresource")
		if len(in.req.Body()) != 0 {
			t.Errorf("noresource NOTIFY has a body: %q", in.req.Body())
		}
		e.waitCount(t, 0)
	})
}

// NOTIFYs go one at a time; changes during one in flight coalesce into
// the next, which carries the latest state.
func TestNotifyOrderAndCoalescing(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	c := newSubscriber(t, e, "1001")
	c.setMode(answerHold)
	c.own(t, 600)
	first := c.next(t)
	for i := 1; i <= 3; i++ {
		e.boxes.set("1001", i, 0)
		e.srv.Notify(mwi, "1001")
	}
	first.tx.Respond(gosip.NewResponseFromRequest(first.req, 200, "OK", nil))
	second := c.next(t)
	checkNotify(t, c, second, "active", "Voice-Message: 3/0")
	e.boxes.set("1001", 4, 0)
	e.srv.Notify(mwi, "1001")
	second.tx.Respond(gosip.NewResponseFromRequest(second.req, 200, "OK", nil))
	third := c.next(t)
	checkNotify(t, c, third, "active", "Voice-Message: 4/0")
	s1, s2, s3 := first.req.CSeq().SeqNo, second.req.CSeq().SeqNo, third.req.CSeq().SeqNo
	if s2 != s1+1 || s3 != s2+1 {
		t.Errorf("NOTIFY CSeqs %d %d %d: want consecutive (nothing sent between)", s1, s2, s3)
	}
	third.tx.Respond(gosip.NewResponseFromRequest(third.req, 200, "OK", nil))
}

func TestSubscribeRejected(t *testing.T) {
	e := newEnv(t, Config{MinExpires: 60 * time.Second}, nil)
	c := newSubscriber(t, e, "1001")
	for _, tc := range []struct {
		name   string
		req    func() *gosip.Request
		code   int
		header string // a header the answer must carry
		want   string // ... with this value
	}{
		{"unknown event", func() *gosip.Request { return c.request("1001", "presence", 600) }, 489, "Allow-Events", mwi},
		{"no event", func() *gosip.Request { return c.request("1001", "", 600) }, 400, "Allow-Events", mwi},
		{"bad event", func() *gosip.Request { return c.request("1001", "a b", 600) }, 400, "", ""},
		{"two event ids", func() *gosip.Request { return c.request("1001", mwi+";id=1;id=2", 600) }, 400, "", ""},
		{"too brief", func() *gosip.Request { return c.request("1001", mwi, 10) }, 423, "Min-Expires", "60"},
		{"bad expires", func() *gosip.Request { return c.request("1001", mwi, -1, gosip.NewHeader("Expires", "soon")) }, 400, "Warning", ""},
		{"huge expires", func() *gosip.Request { return c.request("1001", mwi, -1, gosip.NewHeader("Expires", "99999999999")) }, 400, "", ""},
		{"not acceptable", func() *gosip.Request {
			return c.request("1001", mwi, 600, gosip.NewHeader("Accept", "application/sdp, text/*"))
		}, 406, "Accept", "application/simple-message-summary"},
		{"body", func() *gosip.Request {
			r := c.request("1001", mwi, 600, gosip.NewHeader("Content-Type", "text/plain"))
			r.SetBody([]byte("hello"))
			return r
		}, 400, "", ""},
		{"no contact", func() *gosip.Request {
			r := c.request("1001", mwi, 600)
			r.RemoveHeader("Contact")
			return r
		}, 400, "", ""},
		{"strict route", func() *gosip.Request {
			return c.request("1001", mwi, 600, gosip.NewHeader("Record-Route", "<sip:127.0.0.1:9>"))
		}, 400, "", ""},
		{"empty user", func() *gosip.Request { return c.request("", mwi, 600) }, 404, "", ""},
		{"other mailbox", func() *gosip.Request { return c.request("1002", mwi, 600) }, 403, "", ""},
		{"unknown dialog", func() *gosip.Request {
			r := c.request("1001", mwi, 600)
			r.To().Params.Add("tag", "nosuchtag")
			return r
		}, 481, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.callID = ""
			res := c.subscribe(t, tc.req)
			if res.StatusCode != tc.code {
				t.Fatalf("%d %s, want %d", res.StatusCode, res.Reason, tc.code)
			}
			if tc.header == "" {
				return
			}
			got := res.GetHeader(tc.header)
			if got == nil {
				t.Fatalf("%d lacks %s", tc.code, tc.header)
			}
			if tc.want != "" && got.Value() != tc.want {
				t.Errorf("%s = %q, want %q", tc.header, got.Value(), tc.want)
			}
		})
	}
	if n := e.srv.Count(); n != 0 {
		t.Errorf("rejected SUBSCRIBEs left %d subscriptions", n)
	}
}

func TestRefreshRules(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	c := newSubscriber(t, e, "1001")
	c.own(t, 600)
	c.next(t)
	// Another package in the same dialog is not ours to serve.
	if res := c.do(t, c.request("1001", mwi+";id=7", 600)); res.StatusCode != 403 {
		t.Errorf("other event id in the dialog: %d, want 403", res.StatusCode)
	}
	// An old CSeq is out of order (RFC 3261 12.2.2).
	c.cseq += 10
	if res := c.do(t, c.request("1001", mwi, 600)); res.StatusCode != 200 {
		t.Fatalf("refresh: %d, want 200", res.StatusCode)
	}
	c.next(t)
	c.cseq -= 5
	if res := c.do(t, c.request("1001", mwi, 600)); res.StatusCode != 500 {
		t.Errorf("old CSeq: %d, want 500", res.StatusCode)
	}
	c.cseq += 10
	// A refresh that is too brief leaves the subscription as it was.
	if res := c.do(t, c.request("1001", mwi, 5)); res.StatusCode != 423 {
		t.Errorf("brief refresh: %d, want 423", res.StatusCode)
	}
	// The wrong remote tag does not match the dialog.
	tag := c.fromTag
	c.fromTag = "intruder"
	if res := c.do(t, c.request("1001", mwi, 600)); res.StatusCode != 481 {
		t.Errorf("wrong From tag: %d, want 481", res.StatusCode)
	}
	c.fromTag = tag
	if res := c.do(t, c.request("1001", mwi, 600)); res.StatusCode != 200 {
		t.Errorf("refresh: %d, want 200", res.StatusCode)
	}
	c.next(t)
	if n := e.srv.Count(); n != 1 {
		t.Errorf("%d subscriptions, want 1", n)
	}
}

func TestSubscribeHook(t *testing.T) {
	var (
		mu    sync.Mutex
		asked []hook.SubscribeRequest
	)
	hooks := newHooks(t, func(r hook.SubscribeRequest) (hook.SubscribeDecision, error) {
		mu.Lock()
		asked = append(asked, r)
		mu.Unlock()
		switch r.To {
		case "1002":
			return hook.SubscribeDecision{}, nil
		case "1003":
			return hook.SubscribeDecision{Reject: true, Code: 603}, nil
		}
		return hook.SubscribeDecision{}, errors.New("script error") // fail-open: allowed
	})
	calls := func() []hook.SubscribeRequest { // the hook runs on the switch's goroutines
		mu.Lock()
		defer mu.Unlock()
		return append([]hook.SubscribeRequest(nil), asked...)
	}
	e := newEnv(t, Config{}, hooks)
	c := newSubscriber(t, e, "1001")
	c.own(t, 600) // its own mailbox: the hook is not asked
	c.next(t)
	if got := calls(); len(got) != 0 {
		t.Fatalf("hook asked about the own mailbox: %+v", got)
	}
	c.callID = ""
	if res := c.subscribe(t, func() *gosip.Request { return c.request("1002", mwi, 600) }); res.StatusCode != 200 {
		t.Fatalf("hook allows 1002: %d, want 200", res.StatusCode)
	}
	in := c.next(t)
	if !strings.Contains(string(in.req.Body()), "Message-Account: sip:1002@") {
		t.Errorf("NOTIFY body for 1002: %q", in.req.Body())
	}
	c.callID = ""
	if res := c.subscribe(t, func() *gosip.Request { return c.request("1003", mwi, 600) }); res.StatusCode != 603 {
		t.Fatalf("hook rejects 1003: %d, want 603", res.StatusCode)
	}
	want := hook.SubscribeRequest{From: "1001", To: "1003", Event: mwi}
	if got := calls(); len(got) != 2 || got[1] != want {
		t.Errorf("hook requests %+v, want the second to be %+v", got, want)
	}
	e.boxes.set("1002", 1, 0)
	if n := e.srv.Notify(mwi, "1002"); n != 1 {
		t.Errorf("Notify(1002) told %d, want 1", n)
	}
}

func TestSubscribeCaps(t *testing.T) {
	e := newEnv(t, Config{MaxPerUser: 2, MaxTotal: 3}, nil)
	a := newSubscriber(t, e, "1001")
	a.own(t, 600)
	a.next(t)
	a.own(t, 600)
	a.next(t)
	kept := a.dlg
	a.callID = ""
	res := a.subscribe(t, func() *gosip.Request { return a.request("1001", mwi, 600) })
	if res.StatusCode != 503 || header(res, "Retry-After") == "" {
		t.Fatalf("over the per-user cap: %d Retry-After %q, want 503 with Retry-After", res.StatusCode, header(res, "Retry-After"))
	}
	b := newSubscriber(t, e, "1002")
	b.own(t, 600)
	b.next(t)
	b.callID = ""
	if res := b.subscribe(t, func() *gosip.Request { return b.request("1002", mwi, 600) }); res.StatusCode != 503 {
		t.Fatalf("over the total cap: %d, want 503", res.StatusCode)
	}
	// Unsubscribing frees a slot.
	a.dlg = kept
	if res := a.do(t, a.request("1001", mwi, 0)); res.StatusCode != 200 {
		t.Fatalf("unsubscribe: %d, want 200", res.StatusCode)
	}
	a.next(t)
	e.waitCount(t, 2)
	b.own(t, 600)
}

// A NOTIFY follows the route set the SUBSCRIBE recorded, in order, to the
// address the SUBSCRIBE came from.
func TestNotifyRouteSet(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	c := newSubscriber(t, e, "1001")
	rr1 := "<sip:127.0.0.1:" + strconv.Itoa(int(c.addr.Port())) + ";lr>"
	rr2 := "<sip:proxy.invalid;lr>"
	res := c.own(t, 600, gosip.NewHeader("Record-Route", rr1+","+rr2))
	if got := res.GetHeaders("Record-Route"); len(got) != 2 {
		t.Errorf("200 echoes %d Record-Route headers, want 2", len(got))
	}
	in := c.next(t)
	routes := in.req.GetHeaders("Route")
	if len(routes) != 2 || routes[0].Value() != rr1 || routes[1].Value() != rr2 {
		var vs []string
		for _, r := range routes {
			vs = append(vs, r.Value())
		}
		t.Errorf("NOTIFY Route = %q, want [%s %s]", vs, rr1, rr2)
	}
	checkNotify(t, c, in, "active")
}

func TestClose(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	c := newSubscriber(t, e, "1001")
	c.setMode(answerHold) // the NOTIFY stays in flight: Close must cut it
	c.own(t, 600)
	c.next(t)
	e.srv.Close()
	if n := e.srv.Count(); n != 0 {
		t.Errorf("%d subscriptions after Close", n)
	}
	if n := e.srv.Notify(mwi, "1001"); n != 0 {
		t.Errorf("Notify after Close told %d", n)
	}
	c.callID = ""
	if res := c.subscribe(t, func() *gosip.Request { return c.request("1001", mwi, 600) }); res.StatusCode != 503 {
		t.Errorf("SUBSCRIBE after Close: %d, want 503", res.StatusCode)
	}
	e.srv.Close() // twice is fine
}
