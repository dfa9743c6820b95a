package sip

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
)

// single are headers a request may carry at most once (RFC 3261 20;
// RFC 4475 3.1.2.19, 3.3.9).
var single = []string{"Call-ID", "CSeq", "From", "To", "Max-Forwards", "Content-Length", "Content-Type"}

// Validate checks what sipgo's parser lets through but RFC 3261 8.2
// refuses, returning the response to send (nil when the request is fine).
func Validate(req *gosip.Request) *Error {
	if req.SipVersion != "SIP/2.0" {
		return &Error{Code: 505, Reason: "Version Not Supported"}
	}
	// sipgo upper-cases the Request-Line method but not CSeq's (intmeth).
	if cs := req.CSeq(); cs != nil && !strings.EqualFold(string(cs.MethodName), string(req.Method)) {
		return &Error{Code: 400, Reason: "Bad Request (CSeq method does not match the request method)"}
	}
	for _, name := range single {
		if n := len(req.GetHeaders(name)); n > 1 {
			return &Error{Code: 400, Reason: fmt.Sprintf("Bad Request (%d %s headers)", n, name)}
		}
	}
	if s := req.Recipient.Scheme; s != "sip" && s != "sips" {
		return &Error{Code: 416}
	}
	if len(req.Recipient.Headers) > 0 {
		return &Error{Code: 400, Reason: "Bad Request (Request-URI carries headers)"}
	}
	if req.Method != gosip.CANCEL {
		// We support no extension yet (RFC 3261 8.2.2.3).
		var tags []string
		for _, h := range req.GetHeaders("Require") {
			for _, t := range strings.Split(h.Value(), ",") {
				if t = strings.TrimSpace(t); t != "" {
					tags = append(tags, t)
				}
			}
		}
		if len(tags) > 0 {
			return &Error{Code: 420, Err: fmt.Errorf("unsupported: %s", strings.Join(tags, ", ")),
				Reason: "Bad Extension", unsupported: strings.Join(tags, ", ")}
		}
	}
	return nil
}

// validated wraps a handler so every request is checked first. ACK gets no
// response (RFC 3261 17.1.1.3): a bad one is dropped.
func validated(h sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *gosip.Request, tx gosip.ServerTransaction) {
		// A bug reached by one request must not take the switch down: that
		// request gets a 500 and the panic is logged with its stack.
		defer func() {
			if r := recover(); r != nil {
				slog.Error("sip: handler panicked", "method", req.Method, "panic", r, "stack", string(debug.Stack()))
				if !req.IsAck() {
					Respond(tx, req, 500, "Server Internal Error", nil)
				}
			}
		}()
		e := Validate(req)
		if e == nil {
			h(req, tx)
			return
		}
		if req.IsAck() {
			return
		}
		var hdrs []gosip.Header
		if e.unsupported != "" {
			hdrs = append(hdrs, gosip.NewHeader("Unsupported", e.unsupported))
		}
		Respond(tx, req, e.Code, e.Phrase(), nil, hdrs...)
	}
}
