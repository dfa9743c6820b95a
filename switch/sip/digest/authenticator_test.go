package digest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func newTest(t testing.TB, o Options) (*Authenticator, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	if o.Now == nil {
		o.Now = clk.Now
	}
	return New("hookswitch.test", o), clk
}

func TestChallengesFormat(t *testing.T) {
	a, _ := newTest(t, Options{})
	hs := a.Challenges(false)
	if len(hs) != 2 {
		t.Fatalf("%d challenges, want 2", len(hs))
	}
	for i, want := range []string{"SHA-256", "MD5"} {
		h := hs[i]
		if !strings.HasPrefix(h, `Digest realm="hookswitch.test", nonce="`) || !strings.Contains(h, ", algorithm="+want+`, qop="auth"`) {
			t.Errorf("challenge %d = %q", i, h)
		}
		if strings.Contains(h, "stale") {
			t.Errorf("challenge %d has stale: %q", i, h)
		}
		ch := parseChallenge(t, h)
		if ch["opaque"] == "" || len(ch["nonce"]) != nonceEncLen {
			t.Errorf("challenge %d lacks opaque or nonce: %q", i, h)
		}
	}
	for _, h := range a.Challenges(true) {
		if !strings.HasSuffix(h, ", stale=true") {
			t.Errorf("stale challenge %q", h)
		}
	}
	if a.Realm() != "hookswitch.test" {
		t.Errorf("Realm() = %q", a.Realm())
	}
	// Nonces are fresh for each call.
	if parseChallenge(t, a.Challenges(false)[0])["nonce"] == parseChallenge(t, a.Challenges(false)[0])["nonce"] {
		t.Error("two Challenges calls gave the same nonce")
	}
}

func TestChallengesAlgorithmsOption(t *testing.T) {
	a, _ := newTest(t, Options{Algorithms: []Algorithm{MD5, AlgorithmUnknown, MD5, Algorithm(99)}})
	hs := a.Challenges(false)
	if len(hs) != 1 || !strings.Contains(hs[0], "algorithm=MD5,") {
		t.Fatalf("challenges %q, want one MD5", hs)
	}
	// A realm with a quote is escaped in the challenge and round-trips.
	b := New(`a"b\c`, Options{})
	if ch := parseChallenge(t, b.Challenges(false)[0]); ch["realm"] != `a"b\c` {
		t.Fatalf("realm round trip %q", ch["realm"])
	}
}

func TestRoundTrip(t *testing.T) {
	for _, alg := range []Algorithm{MD5, SHA256, MD5Sess, SHA256Sess} {
		for _, qop := range []bool{true, false} {
			if alg.sess() && !qop {
				continue
			}
			t.Run(fmt.Sprintf("%s/qop=%v", alg, qop), func(t *testing.T) {
				a, _ := newTest(t, Options{Algorithms: []Algorithm{alg}})
				cl := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:hookswitch.test", cnonce: "c1", qop: qop}
				ch := challengeFor(t, a, alg)
				user, err := a.Verify("REGISTER", cl.answer(ch), testUsers)
				if err != nil || user != "1001" {
					t.Fatalf("Verify = %q, %v", user, err)
				}
			})
		}
	}
}

// MD5 without an algorithm parameter is MD5 (RFC 7616 3.4), and a name
// that needs escaping authenticates too.
func TestRoundTripMD5NoAlgorithmParam(t *testing.T) {
	a, _ := newTest(t, Options{})
	cl := &client{user: `al"ice`, pass: "pw", method: "INVITE", uri: "sip:2000@hookswitch.test", cnonce: "x", qop: true}
	h := cl.answer(challengeFor(t, a, MD5))
	if strings.Contains(h, "algorithm") {
		t.Fatalf("client sent algorithm: %q", h)
	}
	if user, err := a.Verify("INVITE", h, testUsers); err != nil || user != `al"ice` {
		t.Fatalf("Verify = %q, %v", user, err)
	}
}

