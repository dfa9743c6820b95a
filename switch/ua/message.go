package ua

import (
	"context"
	"fmt"
	"unicode/utf8"

	gosip "github.com/emiago/sipgo/sip"

	hsip "github.com/hookswitch/hookswitch/switch/sip"
)

// Message sends text to `to` (a user part) as a MESSAGE (RFC 3428,
// text/plain UTF-8), answering the switch's challenge. It returns nil when
// the switch took it (2xx) and a *StatusError with the code otherwise:
// the delivery report of the web-call-protocol.
func (a *Account) Message(ctx context.Context, to, text string) error {
	if !validUser(to) {
		return invalid("to %q", clip(to))
	}
	if text == "" || len(text) > maxMessageLen || !utf8.ValidString(text) {
		return invalid("message text: 1 to %d bytes of UTF-8", maxMessageLen)
	}
	if !a.active() {
		return ErrUnregistered
	}
	s := a.s
	target := gosip.Uri{Scheme: "sip", User: to, Host: a.aor.Host}
	d := &dialog{callID: hsip.NewCallID(), localTag: hsip.NewTag(), local: a.aor, remote: target, target: target, contact: a.contact}
	res, err := s.do(ctx, func() *gosip.Request {
		req := d.request(gosip.MESSAGE, 0)
		req.RemoveHeader("Contact") // a MESSAGE creates no dialog (RFC 3428 4)
		req.AppendHeader(gosip.NewHeader("Content-Type", "text/plain;charset=UTF-8"))
		req.SetBody([]byte(text))
		return req
	}, a.user, a.password)
	if err != nil {
		return fmt.Errorf("ua: message to %s: %w", to, err)
	}
	if !res.IsSuccess() {
		return fmt.Errorf("ua: message to %s: %w", to, refused(gosip.MESSAGE, res))
	}
	return nil
}

// onMessage delivers a MESSAGE to the account it is for.
func (s *Stack) onMessage(req *gosip.Request, tx gosip.ServerTransaction) {
	a := s.account(req)
	if a == nil || !a.active() {
		hsip.Respond(tx, req, 404, "Not Found (no such account here)", nil)
		return
	}
	f := a.ev.Message
	if f == nil {
		hsip.Respond(tx, req, 405, "", nil, gosip.NewHeader("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY"))
		return
	}
	if len(req.Body()) > maxMessageLen {
		hsip.Respond(tx, req, 413, "", nil)
		return
	}
	m := Message{From: req.From().Address.User, FromName: unquote(req.From().DisplayName), To: req.To().Address.User,
		ContentType: "text/plain", Body: append([]byte(nil), req.Body()...)}
	if ct := req.ContentType(); ct != nil {
		m.ContentType = ct.Value()
	}
	hsip.Respond(tx, req, 200, "", nil)
	a.q.push(func() { f(m) })
}
