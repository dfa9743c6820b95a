package ua

import (
	"strings"
	"sync"
	"testing"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media"
	hsip "github.com/hookswitch/hookswitch/switch/sip"
)

// editSDP never panics; what it returns carries the version asked and one
// direction attribute per media section (one in all without media).
func FuzzEditSDP(f *testing.F) {
	f.Add(string(sdpAt(4000, 1)), uint64(2), 1)
	f.Add("v=0\no=- 1 1 IN IP4 ::1\nm=audio 1 RTP/AVP 0\nm=video 0 RTP/AVP 9\na=inactive\n", uint64(1<<62), 3)
	f.Add("o=a b c d e f\r\n\r\n", uint64(0), 4)
	f.Fuzz(func(t *testing.T, in string, version uint64, d int) {
		version &= 1<<63 - 1
		dir := media.Direction(1 + (d&3)%4)
		out, err := editSDP([]byte(in), dir, version)
		if err != nil {
			return
		}
		if v, err := sdpVersion(out); err != nil || v != version {
			t.Fatalf("version %d %v, want %d\n%q", v, err, version, out)
		}
		sections := max(strings.Count("\r\n"+string(out), "\r\nm="), 1)
		if n := strings.Count(string(out), "\r\na="+dir.String()+"\r\n"); n < sections {
			t.Fatalf("%d %s attributes for %d sections\n%q", n, dir, sections, out)
		}
		again, err := editSDP(out, dir, version)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not stable: %v\n%q\n%q", err, out, again)
		}
	})
}

// ParseMessageSummary never panics and never returns negative counts.
func FuzzParseMessageSummary(f *testing.F) {
	f.Add("Messages-Waiting: yes\r\nMessage-Account: sip:1001@h\r\nVoice-Message: 2/5 (0/0)\r\n")
	f.Add("Messages-Waiting: no\n")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ParseMessageSummary([]byte(in))
		if err == nil && (m.New < 0 || m.Old < 0 || m.NewUrgent < 0 || m.OldUrgent < 0) {
			t.Fatalf("%+v from %q", m, in)
		}
	})
}

// fakeTx is a server transaction that records the responses.
type fakeTx struct {
	mu    sync.Mutex
	codes []int
	done  chan struct{}
}

func (tx *fakeTx) Respond(res *gosip.Response) error {
	tx.mu.Lock()
	tx.codes = append(tx.codes, res.StatusCode)
	tx.mu.Unlock()
	return nil
}
func (tx *fakeTx) Acks() <-chan *gosip.Request          { return nil }
func (tx *fakeTx) OnCancel(gosip.FnTxCancel) bool       { return true }
func (tx *fakeTx) OnTerminate(gosip.FnTxTerminate) bool { return true }
func (tx *fakeTx) Terminate()                           {}
func (tx *fakeTx) Done() <-chan struct{}                { return tx.done }
func (tx *fakeTx) Err() error                           { return nil }
func (tx *fakeTx) final() (int, bool) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	for _, c := range tx.codes {
		if c >= 200 {
			return c, true
		}
	}
	return 0, false
}

// Whatever request the switch's address sends, the handlers answer it
// (once, finally, unless it is an ACK) and never panic. The account takes
// calls and refuses them at once, so an INVITE's handler returns.
func FuzzHandlers(f *testing.F) {
	sw := newFakeSwitch(f)
	s := newStack(f, sw.addr)
	var a *Account
	a, _ = register(f, s, "1001")
	// Replace the recorder's events: refuse every call at once.
	a.ev.Incoming = func(c *Call) { c.Reject(486, "") }
	user := a.contact.User
	for _, seed := range []string{
		reqHead(sw, a, "INVITE", "c1", "t1", "", 1, "Content-Type: application/sdp") + "Content-Length: 0\n\n",
		reqHead(sw, a, "MESSAGE", "c2", "t1", "", 1) + "Content-Length: 2\n\nhi",
		reqHead(sw, a, "NOTIFY", "c3", "t1", "x", 1, "Event: message-summary", "Subscription-State: terminated;reason=x") + "Content-Length: 0\n\n",
		reqHead(sw, a, "BYE", "c4", "t1", "y", 1) + "Content-Length: 0\n\n",
		reqHead(sw, a, "INFO", "c5", "t1", "y", 1) + "Content-Length: 0\n\n",
		reqHead(sw, a, "OPTIONS", "c6", "t1", "", 1) + "Content-Length: 0\n\n",
	} {
		f.Add(strings.ReplaceAll(seed, "\n", "\r\n"), string(sdpAt(4000, 1)))
	}
	handlers := map[gosip.RequestMethod]func(*gosip.Request, gosip.ServerTransaction){
		gosip.INVITE: s.onInvite, gosip.ACK: s.onAck, gosip.BYE: s.onBye, gosip.CANCEL: s.onCancel, gosip.INFO: s.onInfo,
		gosip.NOTIFY: s.onNotify, gosip.MESSAGE: s.onMessage, gosip.OPTIONS: s.onOptions,
	}
	f.Fuzz(func(t *testing.T, head, body string) {
		msg, err := gosip.ParseMessage([]byte(strings.TrimSuffix(head, "\r\n\r\n") + "\r\n\r\n"))
		if err != nil {
			return
		}
		req, ok := msg.(*gosip.Request)
		if !ok {
			return
		}
		if req.Recipient.User == "1001" {
			req.Recipient.User = user
		}
		if len(body) > 0 {
			req.SetBody([]byte(body))
		}
		req.SetSource(sw.addr.String())
		h := handlers[req.Method]
		if h == nil {
			h = s.onOther
		}
		tx := &fakeTx{done: make(chan struct{})}
		if hsip.Validate(req) != nil {
			return // the stack answers it before our handlers (switch/sip)
		}
		s.guard(h)(req, tx)
		if _, ok := tx.final(); !ok && !req.IsAck() {
			t.Fatalf("%s answered with %v, no final response", req.Method, tx.codes)
		}
	})
}
