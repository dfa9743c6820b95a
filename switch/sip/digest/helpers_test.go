package digest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is an injectable Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// challenge is a parsed WWW-Authenticate value.
type challenge map[string]string

func parseChallenge(t testing.TB, header string) challenge {
	t.Helper()
	p, err := newParamScanner(header)
	if err != nil {
		t.Fatalf("challenge %q: %v", header, err)
	}
	ch := challenge{}
	for {
		name, value, ok, err := p.next()
		if err != nil {
			t.Fatalf("challenge %q: %v", header, err)
		}
		if !ok {
			return ch
		}
		ch[strings.ToLower(name)] = value
	}
}

// client answers challenges the way a UA does. Its hashing is written
// independently of computeResponse, with crypto/* and encoding/hex.
type client struct {
	user, pass, method, uri, cnonce string
	qop                             bool
	nc                              int
	algorithmParam                  bool // send algorithm=; MD5 may omit it
}

func hexHash(alg, s string) string {
	if strings.HasPrefix(strings.ToUpper(alg), "SHA-256") {
		h := sha256.Sum256([]byte(s))
		return hex.EncodeToString(h[:])
	}
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func (c *client) answer(ch challenge) string {
	alg := ch["algorithm"]
	if alg == "" {
		alg = "MD5"
	}
	ha1 := hexHash(alg, c.user+":"+ch["realm"]+":"+c.pass)
	if strings.HasSuffix(strings.ToLower(alg), "-sess") {
		ha1 = hexHash(alg, ha1+":"+ch["nonce"]+":"+c.cnonce)
	}
	ha2 := hexHash(alg, c.method+":"+c.uri)
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username=%s, realm=%s, nonce="%s", uri="%s"`, quote(c.user), quote(ch["realm"]), ch["nonce"], c.uri)
	var resp string
	if c.qop {
		c.nc++
		nc := fmt.Sprintf("%08x", c.nc)
		resp = hexHash(alg, ha1+":"+ch["nonce"]+":"+nc+":"+c.cnonce+":auth:"+ha2)
		fmt.Fprintf(&b, `, qop=auth, nc=%s, cnonce="%s"`, nc, c.cnonce)
	} else {
		resp = hexHash(alg, ha1+":"+ch["nonce"]+":"+ha2)
	}
	fmt.Fprintf(&b, `, response="%s"`, resp)
	if c.algorithmParam || alg != "MD5" {
		fmt.Fprintf(&b, ", algorithm=%s", alg)
	}
	if o, ok := ch["opaque"]; ok {
		fmt.Fprintf(&b, `, opaque="%s"`, o)
	}
	return b.String()
}

func passwords(m map[string]string) func(string) (string, bool) {
	return func(u string) (string, bool) {
		p, ok := m[u]
		return p, ok
	}
}

var testUsers = passwords(map[string]string{"1001": "secret", "al\"ice": "pw"})

// challengeFor returns the challenge of a for alg.
func challengeFor(t testing.TB, a *Authenticator, alg Algorithm) challenge {
	t.Helper()
	for _, h := range a.Challenges(false) {
		ch := parseChallenge(t, h)
		if ch["algorithm"] == alg.String() {
			return ch
		}
	}
	t.Fatalf("no %s challenge", alg)
	return nil
}
