package digest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

// A nonce is base64url(timestamp || random || mac): an 8-byte big-endian
// Unix time in nanoseconds, 8 random bytes and the first 16 bytes of
// HMAC-SHA256(key, timestamp || random). Verification needs no table: the
// MAC proves we issued it, the timestamp gives its age (RFC 7616 5.5).
const (
	nonceIDLen  = 16 // timestamp and random: the replay table key
	nonceMACLen = 16
	nonceRawLen = nonceIDLen + nonceMACLen
)

// Strict: one encoding per nonce, decoded without allocating an Encoding.
var nonceEncoding = base64.RawURLEncoding.Strict()

// nonceEncLen is the length of an encoded nonce.
var nonceEncLen = nonceEncoding.EncodedLen(nonceRawLen)

// nonceID is the authenticated part of a nonce; it keys the replay table.
type nonceID [nonceIDLen]byte

func (id nonceID) unixNano() int64 { return int64(binary.BigEndian.Uint64(id[:8])) }

// nonceMAC is HMAC-SHA256 with a key of at most one block. It is written
// out (RFC 2104 2) over precomputed pads so that checking a nonce does not
// allocate; a test compares it with crypto/hmac.
type nonceMAC struct {
	ipad, opad [sha256.BlockSize]byte
}

// newNonceMAC derives a per-realm key from the configured one, so that
// authenticators sharing a key do not accept each other's nonces.
func newNonceMAC(key []byte, realm string) *nonceMAC {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("hookswitch digest nonce\x00"))
	h.Write([]byte(realm))
	sub := h.Sum(nil)
	m := &nonceMAC{}
	for i := range m.ipad {
		m.ipad[i] = 0x36
		m.opad[i] = 0x5c
	}
	for i, b := range sub {
		m.ipad[i] ^= b
		m.opad[i] ^= b
	}
	return m
}

func (m *nonceMAC) sum(id *nonceID) [sha256.Size]byte {
	var in [sha256.BlockSize + nonceIDLen]byte
	copy(in[:], m.ipad[:])
	copy(in[sha256.BlockSize:], id[:])
	inner := sha256.Sum256(in[:])
	var out [sha256.BlockSize + sha256.Size]byte
	copy(out[:], m.opad[:])
	copy(out[sha256.BlockSize:], inner[:])
	return sha256.Sum256(out[:])
}

// mint returns a new nonce for time now (Unix nanoseconds).
func (m *nonceMAC) mint(now int64) string {
	var raw [nonceRawLen]byte
	binary.BigEndian.PutUint64(raw[:8], uint64(now))
	rand.Read(raw[8:nonceIDLen]) // never fails (crypto/rand, Go 1.24+)
	id := (*nonceID)(raw[:nonceIDLen])
	mac := m.sum(id)
	copy(raw[nonceIDLen:], mac[:nonceMACLen])
	return nonceEncoding.EncodeToString(raw[:])
}

// open checks that s is a nonce we minted and returns its id. Age is the
// caller's business.
func (m *nonceMAC) open(s string) (nonceID, bool) {
	var id nonceID
	if len(s) != nonceEncLen {
		return id, false
	}
	// Copying into an array keeps the decode free of allocations.
	var src [64]byte
	n := copy(src[:], s)
	var raw [nonceRawLen]byte
	if k, err := nonceEncoding.Decode(raw[:], src[:n]); err != nil || k != nonceRawLen {
		return id, false
	}
	copy(id[:], raw[:nonceIDLen])
	mac := m.sum(&id)
	if !hmac.Equal(mac[:nonceMACLen], raw[nonceIDLen:]) {
		return id, false
	}
	return id, true
}
