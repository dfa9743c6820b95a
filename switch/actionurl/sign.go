package actionurl

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Signature headers. The signed payload is timestamp + "." + body, where
// body is the request body of a POST or the raw query string of a GET; the
// timestamp lets a web app refuse replays.
const (
	HeaderTimestamp = "X-Hookswitch-Timestamp"
	HeaderSignature = "X-Hookswitch-Signature"
	HeaderHook      = "X-Hookswitch-Hook"
	signaturePrefix = "sha256="
)

// Sign returns the X-Hookswitch-Signature value for a payload:
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + payload)).
func Sign(secret, timestamp string, payload []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(payload)
	var sum [sha256.Size]byte
	return signaturePrefix + hex.EncodeToString(m.Sum(sum[:0]))
}

// Verify checks the signature headers of a request the switch sent, as a
// web app written in Go would: payload is the body of a POST or the raw
// query of a GET; maxSkew bounds the timestamp's age (and drift).
func Verify(secret string, h http.Header, payload []byte, now time.Time, maxSkew time.Duration) error {
	ts, sig := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if ts == "" || sig == "" {
		return errors.New("verify: missing signature headers")
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("verify: timestamp %q: %w", ts, err)
	}
	if d := now.Sub(time.Unix(secs, 0)); d > maxSkew || d < -maxSkew {
		return fmt.Errorf("verify: timestamp %s is %v away from now", ts, d.Round(time.Second))
	}
	if !strings.HasPrefix(sig, signaturePrefix) {
		return errors.New("verify: signature does not start with sha256=")
	}
	// Compare in constant time so the check leaks nothing about the secret.
	if !hmac.Equal([]byte(sig), []byte(Sign(secret, ts, payload))) {
		return errors.New("verify: signature mismatch")
	}
	return nil
}
