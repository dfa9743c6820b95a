package message

import (
	"strconv"
	"strings"

	gosip "github.com/emiago/sipgo/sip"
)

// msg is one MESSAGE being relayed.
type msg struct {
	rcpt     string // the Request-URI user: whom the sender wrote to
	to       string // the extension it goes to (rcpt, or the hook's choice)
	from     string // the authenticated sender
	fromName string // the sender's display name, quotable
	ctype    string // Content-Type, passed on as is
	body     []byte
	hops     int // Max-Forwards for the relayed requests
}

// check validates what the request alone can tell (RFC 3428 7, RFC 3261
// 8.2). The stack's validation has run already (one Content-Type, one
// Content-Length, a SIP Request-URI).
func check(req *gosip.Request, maxBody int) (*msg, answer, bool) {
	if req.From() == nil || req.To() == nil || req.CallID() == nil || req.CSeq() == nil {
		return nil, fail(400, "Bad Request (missing From, To, Call-ID or CSeq)"), false
	}
	hops := 70
	if mf := req.MaxForwards(); mf != nil {
		if mf.Val() == 0 {
			return nil, fail(483, ""), false
		}
		hops = min(int(mf.Val())-1, 70)
	}
	if req.To().Address.User == "" {
		return nil, fail(400, "Bad Request (To has no user)"), false
	}
	rcpt := req.Recipient.User
	if rcpt == "" {
		return nil, fail(404, "Not Found (no user in the Request-URI)"), false
	}
	if !validUser(rcpt) {
		return nil, fail(404, "Not Found (no such user)"), false
	}
	body := req.Body()
	// sipgo reads exactly Content-Length bytes (and refuses a datagram
	// shorter than it says); a header that still disagrees is a bug
	// somewhere upstream, and relaying a body we are unsure of is worse.
	if cl := req.ContentLength(); cl != nil && int(*cl) != len(body) {
		return nil, fail(400, "Bad Request (Content-Length "+strconv.Itoa(int(*cl))+" but "+strconv.Itoa(len(body))+" body bytes)"), false
	}
	if len(body) > maxBody {
		return nil, fail(413, "Request Entity Too Large (at most "+strconv.Itoa(maxBody)+" body bytes)"), false
	}
	ct := req.ContentType()
	if ct == nil {
		return nil, fail(400, "Bad Request (MESSAGE without Content-Type)"), false
	}
	ctype := strings.TrimSpace(ct.Value())
	if !mediaType(ctype) {
		return nil, fail(400, "Bad Request (invalid Content-Type)"), false
	}
	if len(body) == 0 {
		return nil, fail(400, "Bad Request (MESSAGE without a body)"), false
	}
	return &msg{rcpt: rcpt, ctype: ctype, body: body, hops: hops}, answer{}, true
}

// validUser reports whether u can be a Request-URI user worth a lookup:
// short, and made of the characters a user part carries unescaped.
func validUser(u string) bool {
	if u == "" || len(u) > maxUserLen {
		return false
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || strings.IndexByte("-_.!~*'()&=+$,;?/", c) >= 0) {
			return false
		}
	}
	return true
}

// mediaType reports whether v looks like type/subtype with optional
// parameters: printable, bounded, no line breaks. It is passed on
// verbatim, so nothing that could split a header may pass.
func mediaType(v string) bool {
	if v == "" || len(v) > maxTypeLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' || v[i] >= 0x7f {
			return false
		}
	}
	mt, _, _ := strings.Cut(v, ";")
	typ, sub, ok := strings.Cut(strings.TrimSpace(mt), "/")
	return ok && isToken(typ) && isToken(sub)
}

// isToken reports whether s is an RFC 3261 25.1 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || strings.IndexByte("-.!%*_+`'~", c) >= 0) {
			return false
		}
	}
	return true
}
