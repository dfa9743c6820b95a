package digest

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// RFC 2617 3.5: MD5, qop=auth.
var rfc2617 = Credentials{
	Username: "Mufasa",
	Realm:    "testrealm@host.com",
	Nonce:    "dcd98b7102dd2f0e8b11d0f600bfb0c093",
	URI:      "/dir/index.html",
	QOP:      "auth",
	NC:       "00000001",
	Cnonce:   "0a4f113b",
	Response: "6629fae49393a05397450978507c4ef1",
	Opaque:   "5ccc069c403ebaf9f0171e9517f40e41",
}

// RFC 7616 3.9.1: the same request with SHA-256 and MD5.
var rfc7616 = Credentials{
	Username: "Mufasa",
	Realm:    "http-auth@example.org",
	Nonce:    "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
	URI:      "/dir/index.html",
	QOP:      "auth",
	NC:       "00000001",
	Cnonce:   "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
	Opaque:   "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
}

func TestKnownVectors(t *testing.T) {
	sha := rfc7616
	sha.Algorithm = "SHA-256"
	sha.Response = "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
	md := rfc7616
	md.Algorithm = "MD5"
	md.Response = "8ca523f5e9506fed4657c9700eebdbec"
	for _, tc := range []struct {
		name, password string
		c              Credentials
	}{
		{"rfc2617 MD5", "Circle Of Life", rfc2617},
		{"rfc7616 SHA-256", "Circle of Life", sha},
		{"rfc7616 MD5", "Circle of Life", md},
	} {
		t.Run(tc.name, func(t *testing.T) {
			alg := ParseAlgorithm(tc.c.Algorithm)
			var out [sha256.Size]byte
			n := computeResponse(&out, alg, &tc.c, "GET", tc.password)
			if got := hex.EncodeToString(out[:n]); got != tc.c.Response {
				t.Fatalf("response %s, want %s", got, tc.c.Response)
			}
			if !responseMatches(alg, &tc.c, "GET", tc.password) {
				t.Fatal("responseMatches false for the vector")
			}
			if responseMatches(alg, &tc.c, "GET", tc.password+"x") {
				t.Fatal("responseMatches true for a wrong password")
			}
			if responseMatches(alg, &tc.c, "POST", tc.password) {
				t.Fatal("responseMatches true for another method")
			}
		})
	}
}

// The RFC 2617 example parsed from its header text gives the same fields.
func TestParseRFC2617Header(t *testing.T) {
	h := `Digest username="Mufasa",
                 realm="testrealm@host.com",
                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                 uri="/dir/index.html",
                 qop=auth,
                 nc=00000001,
                 cnonce="0a4f113b",
                 response="6629fae49393a05397450978507c4ef1",
                 opaque="5ccc069c403ebaf9f0171e9517f40e41"`
	c, err := ParseCredentials(h)
	if err != nil {
		t.Fatal(err)
	}
	if c != rfc2617 {
		t.Fatalf("got %+v\nwant %+v", c, rfc2617)
	}
}

// A response given in upper-case hex matches too.
func TestResponseUpperHex(t *testing.T) {
	c := rfc2617
	c.Response = "6629FAE49393A05397450978507C4EF1"
	if !responseMatches(MD5, &c, "GET", "Circle Of Life") {
		t.Fatal("upper-case response rejected")
	}
}

func TestAlgorithmString(t *testing.T) {
	for _, alg := range []Algorithm{MD5, SHA256, MD5Sess, SHA256Sess} {
		if got := ParseAlgorithm(alg.String()); got != alg {
			t.Errorf("ParseAlgorithm(%q) = %v", alg.String(), got)
		}
	}
	if AlgorithmUnknown.String() != "unknown" || ParseAlgorithm("SHA-512") != AlgorithmUnknown {
		t.Error("unknown algorithm not reported")
	}
	if ParseAlgorithm("") != MD5 || ParseAlgorithm("sha-256") != SHA256 {
		t.Error("default or case-insensitive algorithm wrong")
	}
}
