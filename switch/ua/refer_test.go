package ua

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// fakeCall is an outgoing call the fake switch answered.
type fakeCall struct {
	c   *Call
	inv *gosip.Request
}

func connectFake(t *testing.T, f *fakeSwitch, s *Stack, a *Account, r *recorder, to string) fakeCall {
	t.Helper()
	c, err := a.Call(ctxWait(t), to, "", sdpAt(30000, 1))
	if err != nil {
		t.Fatal(err)
	}
	inv := f.request(t, "INVITE")
	from, _ := net.ResolveUDPAddr("udp", s.Addr().String())
	f.conn.WriteToUDP([]byte(newResponse(inv, 200, sdpAt(40000, 1)).String()), from)
	r.waitState(t, c, CallConnected)
	f.request(t, "ACK")
	return fakeCall{c: c, inv: inv}
}

// reply answers req from the fake switch.
func (f *fakeSwitch) reply(t *testing.T, s *Stack, req *gosip.Request, code int) {
	t.Helper()
	from, _ := net.ResolveUDPAddr("udp", s.Addr().String())
	if _, err := f.conn.WriteToUDP([]byte(gosip.NewResponseFromRequest(req, code, "", nil).String()), from); err != nil {
		t.Fatal(err)
	}
}

// notifyIn sends a NOTIFY of the refer subscription in fc's dialog.
func (f *fakeSwitch) notifyIn(t *testing.T, s *Stack, a *Account, fc fakeCall, cseq int, event, state, body string) *gosip.Response {
	t.Helper()
	head := reqHead(f, a, "NOTIFY", fc.c.ID(), "callee", tagOf(fc.inv.From().Params), cseq,
		"Event: "+event, "Subscription-State: "+state, "Content-Type: message/sipfrag")
	f.send(t, s.Addr(), head, body)
	return f.response(t, "NOTIFY", uint32(cseq))
}

// Record sends an INFO with "Record: on|off" and no body; the switch's
// refusal comes back as its status.
func TestRecord(t *testing.T) {
	t.Parallel()
	f, s, a, r := fakeSetup(t)
	fc := connectFake(t, f, s, a, r, "2000")
	errc := make(chan error, 1)
	go func() { errc <- fc.c.Record(context.Background(), true) }()
	info := f.request(t, "INFO")
	if h := info.GetHeader("Record"); h == nil || h.Value() != "on" || len(info.Body()) != 0 {
		t.Fatalf("INFO:\n%s", info)
	}
	f.reply(t, s, info, 200)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	go func() { errc <- fc.c.Record(context.Background(), false) }()
	info = f.request(t, "INFO")
	if h := info.GetHeader("Record"); h == nil || h.Value() != "off" {
		t.Fatalf("INFO:\n%s", info)
	}
	f.reply(t, s, info, 403)
	if err := <-errc; Status(err) != 403 {
		t.Fatalf("refused recording: %v, want a 403", err)
	}
	if fc.c.State() != CallConnected {
		t.Fatalf("a refused recording ended the call: %s", fc.c.State())
	}
}

// A blind transfer: REFER with Refer-To and Referred-By, the 202, then
// the NOTIFYs' sipfrag statuses up to the final one.
func TestReferBlind(t *testing.T) {
	t.Parallel()
	f, s, a, r := fakeSetup(t)
	fc := connectFake(t, f, s, a, r, "2000")
	if _, err := fc.c.Refer(ctxWait(t), "bad number", nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad target: %v", err)
	}
	type result struct {
		t   *Transfer
		err error
	}
	res := make(chan result, 1)
	go func() {
		tr, err := fc.c.Refer(ctxWait(t), "1003", nil)
		res <- result{tr, err}
	}()
	refer := f.request(t, "REFER")
	if h := refer.GetHeader("Refer-To"); h == nil || h.Value() != "<sip:1003@127.0.0.1>" {
		t.Fatalf("REFER:\n%s", refer)
	}
	if h := refer.GetHeader("Referred-By"); h == nil || !strings.Contains(h.Value(), "sip:1001@") {
		t.Fatalf("REFER:\n%s", refer)
	}
	if refer.CallID().Value() != fc.c.ID() || tagOf(refer.To().Params) != "callee" {
		t.Fatalf("REFER outside the call's dialog:\n%s", refer)
	}
	// The first NOTIFY may beat the 202.
	if n := f.notifyIn(t, s, a, fc, 1, "refer", "active;expires=60", "SIP/2.0 100 Trying\r\n"); n.StatusCode != 200 {
		t.Fatalf("NOTIFY before the 202: %d", n.StatusCode)
	}
	f.reply(t, s, refer, 202)
	got := <-res
	if got.err != nil {
		t.Fatal(got.err)
	}
	tr := got.t
	if tr.Progress() != 100 {
		t.Fatalf("progress %d, want 100", tr.Progress())
	}
	if _, err := fc.c.Refer(ctxWait(t), "1003", nil); !errors.Is(err, ErrPending) {
		t.Fatalf("a second transfer while one is pending: %v", err)
	}
	if n := f.notifyIn(t, s, a, fc, 2, "presence", "active", "SIP/2.0 180 Ringing\r\n"); n.StatusCode != 489 {
		t.Fatalf("NOTIFY of another package: %d, want 489", n.StatusCode)
	}
	if n := f.notifyIn(t, s, a, fc, 3, "refer;id=2", "active", "garbage"); n.StatusCode != 400 {
		t.Fatalf("NOTIFY with a bad sipfrag: %d, want 400", n.StatusCode)
	}
	if n := f.notifyIn(t, s, a, fc, 4, "refer", "active", "SIP/2.0 180 Ringing\r\n"); n.StatusCode != 200 {
		t.Fatalf("NOTIFY: %d", n.StatusCode)
	}
	select {
	case <-tr.Done():
		t.Fatal("done before the final status")
	default:
	}
	if n := f.notifyIn(t, s, a, fc, 5, "refer", "terminated;reason=noresource", "SIP/2.0 200 OK\r\n"); n.StatusCode != 200 {
		t.Fatalf("final NOTIFY: %d", n.StatusCode)
	}
	<-tr.Done()
	if code, reason := tr.Result(); code != 200 || reason != "OK" {
		t.Fatalf("result %d %q, want 200 OK", code, reason)
	}
	// An old CSeq is refused; the call stays up until the switch's BYE.
	if n := f.notifyIn(t, s, a, fc, 5, "refer", "terminated", "SIP/2.0 200 OK\r\n"); n.StatusCode != 500 {
		t.Fatalf("repeated NOTIFY CSeq: %d, want 500", n.StatusCode)
	}
}

