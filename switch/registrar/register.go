package registrar

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/sip/digest"
	"github.com/hookswitch/hookswitch/switch/store"
)

// Authenticator checks digest credentials (see switch/sip/digest).
type Authenticator interface {
	Challenges(stale bool) []string
	Verify(method, header string, password func(user string) (string, bool)) (string, error)
}

// Hooks hands out the current scripts generation (see hook.Dispatcher).
type Hooks interface {
	Acquire() *hook.Snapshot
}

// Handler answers REGISTER requests.
type Handler struct {
	R     *Registrar
	Auth  Authenticator
	Hooks Hooks // the register hook; nil = accept every authenticated REGISTER
	// OnOnline, when set, is told when an AOR without bindings gets one.
	OnOnline func(aor string)
}

// ServeSIP handles one REGISTER (RFC 3261 10.3).
func (h *Handler) ServeSIP(req *gosip.Request, tx gosip.ServerTransaction) {
	code, reason, hdrs := h.register(req)
	if err := sip.Respond(tx, req, code, reason, nil, hdrs...); err != nil {
		h.R.log.Debug("register: respond", "error", err)
	}
}

func (h *Handler) register(req *gosip.Request) (int, string, []gosip.Header) {
	to := req.To()
	if to == nil || to.Address.User == "" {
		return 400, "Bad Request (To has no user)", nil
	}
	aor := to.Address.User
	user, code, hdrs := Authenticate(h.Auth, h.R.store, req, "Authorization", 401)
	if code != 0 {
		return code, "", hdrs
	}
	if user != aor {
		return 403, "Forbidden (credentials do not match the AOR)", nil
	}
	max := 1 // a gateway registering as an accept-register trunk
	if ext, err := h.R.store.GetExtension(aor); err == nil {
		// Another tenant's domain, or a tenant's for one of no tenant: not
		// found, as for a number nobody has, so domains do not leak users.
		if ok, err := inDomain(h.R.store, ext, to.Address.Host); err != nil {
			h.R.log.Error("register: tenants", "aor", aor, "error", err)
			return 500, "", nil
		} else if !ok {
			return 404, "", nil
		}
		max = ext.MaxContacts
	} else if ta, ok := h.R.store.(TrunkAccounts); !ok {
		return 404, "", nil
	} else if _, ok := ta.TrunkAccount(aor); !ok {
		return 404, "", nil
	}
	if max <= 0 {
		max = h.R.cfg.DefaultMaxContacts
	}
	override := 0
	if h.Hooks != nil && len(req.GetHeaders("Contact")) > 0 {
		dec := h.askHook(aor, req)
		if dec.Reject {
			code := dec.Code
			if code < 400 || code > 699 {
				code = 403
			}
			return code, dec.Reason, nil
		}
		override = dec.Expires
	}
	online := len(h.R.Lookup(aor)) > 0
	bs, err := h.R.apply(aor, max, req, override)
	if err == nil && !online && len(bs) > 0 && h.OnOnline != nil {
		h.OnOnline(aor) // a queue may now ring it
	}
	if err != nil {
		c, r := sip.StatusOf(err)
		var se *sip.Error
		if errors.As(err, &se) && c == 423 {
			return c, r, []gosip.Header{gosip.NewHeader("Min-Expires", strconv.Itoa(int(h.R.cfg.MinExpires/time.Second)))}
		}
		if !errors.As(err, &se) {
			h.R.log.Error("register: store", "aor", aor, "error", err)
		}
		return c, r, nil
	}
	now := h.R.now()
	out := []gosip.Header{gosip.NewHeader("Date", now.UTC().Format(time.RFC1123))}
	for _, b := range bs {
		secs := int(b.Expires.Sub(now).Round(time.Second) / time.Second)
		out = append(out, gosip.NewHeader("Contact", "<"+b.Contact+">;expires="+strconv.Itoa(secs)))
	}
	return 200, "", out
}

