// Package digest is server-side SIP digest authentication (RFC 3261 22,
// RFC 7616, RFC 8760): challenges, credential parsing and verification with
// stateless HMAC nonces, expiry and replay protection. It works on header
// values only and does not depend on a SIP stack.
package digest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Defaults for Options.
const (
	DefaultNonceTTL = 300 * time.Second
	// DefaultMaxNonces bounds the replay table (about 40 bytes an entry):
	// 524288 nonces is almost three minutes of a 3000/s REGISTER storm
	// with a fresh nonce each.
	DefaultMaxNonces = 1 << 19
)

// futureSkew is how far in the future a nonce timestamp may be, to absorb
// small wall-clock steps backwards.
const futureSkew = 5 * time.Second

// Options configure an Authenticator; the zero value is usable.
type Options struct {
	NonceTTL   time.Duration    // default 300s; older nonces are stale
	Key        []byte           // HMAC key for nonces; random 32 bytes if nil
	Algorithms []Algorithm      // challenges offered, in order, and the only ones accepted; default SHA256 then MD5 (RFC 8760 3)
	Now        func() time.Time // for tests; default time.Now
	MaxNonces  int              // replay table cap; default DefaultMaxNonces
}

// Authenticator issues challenges and verifies credentials for one realm.
// It is safe for concurrent use.
type Authenticator struct {
	realm   string
	quoted  string // realm as a quoted-string
	opaque  string
	ttl     int64
	algs    []Algorithm
	now     func() time.Time
	mac     *nonceMAC
	replays *replayTable
}

// New returns an Authenticator for realm. Unknown values in o.Algorithms
// are ignored; if none is left the default applies.
func New(realm string, o Options) *Authenticator {
	if o.NonceTTL <= 0 {
		o.NonceTTL = DefaultNonceTTL
	}
	if o.Key == nil {
		o.Key = make([]byte, 32)
		rand.Read(o.Key)
	}
	var algs []Algorithm
	for _, alg := range o.Algorithms {
		if alg.size() != 0 && !slices.Contains(algs, alg) {
			algs = append(algs, alg)
		}
	}
	if len(algs) == 0 {
		algs = []Algorithm{SHA256, MD5}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxNonces <= 0 {
		o.MaxNonces = DefaultMaxNonces
	}
	// The opaque is constant per key and realm; clients must echo it
	// (RFC 7616 3.3), and one that echoes another value got its challenge
	// from someone else.
	h := hmac.New(sha256.New, o.Key)
	h.Write([]byte("hookswitch digest opaque\x00"))
	h.Write([]byte(realm))
	return &Authenticator{
		realm:   realm,
		quoted:  quote(realm),
		opaque:  base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12]),
		ttl:     int64(o.NonceTTL),
		algs:    algs,
		now:     o.Now,
		mac:     newNonceMAC(o.Key, realm),
		replays: newReplayTable(o.MaxNonces, int64(o.NonceTTL)),
	}
}

// Realm is the realm the Authenticator challenges for.
func (a *Authenticator) Realm() string { return a.realm }

// Challenges returns WWW-Authenticate (401) or Proxy-Authenticate (407)
// header values, one per offered algorithm, most preferred first (RFC 8760
// 2.4). They share one fresh nonce. stale=true tells the client its
// password was right but the nonce was not, so it retries silently (RFC
// 7616 3.3).
func (a *Authenticator) Challenges(stale bool) []string {
	nonce := a.mac.mint(a.now().UnixNano())
	out := make([]string, len(a.algs))
	var b strings.Builder
	for i, alg := range a.algs {
		b.Reset()
		b.Grow(96 + len(a.quoted) + len(nonce) + len(a.opaque))
		b.WriteString("Digest realm=")
		b.WriteString(a.quoted)
		b.WriteString(`, nonce="`)
		b.WriteString(nonce)
		b.WriteString(`", opaque="`)
		b.WriteString(a.opaque)
		b.WriteString(`", algorithm=`)
		b.WriteString(alg.String())
		b.WriteString(`, qop="auth"`)
		if stale {
			b.WriteString(", stale=true")
		}
		out[i] = b.String()
	}
	return out
}

// Verify checks a Digest Authorization or Proxy-Authorization header value
// for a request with the given method, and returns the authenticated
// username. password returns the user's password, false for an unknown
// user. The errors wrap the sentinels of errors.go: ErrMalformed means
// 400; ErrStale means re-challenge with stale=true; the others mean
// re-challenge (401/407) or 403 at the caller's choice.
//
// The digest-uri is not compared with the Request-URI here; callers that
// want that check (RFC 7616 3.4.6) use ParseCredentials, compare URI and
// call VerifyCredentials.
func (a *Authenticator) Verify(method string, header string, password func(username string) (string, bool)) (username string, err error) {
	c, err := ParseCredentials(header)
	if err != nil {
		return "", err
	}
	return a.VerifyCredentials(method, c, password)
}