func TestVerifyErrors(t *testing.T) {
	a, _ := newTest(t, Options{})
	other := New("hookswitch.test", Options{}) // another key
	md5Only, _ := newTest(t, Options{Algorithms: []Algorithm{MD5}})
	sess, _ := newTest(t, Options{Algorithms: []Algorithm{MD5Sess}})
	good := func() *client {
		return &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:hookswitch.test", cnonce: "c", qop: true}
	}
	ch := func() challenge { return challengeFor(t, a, SHA256) }
	for _, tc := range []struct {
		name   string
		a      *Authenticator
		method string
		header func() string
		want   error
	}{
		{"wrong password", a, "REGISTER", func() string {
			c := good()
			c.pass = "nope"
			return c.answer(ch())
		}, ErrBadResponse},
		{"wrong method", a, "INVITE", func() string { return good().answer(ch()) }, ErrBadResponse},
		{"unknown user", a, "REGISTER", func() string {
			c := good()
			c.user = "9999"
			return c.answer(ch())
		}, ErrUnknownUser},
		{"wrong realm", a, "REGISTER", func() string {
			c := ch()
			c["realm"] = "elsewhere"
			return good().answer(c)
		}, ErrRealm},
		{"tampered nonce", a, "REGISTER", func() string {
			c := ch()
			c["nonce"] = flipNonceBit(t, c["nonce"], 70) // in the random part
			return good().answer(c)
		}, ErrStale},
		{"foreign nonce", a, "REGISTER", func() string {
			c := ch()
			c["nonce"] = "dcd98b7102dd2f0e8b11d0f600bfb0c093"
			return good().answer(c)
		}, ErrStale},
		{"nonce from another key", a, "REGISTER", func() string {
			c := challengeFor(t, other, SHA256)
			c["opaque"] = ch()["opaque"]
			return good().answer(c)
		}, ErrStale},
		{"other opaque", a, "REGISTER", func() string {
			c := ch()
			c["opaque"] = "xyz"
			return good().answer(c)
		}, ErrStale},
		{"unsupported algorithm", a, "REGISTER", func() string {
			c := ch()
			c["algorithm"] = "SHA-512-256"
			return good().answer(c)
		}, ErrAlgorithm},
		{"algorithm not offered", md5Only, "REGISTER", func() string {
			return good().answer(challengeFor(t, a, SHA256))
		}, ErrAlgorithm},
		{"sess not offered", a, "REGISTER", func() string {
			c := ch()
			c["algorithm"] = "MD5-sess"
			return good().answer(c)
		}, ErrAlgorithm},
		{"qop auth-int", a, "REGISTER", func() string {
			return strings.Replace(good().answer(ch()), "qop=auth", "qop=auth-int", 1)
		}, ErrMalformed},
		{"short response", a, "REGISTER", func() string {
			c := good()
			c.qop = false
			h := c.answer(ch())
			i := strings.Index(h, `response="`) + len(`response="`)
			return h[:i] + h[i+32:] // SHA-256 needs 64 digits
		}, ErrMalformed},
		{"response not hex", a, "REGISTER", func() string {
			h := good().answer(ch())
			i := strings.Index(h, `response="`) + len(`response="`)
			return h[:i] + "zz" + h[i+2:]
		}, ErrMalformed},
		{"sess without cnonce", sess, "REGISTER", func() string {
			c := good()
			c.qop = false
			return c.answer(challengeFor(t, sess, MD5Sess))
		}, ErrMalformed},
		{"not digest", a, "REGISTER", func() string { return "Basic dXNlcjpwYXNz" }, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.header()
			user, err := tc.a.Verify(tc.method, h, testUsers)
			if !errors.Is(err, tc.want) || user != "" {
				t.Fatalf("Verify(%q) = %q, %v; want %v", h, user, err, tc.want)
			}
		})
	}
}

// A failed attempt does not consume the nonce: the right answer to the
// same challenge still works afterwards.
func TestFailureDoesNotBurnNonce(t *testing.T) {
	a, _ := newTest(t, Options{})
	ch := challengeFor(t, a, SHA256)
	bad := &client{user: "1001", pass: "guess", method: "REGISTER", uri: "sip:x", cnonce: "c", qop: true}
	if _, err := a.Verify("REGISTER", bad.answer(ch), testUsers); !errors.Is(err, ErrBadResponse) {
		t.Fatalf("guess: %v", err)
	}
	good := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:x", cnonce: "c", qop: true}
	if _, err := a.Verify("REGISTER", good.answer(ch), testUsers); err != nil {
		t.Fatalf("after a failed guess: %v", err)
	}
}

func TestExpiredNonceIsStale(t *testing.T) {
	a, clk := newTest(t, Options{NonceTTL: time.Minute})
	ch := challengeFor(t, a, MD5)
	cl := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:x", cnonce: "c", qop: true}
	clk.Add(59 * time.Second)
	if _, err := a.Verify("REGISTER", cl.answer(ch), testUsers); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	clk.Add(2 * time.Second)
	if _, err := a.Verify("REGISTER", cl.answer(ch), testUsers); !errors.Is(err, ErrStale) {
		t.Fatalf("after expiry: %v, want ErrStale", err)
	}
	// A nonce from the far future (clock stepped back) is stale as well.
	ch = challengeFor(t, a, MD5)
	clk.Add(-time.Hour)
	if _, err := a.Verify("REGISTER", cl.answer(ch), testUsers); !errors.Is(err, ErrStale) {
		t.Fatalf("future nonce: %v, want ErrStale", err)
	}
}

