package trunk

import (
	"errors"
	"strings"
	"testing"

	gosip "github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

func challenge(code int, hdrs ...string) *gosip.Response {
	res := &gosip.Response{StatusCode: code, Reason: "Unauthorized"}
	name := "WWW-Authenticate"
	if code == 407 {
		name = "Proxy-Authenticate"
	}
	for _, h := range hdrs {
		res.AppendHeader(gosip.NewHeader(name, h))
	}
	return res
}

func TestPickChallenge(t *testing.T) {
	sha := `Digest realm="a", nonce="n1", algorithm=SHA-256, qop="auth"`
	md5 := `Digest realm="a", nonce="n1", algorithm=MD5, qop="auth"`
	other := `Digest realm="b", nonce="n2", qop="auth"`
	sess := `Digest realm="a", nonce="n3", algorithm=MD5-sess, qop="auth"`
	for _, tc := range []struct {
		name, realm string
		hdrs        []string
		want, err   string
	}{
		{"server order: sha first", "", []string{sha, md5}, "SHA-256", ""},
		{"server order: md5 first", "", []string{md5, sha}, "MD5", ""},
		{"skip unsupported", "", []string{sess, md5}, "MD5", ""},
		{"realm", "b", []string{sha, other}, "", ""},
		{"realm missing", "c", []string{sha, other}, "", `no challenge we can answer for realm "c" (offered: SHA-256 realm "a", MD5 realm "b")`},
		{"none", "", nil, "", "no digest challenge"},
		{"basic", "", []string{`Basic realm="x"`}, "", "unparsable"},
	} {
		var hs []gosip.Header
		for _, h := range tc.hdrs {
			hs = append(hs, gosip.NewHeader("WWW-Authenticate", h))
		}
		ch, err := pickChallenge(hs, tc.realm)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if ch.Algorithm != tc.want || (tc.realm != "" && ch.Realm != tc.realm) {
			t.Errorf("%s: picked %s realm %s", tc.name, ch.Algorithm, ch.Realm)
		}
	}
}

func TestClientAuthRounds(t *testing.T) {
	a := clientAuth{user: "u", password: "p"}
	ch := `Digest realm="a", nonce="n1", algorithm=MD5, qop="auth"`
	req := func() *gosip.Request {
		return gosip.NewRequest(gosip.REGISTER, gosip.Uri{Scheme: "sip", Host: "reg.example"})
	}

	a.begin()
	if err := a.challenged(challenge(401, ch)); err != nil {
		t.Fatal(err)
	}
	r := req()
	if err := a.apply(r); err != nil {
		t.Fatal(err)
	}
	cred, err := digest.ParseCredentials(r.GetHeader("Authorization").Value())
	if err != nil {
		t.Fatal(err)
	}
	if cred.Username != "u" || cred.URI != "sip:reg.example" || cred.Nc != 1 || cred.QOP != "auth" || cred.Realm != "a" {
		t.Errorf("credentials %+v", cred)
	}
	// A second 401 in the same exchange: the password is wrong.
	if err := a.challenged(challenge(401, ch)); !errors.Is(err, ErrAuth) {
		t.Errorf("second challenge: %v, want ErrAuth", err)
	}

	// Next exchange: the held challenge goes first with the next count;
	// one new challenge is answered (the nonce may have expired).
	a.begin()
	if err := a.challenged(challenge(401, ch)); err != nil {
		t.Fatal(err)
	}
	a.begin()
	r = req()
	a.apply(r)
	r = req()
	a.apply(r)
	cred, _ = digest.ParseCredentials(r.GetHeader("Authorization").Value())
	if cred.Nc != 2 {
		t.Errorf("nc %d, want 2 on the held challenge's second use", cred.Nc)
	}
	if err := a.challenged(challenge(401, ch)); err != nil {
		t.Errorf("challenge after a held one: %v", err)
	}
	// stale=true is never a wrong password.
	if err := a.challenged(challenge(401, ch+", stale=true")); err != nil {
		t.Errorf("stale challenge: %v", err)
	}

	// 407 goes to Proxy-Authorization.
	p := clientAuth{user: "u", password: "p"}
	p.begin()
	if err := p.challenged(challenge(407, ch)); err != nil {
		t.Fatal(err)
	}
	r = req()
	p.apply(r)
	if r.GetHeader("Proxy-Authorization") == nil || r.GetHeader("Authorization") != nil {
		t.Errorf("407 answered in the wrong header: %s", r.String())
	}

	n := clientAuth{user: "u"}
	if err := n.challenged(challenge(401, ch)); err == nil || !strings.Contains(err.Error(), "no password") {
		t.Errorf("no password: %v", err)
	}
}