// askHook asks the register hook about an authenticated REGISTER.
func (h *Handler) askHook(aor string, req *gosip.Request) hook.RegisterDecision {
	snap := h.Hooks.Acquire()
	defer snap.Release()
	r := hook.RegisterRequest{AOR: aor, SourceIP: hostOf(req.Source()), Transport: strings.ToLower(req.Transport())}
	if c := req.Contact(); c != nil {
		r.Contact = c.Address.String()
		if v, ok := c.Params.Get("expires"); ok {
			r.Expires, _ = strconv.Atoi(v)
		}
	}
	if e := req.GetHeader("Expires"); e != nil && r.Expires == 0 {
		r.Expires, _ = strconv.Atoi(strings.TrimSpace(e.Value()))
	}
	if ua := req.GetHeader("User-Agent"); ua != nil {
		r.UserAgent = truncate(ua.Value(), 128)
	}
	dec, err := snap.Register(context.Background(), r)
	if err != nil {
		h.R.log.Warn("register hook failed; policy applied", "aor", aor, "error", err)
	}
	return dec
}

func hostOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i > 0 {
		return strings.Trim(addr[:i], "[]")
	}
	return addr
}

// Authenticate verifies the digest credentials in header (Authorization or
// Proxy-Authorization). On failure it returns the status to answer
// (challengeCode is 401 or 407) and the challenge headers. An extension's
// permit_ip list is checked first: outside it the answer is 403 (permit.go).
func Authenticate(a Authenticator, st Store, req *gosip.Request, header string, challengeCode int) (string, int, []gosip.Header) {
	chName := "WWW-Authenticate"
	if challengeCode == 407 {
		chName = "Proxy-Authenticate"
	}
	challenge := func(stale bool) []gosip.Header {
		var hs []gosip.Header
		for _, c := range a.Challenges(stale) {
			hs = append(hs, gosip.NewHeader(chName, c))
		}
		return hs
	}
	if !permitted(st, claimedUser(req), req.Source()) {
		return forbiddenSource()
	}
	h := req.GetHeader(header)
	if h == nil || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(h.Value())), "digest ") {
		return "", challengeCode, challenge(false) // absent, or a scheme we do not offer
	}
	user, err := a.Verify(string(req.Method), h.Value(), func(u string) (string, bool) {
		e, err := st.GetExtension(u)
		if err != nil {
			if ta, ok := st.(TrunkAccounts); ok {
				return ta.TrunkAccount(u)
			}
			return "", false
		}
		return e.Password, true
	})
	switch {
	case err == nil:
		if !permitted(st, user, req.Source()) { // credentials of another extension than claimed
			return forbiddenSource()
		}
		return user, 0, nil
	case errors.Is(err, digest.ErrStale), errors.Is(err, digest.ErrReplay):
		return "", challengeCode, challenge(true)
	case errors.Is(err, digest.ErrMalformed):
		return "", 400, []gosip.Header{gosip.NewHeader("Warning", `399 hookswitch "malformed `+header+`"`)}
	case errors.Is(err, digest.ErrRealm), errors.Is(err, digest.ErrAlgorithm):
		return "", challengeCode, challenge(false)
	default: // unknown user or wrong password: one answer for both
		return "", 403, nil
	}
}

