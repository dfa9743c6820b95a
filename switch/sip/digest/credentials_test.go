package digest

import (
	"errors"
	"strings"
	"testing"
)

const base = `username="1001", realm="r", nonce="n", uri="sip:r", response="00"`

func TestParseCredentialsVariants(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		want         Credentials
	}{
		{"minimal", "Digest " + base,
			Credentials{Username: "1001", Realm: "r", Nonce: "n", URI: "sip:r", Response: "00"}},
		{"case and whitespace", "  dIgEsT\tUSERNAME = \"1001\" ,REALM=\"r\",,  Nonce=n ,uri=\"sip:r\",\r\n response=00 , ",
			Credentials{Username: "1001", Realm: "r", Nonce: "n", URI: "sip:r", Response: "00"}},
		{"escapes and commas in quotes", `Digest username="a\"b\\c", realm="x, y=z", nonce="n", uri="sip:a,b", response="00"`,
			Credentials{Username: `a"b\c`, Realm: "x, y=z", Nonce: "n", URI: "sip:a,b", Response: "00"}},
		{"qop fields quoted or not", `Digest ` + base + `, qop="auth", nc="0000000a", cnonce=xyz, algorithm="SHA-256", opaque=o`,
			Credentials{Username: "1001", Realm: "r", Nonce: "n", URI: "sip:r", Response: "00", QOP: "auth", NC: "0000000a", Cnonce: "xyz", Algorithm: "SHA-256", Opaque: "o"}},
		{"unknown params ignored", `Digest foo=bar, ` + base + `, x="y,z", userhash=false`,
			Credentials{Username: "1001", Realm: "r", Nonce: "n", URI: "sip:r", Response: "00"}},
		{"empty realm", `Digest username="u", realm="", nonce="n", uri="sip:r", response="00"`,
			Credentials{Username: "u", Nonce: "n", URI: "sip:r", Response: "00"}},
		{"utf-8 username", `Digest username="Jürgen", realm="r", nonce="n", uri="sip:r", response="00"`,
			Credentials{Username: "Jürgen", Realm: "r", Nonce: "n", URI: "sip:r", Response: "00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCredentials(tc.header)
			if err != nil {
				t.Fatalf("ParseCredentials(%q): %v", tc.header, err)
			}
			if got != tc.want {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseCredentialsMalformed(t *testing.T) {
	a, _ := newTest(t, Options{})
	for _, tc := range []struct{ name, header string }{
		{"empty", ""},
		{"blank", "   "},
		{"scheme only", "Digest"},
		{"scheme and space", "Digest   "},
		{"basic", "Basic " + base},
		{"no space after scheme", `Digest,` + base},
		{"scheme glued", `Digestusername="u"`},
		{"missing username", `Digest realm="r", nonce="n", uri="sip:r", response="00"`},
		{"missing realm", `Digest username="u", nonce="n", uri="sip:r", response="00"`},
		{"missing nonce", `Digest username="u", realm="r", uri="sip:r", response="00"`},
		{"missing uri", `Digest username="u", realm="r", nonce="n", response="00"`},
		{"missing response", `Digest username="u", realm="r", nonce="n", uri="sip:r"`},
		{"empty username", `Digest username="", realm="r", nonce="n", uri="sip:r", response="00"`},
		{"empty response", `Digest username="u", realm="r", nonce="n", uri="sip:r", response=""`},
		{"unterminated quote", `Digest username="u, realm="r", nonce="n", uri="sip:r", response="00`},
		{"unterminated at end", `Digest ` + base + `, opaque="abc`},
		{"backslash at end", `Digest ` + base + `, opaque="abc\`},
		{"escaped CR", "Digest " + base + ", opaque=\"a\\\r\""},
		{"NUL in quotes", "Digest " + base + ", opaque=\"a\x00b\""},
		{"control unquoted", "Digest " + base + ", opaque=a\x01b"},
		{"no value", `Digest username=, realm="r", nonce="n", uri="sip:r", response="00"`},
		{"no equals", `Digest username "u", realm="r", nonce="n", uri="sip:r", response="00"`},
		{"value at end missing", `Digest ` + base + `, opaque=`},
		{"name missing", `Digest ="u", ` + base},
		{"junk after quoted", `Digest username="u"x, realm="r", nonce="n", uri="sip:r", response="00"`},
		{"two tokens", `Digest username=u v, realm="r", nonce="n", uri="sip:r", response="00"`},
		{"duplicate response", `Digest ` + base + `, response="11"`},
		{"duplicate case-insensitive", `Digest ` + base + `, Realm="r"`},
		{"qop without nc", `Digest ` + base + `, qop=auth, cnonce="c"`},
		{"qop without cnonce", `Digest ` + base + `, qop=auth, nc=00000001`},
		{"nc short", `Digest ` + base + `, qop=auth, nc=1, cnonce="c"`},
		{"nc not hex", `Digest ` + base + `, qop=auth, nc=0000000g, cnonce="c"`},
		{"nc zero", `Digest ` + base + `, qop=auth, nc=00000000, cnonce="c"`},
		{"userhash", `Digest ` + base + `, userhash=true`},
		{"garbage", "\x00\xff\xfe garbage ==== \"\"\","},
		{"only commas", "Digest ,,,,"},
		{"huge", "Digest " + base + `, x="` + strings.Repeat("a", 1<<20) + `"`},
		{"huge many params", "Digest " + strings.Repeat("a=b,", 1<<16)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCredentials(tc.header)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseCredentials(%q) = %+v, %v; want ErrMalformed", clip(tc.header), c, err)
			}
			if c != (Credentials{}) {
				t.Fatalf("credentials returned with an error: %+v", c)
			}
			if _, err := a.Verify("REGISTER", tc.header, testUsers); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Verify: %v, want ErrMalformed", err)
			}
			if len(err.Error()) > 200 {
				t.Fatalf("error message is %d bytes", len(err.Error()))
			}
		})
	}
}

// formatCredentials renders c the way a client would, quoting everything.
func formatCredentials(c Credentials) string {
	var b strings.Builder
	b.WriteString("Digest ")
	for i, p := range []struct{ n, v string }{
		{"username", c.Username}, {"realm", c.Realm}, {"nonce", c.Nonce}, {"uri", c.URI},
		{"response", c.Response}, {"algorithm", c.Algorithm}, {"cnonce", c.Cnonce},
		{"opaque", c.Opaque}, {"qop", c.QOP}, {"nc", c.NC},
	} {
		if i >= 5 && p.v == "" {
			continue // optional and absent
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.n + "=" + quote(p.v))
	}
	return b.String()
}

func FuzzParseCredentials(f *testing.F) {
	f.Add("Digest " + base)
	f.Add(`Digest username="a\"b", realm="x, y", nonce="n", uri="u", response="00", qop=auth, nc=00000001, cnonce="c"`)
	f.Add(`Digest username="u, realm=`)
	f.Add("Digest " + base + ", opaque=\"\\\x00\"")
	f.Add(formatCredentials(rfc2617))
	a := New("r", Options{})
	f.Fuzz(func(t *testing.T, header string) {
		c, err := ParseCredentials(header)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
		} else {
			if c.Username == "" || c.Nonce == "" || c.Response == "" {
				t.Fatalf("accepted with empty required field: %+v", c)
			}
			// Whatever parsed renders back and parses to the same fields.
			again, err := ParseCredentials(formatCredentials(c))
			if err != nil || again != c {
				t.Fatalf("round trip: %+v, %v; want %+v", again, err, c)
			}
		}
		// Verify must not panic on anything either.
		if _, err := a.Verify("REGISTER", header, testUsers); err == nil {
			t.Fatalf("fuzz input authenticated: %q", header)
		}
	})
}
