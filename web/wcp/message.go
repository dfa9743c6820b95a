package wcp

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// maxMessagesInFlight bounds the MESSAGEs of one session waiting for
// their answers; past it a 1009 is reported at once as 9006 code=-503.
const maxMessagesInFlight = 8

// sendMessage sends 1009 as a SIP MESSAGE from the registered extension;
// the switch's answer becomes 9006.
func (ss *session) sendMessage(m callproto.Message) {
	ss.mu.Lock()
	a := ss.acct
	ss.mu.Unlock()
	if a == nil {
		ss.reply(refused(m, callproto.CodeRefused, "not registered"))
		return
	}
	to, ok := recipient(m.Get(callproto.KeyTo))
	if !ok {
		ss.reply(refused(m, callproto.CodeParamError, "to: the switch delivers to its own users: a number or sip:number@host"))
		return
	}
	mid, msg := m.Get(callproto.KeyMID), m.Get(callproto.KeyMsg)
	ss.reply(callproto.Ack(m, callproto.CodeProcessing))
	select {
	case ss.msgSlots <- struct{}{}:
	default:
		ss.messageReport(mid, -503)
		return
	}
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		defer func() { <-ss.msgSlots }()
		ctx, cancel := context.WithTimeout(ss.ctx, sipTimeout)
		defer cancel()
		ss.messageReport(mid, reportCode(a.Message(ctx, to, msg)))
	}()
}

func (ss *session) messageReport(mid string, code int) {
	ss.event(callproto.EvMessageReport, callproto.F(callproto.KeyMID, mid), callproto.F(callproto.KeyCode, strconv.Itoa(code)))
}

// reportCode is the 9006 code of a MESSAGE's outcome: 0 sent, -1 no
// answer, else the SIP status negated.
func reportCode(err error) int {
	code := ua.Status(err)
	switch {
	case err == nil:
		return callproto.ReportSent
	case code == 408 || errors.Is(err, context.DeadlineExceeded):
		return callproto.ReportTimeout
	case errors.Is(err, ua.ErrInvalid):
		return -400
	case errors.Is(err, ua.ErrUnregistered) || errors.Is(err, ua.ErrClosed):
		return -480
	case code >= 300 && code <= 699:
		return -code
	}
	return -500
}

// recipient is the user part of a 1009 to: a number, or sip:number@host
// (the switch routes by the user part; the host is its own).
func recipient(to string) (string, bool) {
	user := to
	lower := strings.ToLower(to)
	if strings.HasPrefix(lower, "sip:") || strings.HasPrefix(lower, "sips:") {
		_, rest, _ := strings.Cut(to, ":")
		user, _, _ = strings.Cut(rest, "@")
		user, _, _ = strings.Cut(user, ";")
	}
	return user, userPart(user, "") != "" && !strings.ContainsAny(user, "&=$,;?/")
}

// messageIn reports a MESSAGE to the account as 9005; only text is shown
// to the page.
func (ss *session) messageIn(msg ua.Message) {
	ct := strings.ToLower(strings.TrimSpace(msg.ContentType))
	if ct != "" && !strings.HasPrefix(ct, "text/") {
		ss.srv.log.Debug("wcp: message dropped: not text", "content_type", msg.ContentType)
		return
	}
	body := text(string(msg.Body), callproto.MaxTextLen)
	if body == "" {
		return
	}
	ss.mu.Lock()
	var self string
	if ss.acct != nil {
		self = ss.acct.User()
	}
	ss.mu.Unlock()
	ss.event(callproto.EvMessage, callproto.F(callproto.KeyFrom, userPart(msg.From, "anonymous")),
		callproto.F(callproto.KeyTo, userPart(msg.To, userPart(self, "unknown"))), callproto.F(callproto.KeyMsg, body))
}
