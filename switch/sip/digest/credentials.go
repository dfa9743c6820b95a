package digest

import (
	"fmt"
	"strings"
)

// Credentials are the parameters of a Digest Authorization or
// Proxy-Authorization header value (RFC 7616 3.4), unquoted and unescaped.
type Credentials struct {
	Username, Realm, Nonce, URI, Response, Algorithm, Cnonce, Opaque, QOP, NC string
}

// Bits for duplicate and presence detection.
const (
	fUsername = 1 << iota
	fRealm
	fNonce
	fURI
	fResponse
	fAlgorithm
	fCnonce
	fOpaque
	fQOP
	fNC
	fUserhash

	fRequired = fUsername | fRealm | fNonce | fURI | fResponse
)

var requiredNames = [...]struct {
	bit  int
	name string
}{{fUsername, "username"}, {fRealm, "realm"}, {fNonce, "nonce"}, {fURI, "uri"}, {fResponse, "response"}}

// ParseCredentials parses a Digest credentials header value. Parameter
// names are case-insensitive, unknown parameters are ignored, a parameter
// given twice is an error. It checks the structure only: username, realm,
// nonce, uri and response are present, and when qop is present cnonce is
// present and nc is 8 hex digits, not zero (RFC 7616 3.4). Every error wraps
// ErrMalformed. It never panics.
func ParseCredentials(header string) (Credentials, error) {
	var c Credentials
	p, err := newParamScanner(header)
	if err != nil {
		return c, err
	}
	seen := 0
	for {
		name, value, ok, err := p.next()
		if err != nil {
			return Credentials{}, err
		}
		if !ok {
			break
		}
		bit, field := c.field(name)
		if bit == 0 {
			continue
		}
		if seen&bit != 0 {
			return Credentials{}, fmt.Errorf("parameter %q given twice: %w", clip(name), ErrMalformed)
		}
		seen |= bit
		if field != nil {
			*field = value
		} else if bit == fUserhash && !strings.EqualFold(value, "false") {
			// We never offer userhash (RFC 7616 3.4.4), so a hashed
			// username could only fail as an unknown user.
			return Credentials{}, fmt.Errorf("userhash is not supported: %w", ErrMalformed)
		}
	}
	for _, r := range requiredNames {
		if seen&r.bit == 0 {
			return Credentials{}, fmt.Errorf("missing %s: %w", r.name, ErrMalformed)
		}
	}
	if c.Username == "" || c.Nonce == "" || c.Response == "" {
		return Credentials{}, fmt.Errorf("empty username, nonce or response: %w", ErrMalformed)
	}
	if seen&fQOP != 0 {
		if c.Cnonce == "" {
			return Credentials{}, fmt.Errorf("qop without cnonce: %w", ErrMalformed)
		}
		if nc, ok := parseNC(c.NC); !ok || nc == 0 {
			return Credentials{}, fmt.Errorf("nc %q is not 8 hex digits from 00000001: %w", clip(c.NC), ErrMalformed)
		}
	}
	return c, nil
}

// field maps a parameter name to its presence bit and destination; the
// bit of a known parameter with no Credentials field (userhash) comes with
// a nil destination, an unknown parameter gives bit 0.
func (c *Credentials) field(name string) (int, *string) {
	switch len(name) {
	case 2:
		if strings.EqualFold(name, "nc") {
			return fNC, &c.NC
		}
	case 3:
		if strings.EqualFold(name, "uri") {
			return fURI, &c.URI
		}
		if strings.EqualFold(name, "qop") {
			return fQOP, &c.QOP
		}
	case 5:
		if strings.EqualFold(name, "realm") {
			return fRealm, &c.Realm
		}
		if strings.EqualFold(name, "nonce") {
			return fNonce, &c.Nonce
		}
	case 6:
		if strings.EqualFold(name, "cnonce") {
			return fCnonce, &c.Cnonce
		}
		if strings.EqualFold(name, "opaque") {
			return fOpaque, &c.Opaque
		}
	case 8:
		if strings.EqualFold(name, "username") {
			return fUsername, &c.Username
		}
		if strings.EqualFold(name, "response") {
			return fResponse, &c.Response
		}
		if strings.EqualFold(name, "userhash") {
			return fUserhash, nil
		}
	case 9:
		if strings.EqualFold(name, "algorithm") {
			return fAlgorithm, &c.Algorithm
		}
	}
	return 0, nil
}

// parseNC parses the 8-hex-digit nonce count (RFC 7616 3.4).
func parseNC(s string) (uint32, bool) {
	if len(s) != 8 {
		return 0, false
	}
	var n uint32
	for i := 0; i < len(s); i++ {
		v, ok := fromHex(s[i])
		if !ok {
			return 0, false
		}
		n = n<<4 | uint32(v)
	}
	return n, true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