func TestNonceCount(t *testing.T) {
	a, _ := newTest(t, Options{})
	ch := challengeFor(t, a, SHA256)
	cl := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:x", cnonce: "c", qop: true}
	h1 := cl.answer(ch) // nc=1
	if _, err := a.Verify("REGISTER", h1, testUsers); err != nil {
		t.Fatalf("nc=1: %v", err)
	}
	if _, err := a.Verify("REGISTER", h1, testUsers); !errors.Is(err, ErrReplay) {
		t.Fatalf("nc=1 again: %v, want ErrReplay", err)
	}
	cl.nc = 4
	h5 := cl.answer(ch) // nc=5: gaps are fine
	if _, err := a.Verify("REGISTER", h5, testUsers); err != nil {
		t.Fatalf("nc=5: %v", err)
	}
	cl.nc = 2
	if _, err := a.Verify("REGISTER", cl.answer(ch), testUsers); err != nil {
		t.Fatalf("nc=3 after 5 (out of order, never used): %v", err)
	}
	cl.nc = 2
	if _, err := a.Verify("REGISTER", cl.answer(ch), testUsers); !errors.Is(err, ErrReplay) {
		t.Fatalf("nc=3 twice: %v, want ErrReplay", err)
	}
	cl.nc = 4
	if _, err := a.Verify("REGISTER", cl.answer(ch), testUsers); !errors.Is(err, ErrReplay) {
		t.Fatalf("nc=5 twice: %v, want ErrReplay", err)
	}
	cl.nc = 5
	if _, err := a.Verify("REGISTER", cl.answer(ch), testUsers); err != nil {
		t.Fatalf("nc=6: %v", err)
	}
	// The same nonce without qop after qop use is a replay too.
	nq := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:x"}
	if _, err := a.Verify("REGISTER", nq.answer(ch), testUsers); !errors.Is(err, ErrReplay) {
		t.Fatalf("no qop on a used nonce: %v, want ErrReplay", err)
	}
}

func TestNoQOPNonceIsOneTime(t *testing.T) {
	a, _ := newTest(t, Options{})
	ch := challengeFor(t, a, MD5)
	cl := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:x"}
	h := cl.answer(ch)
	if _, err := a.Verify("REGISTER", h, testUsers); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if _, err := a.Verify("REGISTER", h, testUsers); !errors.Is(err, ErrReplay) {
		t.Fatalf("second use: %v, want ErrReplay", err)
	}
	q := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:x", cnonce: "c", qop: true}
	if _, err := a.Verify("REGISTER", q.answer(ch), testUsers); !errors.Is(err, ErrReplay) {
		t.Fatalf("qop after one-time use: %v, want ErrReplay", err)
	}
}

// Many goroutines verify at once, each with its own nonces plus one shared
// nonce: every distinct (nonce, nc) is accepted exactly once.
func TestConcurrentVerify(t *testing.T) {
	a, clk := newTest(t, Options{})
	shared := challengeFor(t, a, SHA256)
	const workers, each = 8, 200
	var accepted sync.WaitGroup
	var mu sync.Mutex
	sharedOK := 0
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		accepted.Add(1)
		go func(w int) {
			defer accepted.Done()
			for i := 0; i < each; i++ {
				alg := SHA256
				if i%2 == 1 {
					alg = MD5
				}
				cl := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:x", cnonce: fmt.Sprint(w), qop: true}
				if _, err := a.Verify("REGISTER", cl.answer(challengeFor(t, a, alg)), testUsers); err != nil {
					errs <- fmt.Errorf("worker %d request %d: %w", w, i, err)
					return
				}
				// Everyone sends nc=1..3 on the shared nonce.
				sc := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:x", cnonce: "s", qop: true, nc: i % 3}
				_, err := a.Verify("REGISTER", sc.answer(shared), testUsers)
				switch {
				case err == nil:
					mu.Lock()
					sharedOK++
					mu.Unlock()
				case !errors.Is(err, ErrReplay):
					errs <- fmt.Errorf("shared nonce: %w", err)
					return
				}
				if i%50 == 0 {
					clk.Add(time.Second)
				}
			}
		}(w)
	}
	accepted.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// nc=1, 2, 3 can each be accepted at most once, and nc=1 comes first
	// for some worker, so at least one success.
	if sharedOK < 1 || sharedOK > 3 {
		t.Errorf("shared nonce accepted %d times, want 1..3", sharedOK)
	}
	if n := a.replays.len(); n != workers*each+1 {
		t.Errorf("replay table has %d entries, want %d", n, workers*each+1)
	}
}

// VerifyCredentials lets a caller check the digest-uri before verifying.
func TestVerifyCredentials(t *testing.T) {
	a, _ := newTest(t, Options{})
	cl := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:hookswitch.test", cnonce: "c", qop: true}
	c, err := ParseCredentials(cl.answer(challengeFor(t, a, SHA256)))
	if err != nil || c.URI != "sip:hookswitch.test" {
		t.Fatalf("ParseCredentials = %+v, %v", c, err)
	}
	if user, err := a.VerifyCredentials("REGISTER", c, testUsers); err != nil || user != "1001" {
		t.Fatalf("VerifyCredentials = %q, %v", user, err)
	}
	if _, err := a.VerifyCredentials("REGISTER", c, testUsers); !errors.Is(err, ErrReplay) {
		t.Fatalf("again: %v, want ErrReplay", err)
	}
	c.NC = "0"
	if _, err := a.VerifyCredentials("REGISTER", c, testUsers); !errors.Is(err, ErrMalformed) {
		t.Fatalf("bad nc: %v, want ErrMalformed", err)
	}
}
