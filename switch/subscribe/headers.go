package subscribe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	gosip "github.com/emiago/sipgo/sip"
)

// Bounds on what a subscription keeps from a request, so that memory per
// subscription is bounded whatever a client sends.
const (
	maxTokenLen    = 64  // event package, id parameter
	maxResourceLen = 64  // Request-URI user
	maxIDLen       = 256 // Call-ID, tags
	maxURILen      = 512 // Contact, each Record-Route
	maxRoutes      = 8   // Record-Route entries
)

// eventHeader returns the one Event header value of h (also in its compact
// form "o", RFC 6665 8.2.1).
func eventHeader(h interface{ GetHeaders(string) []gosip.Header }) (string, error) {
	hs := append(h.GetHeaders("Event"), h.GetHeaders("o")...)
	switch len(hs) {
	case 0:
		return "", errors.New("no Event header")
	case 1:
		return hs[0].Value(), nil
	}
	return "", fmt.Errorf("%d Event headers", len(hs))
}

// parseEvent splits an Event header value (RFC 6665 8.4) into the package
// token and the id parameter; other parameters are ignored.
func parseEvent(v string) (name, id string, err error) {
	name, params, _ := strings.Cut(v, ";")
	name = strings.TrimSpace(name)
	if name == "" {
		return "", "", errors.New("empty event type")
	}
	if len(name) > maxTokenLen || !isToken(name) {
		return "", "", fmt.Errorf("event type %.64q is not a token", name)
	}
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, val, hasVal := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if k == "" || !isToken(k) {
			return "", "", fmt.Errorf("event parameter %.64q is malformed", p)
		}
		if !strings.EqualFold(k, "id") {
			continue
		}
		val = strings.TrimSpace(val)
		if !hasVal || val == "" || len(val) > maxTokenLen || !isToken(val) {
			return "", "", fmt.Errorf("event id %.64q is not a token", val)
		}
		if id != "" {
			return "", "", errors.New("two event id parameters")
		}
		id = val
	}
	return name, id, nil
}

// acceptable reports whether the Accept headers allow ctype (RFC 3261
// 20.1). No Accept header means the package's default type, which is ctype.
func acceptable(hs []gosip.Header, ctype string) bool {
	if len(hs) == 0 {
		return true
	}
	major, _, _ := strings.Cut(ctype, "/")
	for _, h := range hs {
		for r := range strings.SplitSeq(h.Value(), ",") {
			r, _, _ = strings.Cut(r, ";")
			r = strings.TrimSpace(r)
			switch {
			case r == "*/*", strings.EqualFold(r, ctype):
				return true
			case strings.HasSuffix(r, "/*") && strings.EqualFold(r[:len(r)-2], major):
				return true
			}
		}
	}
	return false
}

// parseExpires reads an Expires value: delta-seconds (RFC 3261 20.19),
// at most 2^32-1 (RFC 3261 25.1 caps delta-seconds).
func parseExpires(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 10 {
		return 0, fmt.Errorf("expires %.16q is not delta-seconds", v)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, fmt.Errorf("expires %.16q is not delta-seconds", v)
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > 1<<32-1 {
		return 0, fmt.Errorf("expires %.16q is out of range", v)
	}
	return n, nil
}

// validResource accepts the characters of a SIP URI user part (RFC 3261
// 25.1 unreserved, escaped and user-unreserved) within a bound, so that a
// resource can go into a body or a URI as it is.
func validResource(r string) bool {
	return r != "" && len(r) <= maxResourceLen && alnumOr(r, "-_.!~*'()%&=+$,;?/")
}

// isToken reports whether s is an RFC 3261 25.1 token.
func isToken(s string) bool { return s != "" && alnumOr(s, "-.!%*_+`'~") }

// alnumOr reports whether every byte of s is an ASCII letter or digit or
// one of extra.
func alnumOr(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}
