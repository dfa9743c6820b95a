package callproto

import (
	"strings"
	"testing"
)

// The vectors were computed with openssl:
// printf '%s' "$nonce:$tel" | openssl dgst -sha256 -hmac "$password"
func TestProofVectors(t *testing.T) {
	for _, v := range []struct{ password, nonce, tel, want string }{
		{"secret", "0123456789abcdef0123456789abcdef", "1001", "0d9be0177feee374bba1b9008986f11005829619cb8248d21fdc80d3c978f917"},
		{"s3cret-Pa55", "8d2c4f0a6b1e47d3a95f2e6c1b0d7a34", "1001", "05673a45a2a5bd520f4e3fe4819ab942eebc9a7d2101fdbcf75d4e9ed274227e"},
	} {
		if got := Proof(v.password, v.nonce, v.tel); got != v.want {
			t.Errorf("Proof(%q, %q, %q) = %s, want %s", v.password, v.nonce, v.tel, got, v.want)
		}
	}
}

func TestCheckProof(t *testing.T) {
	const pw, tel = "s3cret-Pa55", "1001"
	n := Nonce()
	p := Proof(pw, n, tel)
	if !CheckProof(p, pw, n, tel) || !CheckProof(strings.ToUpper(p), pw, n, tel) {
		t.Fatal("good proof refused")
	}
	for _, c := range []struct{ proof, pw, nonce, tel string }{
		{p, pw + "x", n, tel},
		{p, pw, Nonce(), tel},
		{p, pw, n, "1002"},
		{p[:63], pw, n, tel},
		{p + "0", pw, n, tel},
		{"zz" + p[2:], pw, n, tel},
		{"", pw, n, tel},
		{Proof("", n, tel), "", n, tel}, // no password, no login
		{Proof(pw, "", tel), pw, "", tel},
		{strings.Repeat("0", 64), pw, n, tel},
	} {
		if CheckProof(c.proof, c.pw, c.nonce, c.tel) {
			t.Errorf("CheckProof(%q, %q, %q, %q) accepted", c.proof, c.pw, c.nonce, c.tel)
		}
	}
}

func TestNonce(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		n := Nonce()
		if len(n) != NonceLen || !isHex(n, true) || seen[n] {
			t.Fatalf("Nonce() = %q (repeat: %v)", n, seen[n])
		}
		if !synNonce.ok(n) {
			t.Fatalf("Validate refuses Nonce() %q", n)
		}
		seen[n] = true
	}
}
