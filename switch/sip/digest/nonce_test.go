package digest

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"
)

// flipNonceBit returns nonce with bit i of its raw bytes flipped, still
// valid base64url.
func flipNonceBit(t testing.TB, nonce string, i int) string {
	t.Helper()
	raw, err := nonceEncoding.DecodeString(nonce)
	if err != nil {
		t.Fatalf("nonce %q: %v", nonce, err)
	}
	raw[i/8] ^= 1 << (i % 8)
	return nonceEncoding.EncodeToString(raw)
}

// The hand-written HMAC equals crypto/hmac with the derived key.
func TestNonceMACMatchesHMAC(t *testing.T) {
	for _, key := range [][]byte{nil, []byte("k"), make([]byte, 32), make([]byte, 200)} {
		m := newNonceMAC(key, "realm")
		h := hmac.New(sha256.New, key)
		h.Write([]byte("hookswitch digest nonce\x00realm"))
		sub := h.Sum(nil)
		id := nonceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
		want := hmac.New(sha256.New, sub)
		want.Write(id[:])
		got := m.sum(&id)
		if !hmac.Equal(got[:], want.Sum(nil)) {
			t.Fatalf("key %d bytes: MAC differs from crypto/hmac", len(key))
		}
	}
}

func TestNonceOpen(t *testing.T) {
	m := newNonceMAC([]byte("key"), "realm")
	const now = 1_700_000_000_123_456_789
	n := m.mint(now)
	if len(n) != nonceEncLen {
		t.Fatalf("nonce length %d, want %d", len(n), nonceEncLen)
	}
	id, ok := m.open(n)
	if !ok || id.unixNano() != now {
		t.Fatalf("open(mint) = %v, %v", id.unixNano(), ok)
	}
	if n2 := m.mint(now); n2 == n {
		t.Fatal("two nonces minted at the same time are equal")
	}
	// Every single-bit change is caught: timestamp, random part, MAC.
	for i := 0; i < nonceRawLen*8; i++ {
		if _, ok := m.open(flipNonceBit(t, n, i)); ok {
			t.Fatalf("nonce with bit %d flipped accepted", i)
		}
	}
	for _, bad := range []string{"", n[:len(n)-1], n + "A", n[:10] + "!" + n[11:], "dcd98b7102dd2f0e8b11d0f600bfb0c093"} {
		if _, ok := m.open(bad); ok {
			t.Fatalf("open(%q) accepted", bad)
		}
	}
	// Another realm with the same key does not accept it.
	if _, ok := newNonceMAC([]byte("key"), "other").open(n); ok {
		t.Fatal("nonce accepted by another realm")
	}
}
