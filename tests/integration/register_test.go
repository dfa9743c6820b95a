package integration

import (
	"slices"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/sip/digest"
)

// contacts maps each Contact of a REGISTER response to its expires param.
func contacts(t testing.TB, res *sip.Response) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, h := range res.GetHeaders("Contact") {
		c, ok := h.(*sip.ContactHeader)
		if !ok {
			t.Fatalf("Contact %q did not parse", h.Value())
		}
		out[c.Address.String()], _ = c.Params.Get("expires")
	}
	return out
}

func TestRegisterGoodPassword(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1001")
	res := p.register(t, 600, true)
	if res.StatusCode != 200 {
		t.Fatalf("REGISTER: %d %s, want 200", res.StatusCode, res.Reason)
	}
	contact := p.contact()
	got := contacts(t, res)
	if exp, ok := got[contact.String()]; !ok || exp != "600" {
		t.Fatalf("200 Contacts %v, want %s with expires=600", got, contact.String())
	}
	bs := sw.srv.Registrar.Lookup("1001")
	if len(bs) != 1 || bs[0].Contact != contact.String() || bs[0].Source != p.addr.String() {
		t.Fatalf("bindings %+v, want one for %s from %s", bs, contact.String(), p.addr)
	}
}

// challengeAlgorithms returns the algorithm of each WWW-Authenticate of a
// 401 to an unauthenticated REGISTER, checking the common parameters.
func challengeAlgorithms(t *testing.T, sw *testSwitch) []string {
	t.Helper()
	p := newPhone(t, sw, "1001")
	res := p.do(t, p.registerReq(600, true, ""))
	if res.StatusCode != 401 {
		t.Fatalf("REGISTER without credentials: %d, want 401", res.StatusCode)
	}
	var algs []string
	for _, h := range res.GetHeaders("WWW-Authenticate") {
		v := h.Value()
		if !strings.HasPrefix(v, "Digest ") || !strings.Contains(v, `realm="hookswitch"`) ||
			!strings.Contains(v, "nonce=") || !strings.Contains(v, `qop="auth"`) {
			t.Errorf("challenge %q", v)
		}
		_, alg, _ := strings.Cut(v, "algorithm=")
		alg, _, _ = strings.Cut(alg, ",")
		algs = append(algs, alg)
	}
	if n := len(sw.srv.Registrar.Lookup("1001")); n != 0 {
		t.Fatalf("%d bindings after an unauthenticated REGISTER", n)
	}
	return algs
}

func TestRegisterChallenge(t *testing.T) {
	t.Parallel()
	t.Run("default", func(t *testing.T) {
		t.Parallel()
		if algs := challengeAlgorithms(t, newSwitch(t)); !slices.Equal(algs, []string{"MD5"}) {
			t.Fatalf("challenge algorithms %v, want [MD5]", algs)
		}
	})
	t.Run("SHA-256 and MD5", func(t *testing.T) {
		t.Parallel()
		sw := newSwitch(t, func(c *server.Config) {
			c.DigestAlgorithms = []digest.Algorithm{digest.SHA256, digest.MD5}
		})
		if algs := challengeAlgorithms(t, sw); !slices.Equal(algs, []string{"SHA-256", "MD5"}) {
			t.Fatalf("challenge algorithms %v, want [SHA-256 MD5]", algs)
		}
		// The phone answers the first (SHA-256) challenge.
		if res := newPhone(t, sw, "1002").register(t, 600, true); res.StatusCode != 200 {
			t.Fatalf("REGISTER with SHA-256 credentials: %d, want 200", res.StatusCode)
		}
	})
}

func TestRegisterWrongPassword(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1001")
	p.password = "not-the-password"
	if res := p.register(t, 600, true); res.StatusCode != 403 {
		t.Fatalf("REGISTER with a wrong password: %d, want 403", res.StatusCode)
	}
	if n := len(sw.srv.Registrar.Lookup("1001")); n != 0 {
		t.Fatalf("%d bindings after a failed REGISTER", n)
	}
}

// With SHA-256 offered first, a phone that only does MD5 answers the
// second challenge and gets in.
func TestRegisterMD5(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, func(c *server.Config) {
		c.DigestAlgorithms = []digest.Algorithm{digest.SHA256, digest.MD5}
	})
	p := newPhone(t, sw, "1001")
	ch := p.do(t, p.registerReq(600, true, ""))
	// Answer the second (MD5) challenge instead of the first.
	var md5 *sip.Response
	for _, h := range ch.GetHeaders("WWW-Authenticate") {
		if strings.Contains(h.Value(), "algorithm=MD5") {
			md5 = sip.NewResponse(401, "Unauthorized")
			md5.AppendHeader(sip.NewHeader("WWW-Authenticate", h.Value()))
		}
	}
	if md5 == nil {
		t.Fatal("no MD5 challenge")
	}
	uri := p.switchURI("")
	auth := p.authorization(t, md5, "WWW-Authenticate", sip.REGISTER, uri.String(), 1)
	if res := p.do(t, p.registerReq(600, true, auth)); res.StatusCode != 200 {
		t.Fatalf("REGISTER with MD5 credentials: %d, want 200", res.StatusCode)
	}
}

