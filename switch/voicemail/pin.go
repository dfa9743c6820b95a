package voicemail

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"

	"github.com/hookswitch/hookswitch/switch/store"
)

// PINs are 4-10 digits, kept as PBKDF2-SHA256 hashes as the admin password
// is. A PIN has little entropy, so the iterations only slow an offline
// attack on a stolen data dir; callers limit online guesses.
const (
	MinPINLen = 4
	MaxPINLen = 10
	pinIter   = 100000
	pinSalt   = 16
	pinHash   = 32
)

func checkPIN(pin string) error {
	if len(pin) < MinPINLen || len(pin) > MaxPINLen {
		return invalid("pin", fmt.Sprintf("must be %d-%d digits", MinPINLen, MaxPINLen))
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return invalid("pin", fmt.Sprintf("must be %d-%d digits", MinPINLen, MaxPINLen))
		}
	}
	return nil
}

// SetPIN sets a box's PIN: digits only, 4-10 of them.
func (s *Store) SetPIN(box, pin string) error {
	if err := checkPIN(pin); err != nil {
		return fmt.Errorf("voicemail: set pin: %w", err)
	}
	salt := make([]byte, pinSalt)
	rand.Read(salt) // never fails (Go 1.24+)
	hash, err := pbkdf2.Key(sha256.New, pin, salt, pinIter, pinHash)
	if err != nil {
		return fmt.Errorf("voicemail: set pin: %w", err)
	}
	return s.update(box, func(b *store.VoicemailBox) error {
		b.PINHash, b.PINSalt, b.PINIter = hash, salt, pinIter
		return nil
	})
}

// HasPIN reports whether box has a PIN set (false for no such box).
func (s *Store) HasPIN(box string) bool {
	if checkBox(box) != nil {
		return false
	}
	b, err := s.st.GetVoicemailBox(box)
	return err == nil && len(b.PINHash) > 0
}

// CheckPIN reports whether pin is box's PIN, comparing in constant time.
// A box without a PIN matches nothing.
func (s *Store) CheckPIN(box, pin string) bool {
	if checkBox(box) != nil || checkPIN(pin) != nil {
		return false
	}
	b, err := s.st.GetVoicemailBox(box)
	if err != nil || len(b.PINHash) == 0 {
		return false
	}
	h, err := pbkdf2.Key(sha256.New, pin, b.PINSalt, b.PINIter, len(b.PINHash))
	return err == nil && subtle.ConstantTimeCompare(h, b.PINHash) == 1
}
