package ua

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	hsip "github.com/hookswitch/hookswitch/switch/sip"
)

// referTimeout bounds how long a transfer waits for its final NOTIFY: a
// blind transfer's target may ring for minutes.
const referTimeout = 3 * time.Minute

// Transfer is a REFER we sent in a call (RFC 3515) and its outcome, which
// the switch reports in NOTIFYs of the implicit "refer" subscription
// carrying message/sipfrag status lines.
type Transfer struct {
	c    *Call
	key  string // the call's dialog key: NOTIFYs arrive in its dialog
	done chan struct{}

	mu     sync.Mutex
	last   int // the latest sipfrag status
	code   int
	reason string
	over   bool
}

// Refer asks the switch to transfer the other party of this connected
// call. Without replaces it is a blind transfer to target (a user part);
// with replaces (another connected call of ours) it is an attended
// transfer that connects this call's other party with replaces' other
// party (RFC 3891: the Replaces names that dialog as the switch sees it).
// It returns once the switch accepted the REFER (202); the outcome comes
// with Transfer.Done. A refusal is a *StatusError; 481 or 408 end the
// call. One transfer at a time per call (ErrPending).
func (c *Call) Refer(ctx context.Context, target string, replaces *Call) (*Transfer, error) {
	if !validUser(target) {
		return nil, invalid("transfer target %q", clip(target))
	}
	if err := c.referable(); err != nil {
		return nil, err
	}
	uri := "sip:" + target + "@" + c.a.aor.Host
	if replaces != nil {
		if replaces == c || replaces.s != c.s {
			return nil, invalid("replaces: not another call of this stack")
		}
		if err := replaces.referable(); err != nil {
			return nil, fmt.Errorf("ua: refer %s: replaces %s: %w", c.ID(), replaces.ID(), err)
		}
		d := replaces.d
		d.mu.Lock()
		rep := d.callID + ";to-tag=" + d.remoteTag + ";from-tag=" + d.localTag
		d.mu.Unlock()
		uri += "?Replaces=" + escapeHeaderValue(rep)
	}
	t := &Transfer{c: c, key: c.d.key(), done: make(chan struct{})}
	s := c.s
	s.mu.Lock()
	if old := s.refers[t.key]; old != nil && !old.finished() {
		s.mu.Unlock()
		return nil, ErrPending
	}
	s.refers[t.key] = t // before the REFER: the first NOTIFY may beat the 202
	s.mu.Unlock()
	req := c.d.request(gosip.REFER, 0)
	req.AppendHeader(gosip.NewHeader("Refer-To", "<"+uri+">"))
	req.AppendHeader(gosip.NewHeader("Referred-By", "<"+c.a.aor.String()+">"))
	res, err := c.inDialog(ctx, req)
	if err == nil && !res.IsSuccess() {
		if res.StatusCode == 481 || res.StatusCode == 408 {
			c.end(res.StatusCode, res.Reason, true)
		}
		err = refused(gosip.REFER, res)
	}
	if err != nil {
		s.dropRefer(t)
		return nil, fmt.Errorf("ua: refer %s: %w", c.ID(), err)
	}
	if !s.spawn(t.watch) {
		t.finish(503, "stack closed")
	}
	return t, nil
}

// referable says whether the call can take part in a transfer.
func (c *Call) referable() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.ended:
		return ErrCallEnded
	case !c.answered:
		return ErrCallState
	}
	return nil
}

// Done is closed when the outcome is known.
func (t *Transfer) Done() <-chan struct{} { return t.done }

// Result is the final status the switch reported for the transfer (200
// when the parties were connected, the failure's status otherwise) and
// its reason phrase; 0 while pending, and when the outcome never came (the
// call ended or the subscription terminated without a final status, the
// wait timed out).
func (t *Transfer) Result() (int, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.code, t.reason
}

// Progress is the latest status reported (100 Trying, 180 Ringing...).
func (t *Transfer) Progress() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

func (t *Transfer) finished() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// finish records the outcome once.
func (t *Transfer) finish(code int, reason string) {
	t.mu.Lock()
	if t.over {
		t.mu.Unlock()
		return
	}
	t.over, t.code, t.reason = true, code, clip(reason)
	close(t.done)
	t.mu.Unlock()
	// Known a while longer, so a late NOTIFY still gets 200.
	time.AfterFunc(lingerAfterEnd, func() { t.c.s.dropRefer(t) })
}

// watch ends a transfer whose outcome never comes.
func (t *Transfer) watch() {
	timer := time.NewTimer(referTimeout)
	defer timer.Stop()
	select {
	case <-t.done:
		return
	case <-timer.C:
		t.finish(0, "no final NOTIFY in time")
		return
	case <-t.c.s.ctx.Done():
		t.finish(0, "stack closed")
		return
	case <-t.c.done:
	}
	// The switch hangs up a transferred call itself, maybe before its
	// last NOTIFY arrives: give that NOTIFY a moment.
	linger := time.NewTimer(lingerAfterEnd)
	defer linger.Stop()
	select {
	case <-t.done:
	case <-linger.C:
		t.finish(0, "the call ended without a final NOTIFY")
	case <-t.c.s.ctx.Done():
		t.finish(0, "stack closed")
	}
}

func (s *Stack) dropRefer(t *Transfer) {
	s.mu.Lock()
	if s.refers[t.key] == t {
		delete(s.refers, t.key)
	}
	s.mu.Unlock()
}

// referOf finds the transfer a NOTIFY in a call's dialog reports on.
func (s *Stack) referOf(req *gosip.Request) *Transfer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refers[key(req.CallID().Value(), tagOf(req.To().Params))]
}

// onNotify takes a NOTIFY of the refer subscription (RFC 3515 2.4.4).
func (t *Transfer) onNotify(req *gosip.Request, tx gosip.ServerTransaction) {
	state, reason, ok := checkNotify(t.c.d, "refer", req, tx)
	if !ok {
		return
	}
	code, phrase, ok := parseSipfrag(req.Body())
	if !ok && len(req.Body()) > 0 {
		hsip.Respond(tx, req, 400, "Bad Request (message/sipfrag expected)", nil)
		return
	}
	if ok { // before the 200: whoever sees the answer sees the progress
		t.mu.Lock()
		t.last = code
		t.mu.Unlock()
	}
	hsip.Respond(tx, req, 200, "", nil)
	switch {
	case ok && code >= 200:
		t.finish(code, phrase)
	case state == "terminated":
		t.finish(0, "subscription terminated without a final status ("+reason+")")
	}
}

// parseSipfrag reads the status line of a message/sipfrag body (RFC
// 3420): "SIP/2.0 200 OK".
func parseSipfrag(body []byte) (int, string, bool) {
	first, _, _ := strings.Cut(string(body), "\n")
	first = strings.TrimRight(first, "\r")
	rest, ok := strings.CutPrefix(first, "SIP/2.0 ")
	if !ok || len(rest) < 3 {
		return 0, "", false
	}
	code, err := strconv.Atoi(rest[:3])
	if err != nil || code < 100 || code > 699 || len(rest) > 3 && rest[3] != ' ' {
		return 0, "", false
	}
	return code, strings.TrimSpace(rest[3:]), true
}

// escapeHeaderValue escapes a URI header value (RFC 3261 25.1 hvalue):
// everything but unreserved characters becomes %XX.
func escapeHeaderValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
