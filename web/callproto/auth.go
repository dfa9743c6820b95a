package callproto

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// The password proof replaces the seed's des("KEY"+nonce+tel), whose key
// was a vendor secret shipped in every client (so no secret at all):
//
//	pwd = lowercase hex(HMAC-SHA256(key = SIP password, msg = nonce ":" tel))
//
// The server keeps SIP passwords in clear already (digest auth needs them,
// see switch/store/extension.go), so it can compute the same HMAC. The
// nonce is fresh per session, so a proof seen on the wire is worth nothing
// in another session; the nonce is hex, so the ':' cannot be moved.

// Nonce is a fresh session nonce: 128 random bits as 32 lowercase hex
// digits.
func Nonce() string {
	var b [NonceLen / 2]byte
	rand.Read(b[:]) // never fails since Go 1.24; it crashes the program instead
	return hex.EncodeToString(b[:])
}

// Proof is the pwd a client sends in op 1001 for tel, given the nonce of
// its session's 4001.
func Proof(password, nonce, tel string) string {
	return hex.EncodeToString(mac(password, nonce, tel))
}

// CheckProof reports whether proof (hex, either case) is Proof(password,
// nonce, tel), in constant time. An empty password or nonce never matches.
func CheckProof(proof, password, nonce, tel string) bool {
	if password == "" || nonce == "" || len(proof) != ProofLen {
		return false
	}
	got, err := hex.DecodeString(proof)
	if err != nil {
		return false
	}
	return hmac.Equal(got, mac(password, nonce, tel))
}

func mac(password, nonce, tel string) []byte {
	h := hmac.New(sha256.New, []byte(password))
	h.Write([]byte(nonce))
	h.Write([]byte{':'})
	h.Write([]byte(tel))
	return h.Sum(nil)
}