// apply updates aor's bindings from a REGISTER and returns the bindings
// after the change. It is all-or-nothing: a request that breaks a rule
// changes nothing.
// override, when positive, is the expiry in seconds the register hook set.
func (r *Registrar) apply(aor string, max int, req *gosip.Request, override int) ([]store.Binding, error) {
	now := r.now()
	callID := ""
	if h := req.CallID(); h != nil {
		callID = h.Value()
	}
	var cseq uint32
	if h := req.CSeq(); h != nil {
		cseq = h.SeqNo
	}
	defExp := -1
	if h := req.GetHeader("Expires"); h != nil {
		v, err := strconv.Atoi(strings.TrimSpace(h.Value()))
		if err != nil || v < 0 {
			return nil, &sip.Error{Code: 400, Reason: "Bad Request (invalid Expires)"}
		}
		defExp = v
	}
	contacts := req.GetHeaders("Contact")

	r.mu.Lock()
	defer r.mu.Unlock()
	cur := append([]store.Binding(nil), r.live(aor, now)...)
	if len(contacts) == 0 { // a query (RFC 3261 10.2.3)
		return cur, nil
	}
	var puts []store.Binding
	var dels []string
	for _, hdr := range contacts {
		c, ok := hdr.(*gosip.ContactHeader)
		if !ok {
			return nil, &sip.Error{Code: 400, Reason: "Bad Request (invalid Contact)"}
		}
		if c.Address.Wildcard {
			if defExp != 0 || len(contacts) != 1 {
				return nil, &sip.Error{Code: 400, Reason: "Bad Request (wildcard Contact needs Expires: 0)"}
			}
			for _, b := range cur {
				dels = append(dels, b.Contact)
			}
			cur = nil
			continue
		}
		exp := defExp
		if v, ok := c.Params.Get("expires"); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, &sip.Error{Code: 400, Reason: "Bad Request (invalid expires parameter)"}
			}
			exp = n
		}
		if exp < 0 {
			exp = int(r.cfg.DefaultExpires / time.Second)
		}
		uri := c.Address.String()
		idx := indexOf(cur, uri)
		if exp == 0 {
			if idx >= 0 {
				dels = append(dels, uri)
				cur = append(cur[:idx], cur[idx+1:]...)
			}
			continue
		}
		d := time.Duration(exp) * time.Second
		if override > 0 { // the register hook decides, within our bounds
			d = time.Duration(override) * time.Second
			if d < r.cfg.MinExpires {
				d = r.cfg.MinExpires
			}
		} else if d < r.cfg.MinExpires {
			return nil, &sip.Error{Code: 423}
		}
		if d > r.cfg.MaxExpires {
			d = r.cfg.MaxExpires
		}
		if idx >= 0 && cur[idx].CallID == callID && cur[idx].CSeq >= cseq {
			continue // out of order (RFC 3261 10.3 step 7): keep what we have
		}
		instance, _ := c.Params.Get("+sip.instance")
		b := store.Binding{
			AOR: aor, Contact: uri, Source: req.Source(), Transport: strings.ToLower(req.Transport()),
			CallID: callID, CSeq: cseq, Expires: now.Add(d), InstanceID: strings.Trim(instance, `"<>`),
			UpdatedAt: now,
		}
		if ua := req.GetHeader("User-Agent"); ua != nil {
			b.UserAgent = truncate(ua.Value(), 128)
		}
		if idx < 0 {
			// The same device re-registering from a new address replaces its
			// old binding instead of taking another slot.
			if j := sameDevice(cur, b); j >= 0 {
				dels = append(dels, cur[j].Contact)
				cur = append(cur[:j], cur[j+1:]...)
			}
			cur = append(cur, b)
		} else {
			cur[idx] = b
		}
		puts = append(puts, b)
	}
	if len(cur) > max {
		return nil, &sip.Error{Code: 403, Reason: fmt.Sprintf("Forbidden (at most %d contacts)", max)}
	}
	for _, c := range dels {
		if err := r.store.DeleteBinding(aor, c); err != nil {
			return nil, fmt.Errorf("delete binding: %w", err)
		}
	}
	for _, b := range puts {
		if err := r.store.PutBinding(b); err != nil {
			return nil, fmt.Errorf("put binding: %w", err)
		}
	}
	if len(cur) == 0 {
		delete(r.bindings, aor)
	} else {
		r.bindings[aor] = cur
	}
	return cur, nil
}

// live returns aor's unexpired bindings; r.mu must be held.
func (r *Registrar) live(aor string, now time.Time) []store.Binding {
	var out []store.Binding
	for _, b := range r.bindings[aor] {
		if b.Expires.After(now) {
			out = append(out, b)
		}
	}
	return out
}

func indexOf(bs []store.Binding, contact string) int {
	for i, b := range bs {
		if b.Contact == contact {
			return i
		}
	}
	return -1
}

// sameDevice finds a binding of the same UA instance: the same
// +sip.instance (RFC 5626) or the same Call-ID (RFC 3261 10.2 asks a UA to
// keep one Call-ID for all its registrations).
func sameDevice(bs []store.Binding, b store.Binding) int {
	for i, o := range bs {
		if (b.InstanceID != "" && o.InstanceID == b.InstanceID) || (b.CallID != "" && o.CallID == b.CallID) {
			return i
		}
	}
	return -1
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
