package trunk

import (
	"fmt"
	"strings"

	gosip "github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// clientAuth answers digest challenges (RFC 3261 22.2; MD5 and SHA-256,
// RFC 8760) for one registration. It keeps the last challenge so that a
// refresh sends credentials at once with the next nonce count instead of
// being challenged every time; the registrar says stale=true or sends a
// new challenge when it wants a new nonce.
type clientAuth struct {
	user, password, realm string
	www, proxy            *heldChallenge // for 401 (Authorization) and 407 (Proxy-Authorization)
}

type heldChallenge struct {
	ch    *digest.Challenge
	nc    int
	fresh bool // received in the current exchange, not carried over from an earlier one
}

// begin starts an exchange: held challenges are no longer fresh.
func (a *clientAuth) begin() {
	for _, h := range []*heldChallenge{a.www, a.proxy} {
		if h != nil {
			h.fresh = false
		}
	}
}

// forget drops the held challenges (after a failure, start clean).
func (a *clientAuth) forget() { a.www, a.proxy = nil, nil }

// challenged takes a 401 or 407. It fails when the challenge cannot be
// answered, or when credentials computed from a challenge of this very
// exchange were refused without stale=true: the password is wrong.
func (a *clientAuth) challenged(res *gosip.Response) error {
	slot, hdr := &a.www, "WWW-Authenticate"
	if res.StatusCode == 407 {
		slot, hdr = &a.proxy, "Proxy-Authenticate"
	}
	ch, err := pickChallenge(res.GetHeaders(hdr), a.realm)
	if err != nil {
		*slot = nil
		return fmt.Errorf("%w: %d %s: %w", ErrAuth, res.StatusCode, res.Reason, err)
	}
	if prev := *slot; prev != nil && prev.fresh && !ch.Stale {
		*slot = nil
		return fmt.Errorf("%w: %d %s: credentials of %q refused", ErrAuth, res.StatusCode, res.Reason, a.user)
	}
	if a.password == "" {
		*slot = nil
		return fmt.Errorf("%w: %d %s: challenged, and the account has no password", ErrAuth, res.StatusCode, res.Reason)
	}
	*slot = &heldChallenge{ch: ch, fresh: true}
	return nil
}

// apply adds credentials for the held challenges to req.
func (a *clientAuth) apply(req *gosip.Request) error {
	for _, h := range []struct {
		held *heldChallenge
		name string
	}{{a.www, "Authorization"}, {a.proxy, "Proxy-Authorization"}} {
		if h.held == nil {
			continue
		}
		h.held.nc++
		cred, err := digest.Digest(h.held.ch, digest.Options{Method: string(req.Method), URI: req.Recipient.String(),
			Username: a.user, Password: a.password, Count: h.held.nc})
		if err != nil {
			return fmt.Errorf("%w: %w", ErrAuth, err)
		}
		req.AppendHeader(gosip.NewHeader(h.name, cred.String()))
	}
	return nil
}

// pickChallenge returns the first digest challenge we can answer, in the
// server's order of preference (RFC 8760 2.4), of the wanted realm when
// one is configured.
func pickChallenge(hs []gosip.Header, realm string) (*digest.Challenge, error) {
	var seen []string
	for _, h := range hs {
		ch, err := digest.ParseChallenge(strings.TrimSpace(h.Value()))
		if err != nil {
			seen = append(seen, "unparsable")
			continue
		}
		ch.Algorithm = strings.ToUpper(ch.Algorithm)
		alg := ch.Algorithm
		if alg == "" {
			alg = "MD5"
		}
		seen = append(seen, fmt.Sprintf("%s realm %q", alg, clip(ch.Realm)))
		if realm != "" && ch.Realm != realm {
			continue
		}
		if !digest.CanDigest(ch) {
			continue
		}
		return ch, nil
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("no digest challenge")
	}
	want := "any realm"
	if realm != "" {
		want = fmt.Sprintf("realm %q", realm)
	}
	return nil, fmt.Errorf("no challenge we can answer for %s (offered: %s)", want, strings.Join(seen, ", "))
}

// clip bounds remote text quoted in our errors.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// Answer computes the credentials that req (a call's INVITE) needs after
// res, a 401 or 407: the header's name and value, for the first challenge
// we can answer (of realm, when set).
func Answer(res *gosip.Response, req *gosip.Request, user, password, realm string) (string, string, error) {
	hdr, name := "WWW-Authenticate", "Authorization"
	if res.StatusCode == 407 {
		hdr, name = "Proxy-Authenticate", "Proxy-Authorization"
	}
	ch, err := pickChallenge(res.GetHeaders(hdr), realm)
	if err != nil {
		return "", "", fmt.Errorf("%w: %d %s: %w", ErrAuth, res.StatusCode, res.Reason, err)
	}
	if password == "" {
		return "", "", fmt.Errorf("%w: %d %s: challenged, and the trunk has no password", ErrAuth, res.StatusCode, res.Reason)
	}
	cred, err := digest.Digest(ch, digest.Options{Method: string(req.Method), URI: req.Recipient.String(),
		Username: user, Password: password, Count: 1})
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", ErrAuth, err)
	}
	return name, cred.String(), nil
}
