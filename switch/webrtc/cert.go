package webrtc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// certRenewBefore: a certificate is replaced when it expires sooner than
// this (pion's are valid a month), so no call starts with one about to
// expire.
const certRenewBefore = 7 * 24 * time.Hour

// certStore shares one DTLS certificate between peer connections: an ECDSA
// key per call would cost a key generation each, and browsers only check
// the fingerprint that the SDP carries (RFC 8122).
type certStore struct {
	mu   sync.Mutex
	cert *webrtc.Certificate
}

func (s *certStore) get(now time.Time) (webrtc.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cert == nil || s.cert.Expires().Sub(now) < certRenewBefore {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return webrtc.Certificate{}, fmt.Errorf("dtls certificate key: %w", err)
		}
		cert, err := webrtc.GenerateCertificate(key)
		if err != nil {
			return webrtc.Certificate{}, fmt.Errorf("dtls certificate: %w", err)
		}
		s.cert = cert
	}
	return *s.cert, nil
}