func TestRegisterStaleNonceAfterRestart(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1001")
	ch := p.do(t, p.registerReq(600, true, ""))
	if ch.StatusCode != 401 {
		t.Fatalf("REGISTER: %d, want 401", ch.StatusCode)
	}
	sw.restart(t) // a new nonce key: the old nonce was not issued here
	uri := p.switchURI("")
	auth := p.authorization(t, ch, "WWW-Authenticate", sip.REGISTER, uri.String(), 1)
	res := p.do(t, p.registerReq(600, true, auth))
	if res.StatusCode != 401 {
		t.Fatalf("REGISTER with a nonce of the previous run: %d, want 401", res.StatusCode)
	}
	if h := res.GetHeader("WWW-Authenticate"); h == nil || !strings.Contains(h.Value(), "stale=true") {
		t.Fatalf("challenge %v, want stale=true", h)
	}
	// The client retries with the fresh nonce and gets in.
	auth = p.authorization(t, res, "WWW-Authenticate", sip.REGISTER, uri.String(), 1)
	if res := p.do(t, p.registerReq(600, true, auth)); res.StatusCode != 200 {
		t.Fatalf("REGISTER after the stale challenge: %d, want 200", res.StatusCode)
	}
}

func TestRegisterReplay(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1001")
	ch := p.do(t, p.registerReq(600, true, ""))
	uri := p.switchURI("")
	auth := p.authorization(t, ch, "WWW-Authenticate", sip.REGISTER, uri.String(), 1)
	if res := p.do(t, p.registerReq(600, true, auth)); res.StatusCode != 200 {
		t.Fatalf("first use of the credentials: %d, want 200", res.StatusCode)
	}
	// Same nonce, same nc, in a new request: a replay.
	res := p.do(t, p.registerReq(600, true, auth))
	if res.StatusCode == 200 {
		t.Fatal("replayed Authorization accepted")
	}
	if res.StatusCode != 401 {
		t.Errorf("replayed Authorization: %d, want 401", res.StatusCode)
	}
	// The next nonce count on the same nonce is fine (RFC 7616 3.4).
	auth2 := p.authorization(t, ch, "WWW-Authenticate", sip.REGISTER, uri.String(), 2)
	if res := p.do(t, p.registerReq(600, true, auth2)); res.StatusCode != 200 {
		t.Fatalf("nc=2 on the same nonce: %d, want 200", res.StatusCode)
	}
}

func TestUnregister(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1001")
	p.mustRegister(t)
	if n := len(sw.srv.Registrar.Lookup("1001")); n != 1 {
		t.Fatalf("%d bindings after REGISTER, want 1", n)
	}
	res := p.register(t, 0, true)
	if res.StatusCode != 200 {
		t.Fatalf("unREGISTER: %d, want 200", res.StatusCode)
	}
	if got := contacts(t, res); len(got) != 0 {
		t.Fatalf("200 to unREGISTER lists %v", got)
	}
	if n := len(sw.srv.Registrar.Lookup("1001")); n != 0 {
		t.Fatalf("%d bindings after unREGISTER, want 0", n)
	}
	if bs, err := sw.st.Bindings("1001"); err != nil || len(bs) != 0 {
		t.Fatalf("stored bindings %v (%v) after unREGISTER", bs, err)
	}
}

func TestRegisterMaxContacts(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	for i := range 2 {
		if res := newPhone(t, sw, "1003").register(t, 600, true); res.StatusCode != 200 {
			t.Fatalf("contact %d: %d, want 200", i+1, res.StatusCode)
		}
	}
	if res := newPhone(t, sw, "1003").register(t, 600, true); res.StatusCode != 403 {
		t.Fatalf("third contact: %d, want 403", res.StatusCode)
	}
	if n := len(sw.srv.Registrar.Lookup("1003")); n != 2 {
		t.Fatalf("%d bindings, want 2", n)
	}
}

func TestRegisterIntervalTooBrief(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1001")
	res := p.register(t, 30, true)
	if res.StatusCode != 423 {
		t.Fatalf("Expires 30: %d, want 423", res.StatusCode)
	}
	if h := res.GetHeader("Min-Expires"); h == nil || h.Value() != "60" {
		t.Fatalf("Min-Expires %v, want 60", h)
	}
	if n := len(sw.srv.Registrar.Lookup("1001")); n != 0 {
		t.Fatalf("%d bindings after 423", n)
	}
}

func TestRegisterQuery(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p1, p2 := newPhone(t, sw, "1002"), newPhone(t, sw, "1002")
	p1.mustRegister(t)
	p2.mustRegister(t)
	res := newPhone(t, sw, "1002").register(t, -1, false)
	if res.StatusCode != 200 {
		t.Fatalf("query: %d, want 200", res.StatusCode)
	}
	got := contacts(t, res)
	c1, c2 := p1.contact(), p2.contact()
	if len(got) != 2 || got[c1.String()] == "" || got[c2.String()] == "" {
		t.Fatalf("query lists %v, want %s and %s with expires", got, c1.String(), c2.String())
	}
	if n := len(sw.srv.Registrar.Lookup("1002")); n != 2 {
		t.Fatalf("query changed the bindings: %d, want 2", n)
	}
}

// A restart loads the bindings from the store: the phone is still
// registered and still rings.
func TestRestartKeepsBindings(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	callee := newPhone(t, sw, "1002")
	callee.mustRegister(t)
	sw.restart(t)
	bs := sw.srv.Registrar.Lookup("1002")
	contact := callee.contact()
	if len(bs) != 1 || bs[0].Contact != contact.String() {
		t.Fatalf("bindings after restart %+v, want %s", bs, contact.String())
	}
	callee.setPolicy(policyRing, 0)
	caller := newPhone(t, sw, "1001")
	c := caller.dial(t, "1002")
	in := callee.waitIncoming(t)
	if in.req.From().Address.User != "1001" {
		t.Errorf("callee sees caller %q, want 1001", in.req.From().Address.User)
	}
	if r := c.next(t); r.StatusCode != 100 && r.StatusCode != 180 {
		t.Fatalf("caller got %d, want ringing", r.StatusCode)
	}
	c.cancel(t)
}
