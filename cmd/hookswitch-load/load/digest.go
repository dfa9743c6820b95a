package load

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// challenge is a parsed digest challenge (RFC 2617 3.2.1, RFC 3261 22.4)
// that a client keeps to authenticate pre-emptively: the same nonce with an
// increasing nonce count, as phones do.
type challenge struct {
	realm, nonce, opaque string
	qop                  bool // qop="auth" offered
	nc                   uint32
}

// parseChallenge reads a Digest challenge; only MD5 is supported.
func parseChallenge(v []byte) (*challenge, error) {
	s := string(v)
	if len(s) < 7 || !strings.EqualFold(s[:7], "Digest ") {
		return nil, fmt.Errorf("scheme of %q: %w", clip(s), ErrChallenge)
	}
	c := &challenge{}
	algo := "MD5"
	for p := range params(s[7:]) {
		k, val, _ := strings.Cut(p, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.Trim(strings.TrimSpace(val), `"`)
		switch k {
		case "realm":
			c.realm = val
		case "nonce":
			c.nonce = val
		case "opaque":
			c.opaque = val
		case "algorithm":
			algo = val
		case "qop":
			for q := range strings.SplitSeq(val, ",") {
				if strings.EqualFold(strings.TrimSpace(q), "auth") {
					c.qop = true
				}
			}
		}
	}
	if !strings.EqualFold(algo, "MD5") {
		return nil, fmt.Errorf("algorithm %q: %w", clip(algo), ErrChallenge)
	}
	if c.nonce == "" {
		return nil, fmt.Errorf("no nonce: %w", ErrChallenge)
	}
	return c, nil
}

// params splits a comma-separated parameter list, honouring quotes.
func params(s string) func(func(string) bool) {
	return func(yield func(string) bool) {
		start, quoted := 0, false
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '"':
				quoted = !quoted
			case ',':
				if !quoted {
					if !yield(s[start:i]) {
						return
					}
					start = i + 1
				}
			}
		}
		if start < len(s) {
			yield(s[start:])
		}
	}
}

// authorize appends an Authorization (or Proxy-Authorization) header line
// for the next nonce count of c. The caller serialises calls per challenge.
func (c *challenge) authorize(b []byte, header, user, password, method, uri, cnonce string) []byte {
	c.nc++
	var nc [8]byte
	hexNC(&nc, c.nc)
	ha1 := md5hex(user, ":", c.realm, ":", password)
	ha2 := md5hex(method, ":", uri)
	var resp [32]byte
	if c.qop {
		resp = md5hex(string(ha1[:]), ":", c.nonce, ":", string(nc[:]), ":", cnonce, ":auth:", string(ha2[:]))
	} else {
		resp = md5hex(string(ha1[:]), ":", c.nonce, ":", string(ha2[:]))
	}
	b = append(b, header...)
	b = append(b, `: Digest username="`...)
	b = append(b, user...)
	b = append(b, `", realm="`...)
	b = append(b, c.realm...)
	b = append(b, `", nonce="`...)
	b = append(b, c.nonce...)
	b = append(b, `", uri="`...)
	b = append(b, uri...)
	b = append(b, `", response="`...)
	b = append(b, resp[:]...)
	b = append(b, `", algorithm=MD5`...)
	if c.opaque != "" {
		b = append(b, `, opaque="`...)
		b = append(b, c.opaque...)
		b = append(b, '"')
	}
	if c.qop {
		b = append(b, `, qop=auth, nc=`...)
		b = append(b, nc[:]...)
		b = append(b, `, cnonce="`...)
		b = append(b, cnonce...)
		b = append(b, '"')
	}
	return append(b, "\r\n"...)
}

func hexNC(out *[8]byte, n uint32) {
	const digits = "0123456789abcdef"
	for i := 7; i >= 0; i-- {
		out[i] = digits[n&0xf]
		n >>= 4
	}
}

// md5hex hashes the concatenation of parts without building a string.
func md5hex(parts ...string) [32]byte {
	h := md5.New()
	for _, p := range parts {
		h.Write([]byte(p))
	}
	var sum [md5.Size]byte
	var out [32]byte
	hex.Encode(out[:], h.Sum(sum[:0]))
	return out
}

// isStale reports whether a challenge says stale=true (RFC 2617 3.2.1):
// our nonce expired or was replayed, so retrying is right.
func isStale(v []byte) bool {
	return bytes.Contains(bytes.ToLower(v), []byte("stale=true"))
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return strconv.Quote(s)[1 : len(strconv.Quote(s))-1]
}