// An attended transfer names the other call's dialog in Replaces (to-tag
// the switch's, from-tag ours); a failure's status is the result.
func TestReferAttended(t *testing.T) {
	t.Parallel()
	f, s, a, r := fakeSetup(t)
	first := connectFake(t, f, s, a, r, "2000")
	second := connectFake(t, f, s, a, r, "2001")
	res := make(chan error, 1)
	var tr *Transfer
	go func() {
		var err error
		tr, err = first.c.Refer(ctxWait(t), "2001", second.c)
		res <- err
	}()
	refer := f.request(t, "REFER")
	want := "<sip:2001@127.0.0.1?Replaces=" + escapeHeaderValue(second.c.ID()) + "%3Bto-tag%3Dcallee%3Bfrom-tag%3D" +
		tagOf(second.inv.From().Params) + ">"
	if h := refer.GetHeader("Refer-To"); h == nil || h.Value() != want {
		t.Fatalf("Refer-To %v, want %s", h, want)
	}
	f.reply(t, s, refer, 202)
	if err := <-res; err != nil {
		t.Fatal(err)
	}
	f.notifyIn(t, s, a, first, 1, "refer", "terminated;reason=noresource", "SIP/2.0 486 Busy Here\r\n")
	<-tr.Done()
	if code, _ := tr.Result(); code != 486 {
		t.Fatalf("result %d, want 486", code)
	}
}

// A refused REFER is a *StatusError and leaves the call up; a call that
// ends without the final NOTIFY ends the transfer with no status.
func TestReferRefusedAndCallEnds(t *testing.T) {
	t.Parallel()
	f, s, a, r := fakeSetup(t)
	fc := connectFake(t, f, s, a, r, "2000")
	errc := make(chan error, 1)
	go func() { _, err := fc.c.Refer(ctxWait(t), "1003", nil); errc <- err }()
	f.reply(t, s, f.request(t, "REFER"), 403)
	if err := <-errc; Status(err) != 403 {
		t.Fatalf("refused REFER: %v", err)
	}
	if fc.c.State() != CallConnected {
		t.Fatalf("state %s after a refused REFER", fc.c.State())
	}
	var tr *Transfer
	go func() {
		var err error
		tr, err = fc.c.Refer(ctxWait(t), "1003", nil)
		errc <- err
	}()
	f.reply(t, s, f.request(t, "REFER"), 202)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	f.send(t, s.Addr(), reqHead(f, a, "BYE", fc.c.ID(), "callee", tagOf(fc.inv.From().Params), 1), "")
	r.waitState(t, fc.c, CallDisconnected)
	select {
	case <-tr.Done():
	case <-time.After(3 * wait): // it waits lingerAfterEnd for a late NOTIFY
		t.Fatal("the transfer never ended")
	}
	if code, _ := tr.Result(); code != 0 {
		t.Fatalf("result %d, want 0 (unknown)", code)
	}
	if _, err := fc.c.Refer(ctxWait(t), "1003", nil); !errors.Is(err, ErrCallEnded) {
		t.Fatalf("REFER on an ended call: %v", err)
	}
}

func TestEscapeHeaderValue(t *testing.T) {
	if got := escapeHeaderValue("a1@b.c;to-tag=x_y"); got != "a1%40b.c%3Bto-tag%3Dx_y" {
		t.Fatalf("got %s", got)
	}
}

func TestParseSipfrag(t *testing.T) {
	for body, want := range map[string]int{"SIP/2.0 200 OK\r\n": 200, "SIP/2.0 100 Trying": 100, "SIP/2.0 603": 603,
		"SIP/2.0 20 OK": 0, "SIP/2.0 2000 OK": 0, "HTTP/1.1 200 OK": 0, "": 0, "SIP/2.0 999 X": 0} {
		if got, _, _ := parseSipfrag([]byte(body)); got != want {
			t.Errorf("%q: %d, want %d", body, got, want)
		}
	}
}

// A NOTIFY body is the switch's text: any bytes give a status in
// 100..699 or nothing, never a panic.
func FuzzSipfrag(f *testing.F) {
	for _, s := range []string{"SIP/2.0 200 OK\r\n", "SIP/2.0 100 Trying", "SIP/2.0 4", "SIP/2.0 486 Busy Here\r\nVia: x\r\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, _, ok := parseSipfrag(body)
		if ok != (code != 0) || ok && (code < 100 || code > 699) {
			t.Fatalf("%q: %d %v", body, code, ok)
		}
	})
}