// VerifyCredentials is Verify for credentials already parsed by
// ParseCredentials.
func (a *Authenticator) VerifyCredentials(method string, c Credentials, password func(username string) (string, bool)) (username string, err error) {
	alg := ParseAlgorithm(c.Algorithm)
	if !a.accepts(alg) {
		return "", fmt.Errorf("algorithm %q: %w", clip(c.Algorithm), ErrAlgorithm)
	}
	var nc uint32
	if c.QOP != "" {
		if !strings.EqualFold(c.QOP, "auth") {
			return "", fmt.Errorf("qop %q not offered: %w", clip(c.QOP), ErrMalformed)
		}
		var ok bool
		// Checked again: c may not come from ParseCredentials.
		if nc, ok = parseNC(c.NC); !ok || nc == 0 || c.Cnonce == "" {
			return "", fmt.Errorf("qop without a valid nc and cnonce: %w", ErrMalformed)
		}
	}
	if alg.sess() && c.Cnonce == "" {
		return "", fmt.Errorf("%s without cnonce: %w", alg, ErrMalformed)
	}
	var got [sha256.Size]byte
	if n, ok := decodeHex(&got, c.Response); !ok || n != alg.size() {
		return "", fmt.Errorf("response is not %d hex digits: %w", 2*alg.size(), ErrMalformed)
	}
	if c.Realm != a.realm {
		return "", fmt.Errorf("realm %q: %w", clip(c.Realm), ErrRealm)
	}
	if c.Opaque != "" && c.Opaque != a.opaque {
		return "", fmt.Errorf("opaque not ours: %w", ErrStale)
	}
	id, ok := a.mac.open(c.Nonce)
	if !ok {
		return "", fmt.Errorf("nonce not issued here: %w", ErrStale)
	}
	now := a.now().UnixNano()
	age := now - id.unixNano()
	if age > a.ttl || age < -int64(futureSkew) {
		return "", fmt.Errorf("nonce age %v: %w", time.Duration(age), ErrStale)
	}
	pw, ok := password(c.Username)
	if !ok {
		return "", fmt.Errorf("user %q: %w", clip(c.Username), ErrUnknownUser)
	}
	if !responseMatches(alg, &c, method, pw) {
		return "", fmt.Errorf("user %q: %w", clip(c.Username), ErrBadResponse)
	}
	// Only a correct response consumes the nonce, so guessing cannot burn
	// a user's nonce nor fill the table.
	if err := a.replays.use(id, nc, now); err != nil {
		return "", err
	}
	return c.Username, nil
}

func (a *Authenticator) accepts(alg Algorithm) bool { return slices.Contains(a.algs, alg) }

// responseMatches reports in constant time whether c.Response is the
// request-digest for password.
func responseMatches(alg Algorithm, c *Credentials, method, password string) bool {
	var got, want [sha256.Size]byte
	n, ok := decodeHex(&got, c.Response)
	if !ok || n != alg.size() {
		return false
	}
	computeResponse(&want, alg, c, method, password)
	return subtle.ConstantTimeCompare(got[:n], want[:n]) == 1
}

// computeResponse writes the raw request-digest into out (RFC 7616 3.4.1,
// RFC 2617 3.2.2.1 without qop):
//
//	HA1 = H(username:realm:password), -sess: H(HA1:nonce:cnonce)
//	HA2 = H(method:uri)
//	response = H(HA1:nonce:nc:cnonce:qop:HA2), or H(HA1:nonce:HA2) without qop
//
// Buffers are arrays so that the usual case does not allocate.
func computeResponse(out *[sha256.Size]byte, alg Algorithm, c *Credentials, method, password string) int {
	var buf [512]byte
	var ha1, ha2 [2 * sha256.Size]byte
	b := append(buf[:0], c.Username...)
	b = append(b, ':')
	b = append(b, c.Realm...)
	b = append(b, ':')
	b = append(b, password...)
	n1 := alg.hexSum(&ha1, b)
	if alg.sess() {
		b = append(buf[:0], ha1[:n1]...)
		b = append(b, ':')
		b = append(b, c.Nonce...)
		b = append(b, ':')
		b = append(b, c.Cnonce...)
		n1 = alg.hexSum(&ha1, b)
	}
	b = append(buf[:0], method...)
	b = append(b, ':')
	b = append(b, c.URI...)
	n2 := alg.hexSum(&ha2, b)
	b = append(buf[:0], ha1[:n1]...)
	b = append(b, ':')
	b = append(b, c.Nonce...)
	b = append(b, ':')
	if c.QOP != "" {
		b = append(b, c.NC...)
		b = append(b, ':')
		b = append(b, c.Cnonce...)
		b = append(b, ':')
		b = append(b, c.QOP...)
		b = append(b, ':')
	}
	b = append(b, ha2[:n2]...)
	return alg.sum(out, b)
}

// decodeHex decodes up to 32 bytes of hex, either case.
func decodeHex(out *[sha256.Size]byte, s string) (int, bool) {
	if len(s)%2 != 0 || len(s) > 2*len(out) {
		return 0, false
	}
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := fromHex(s[i])
		lo, ok2 := fromHex(s[i+1])
		if !ok1 || !ok2 {
			return 0, false
		}
		out[i/2] = hi<<4 | lo
	}
	return len(s) / 2, true
}

// quote renders s as a quoted-string (RFC 3261 25.1).
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}
