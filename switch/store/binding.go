package store

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

// Binding keys are "bind/" + AOR + NUL + Contact: the NUL (refused in both)
// keeps AOR "10" from matching the bindings of "100" in a prefix scan.
const bindPrefix = "bind/"

const (
	maxAORLen        = 128
	maxContactLen    = 2048
	maxBindingStrLen = 256 // Call-ID, instance ID
	maxUserAgentLen  = 256 // longer User-Agent headers are cut, not refused
)

// Binding is one registered contact of an AOR (RFC 3261 10.3).
type Binding struct {
	AOR        string    `json:"aor"`       // extension number
	Contact    string    `json:"contact"`   // Contact URI exactly as the UA sent it
	Source     string    `json:"source"`    // ip:port the REGISTER came from (NAT: we send there)
	Transport  string    `json:"transport"` // udp, tcp, tls, ws, wss
	CallID     string    `json:"call_id"`
	CSeq       uint32    `json:"cseq"`
	Expires    time.Time `json:"expires"`
	UserAgent  string    `json:"user_agent,omitempty"`
	InstanceID string    `json:"instance_id,omitempty"` // +sip.instance (RFC 5626), when present
	UpdatedAt  time.Time `json:"updated_at"`
}

// validate checks b and normalises it: Transport lower-cased, UserAgent cut
// to maxUserAgentLen bytes.
func (b *Binding) validate(now time.Time) error {
	if err := validAOR(b.AOR); err != nil {
		return err
	}
	if err := validContact(b.Contact); err != nil {
		return err
	}
	if _, err := netip.ParseAddrPort(b.Source); err != nil {
		return invalid("source", "must be ip:port")
	}
	b.Transport = strings.ToLower(b.Transport)
	switch b.Transport {
	case "udp", "tcp", "tls", "ws", "wss":
	default:
		return invalid("transport", "must be udp, tcp, tls, ws or wss")
	}
	if len(b.CallID) > maxBindingStrLen || hasControl(b.CallID) {
		return invalid("call_id", fmt.Sprintf("must be at most %d printable bytes", maxBindingStrLen))
	}
	if len(b.InstanceID) > maxBindingStrLen || hasControl(b.InstanceID) {
		return invalid("instance_id", fmt.Sprintf("must be at most %d printable bytes", maxBindingStrLen))
	}
	if !b.Expires.After(now) {
		return invalid("expires", "must be in the future (delete the binding instead)")
	}
	b.UserAgent = truncateUTF8(b.UserAgent, maxUserAgentLen)
	return nil
}

func validAOR(aor string) error {
	if aor == "" || len(aor) > maxAORLen || hasControl(aor) {
		return invalid("aor", fmt.Sprintf("must be 1-%d printable bytes", maxAORLen))
	}
	return nil
}

func validContact(c string) error {
	if c == "" || len(c) > maxContactLen || hasControl(c) {
		return invalid("contact", fmt.Sprintf("must be 1-%d printable bytes", maxContactLen))
	}
	return nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func bindKey(aor, contact string) []byte {
	k := make([]byte, 0, len(bindPrefix)+len(aor)+1+len(contact))
	k = append(k, bindPrefix...)
	k = append(k, aor...)
	k = append(k, 0)
	return append(k, contact...)
}

func bindAORPrefix(aor string) []byte {
	k := make([]byte, 0, len(bindPrefix)+len(aor)+1)
	k = append(k, bindPrefix...)
	k = append(k, aor...)
	return append(k, 0)
}

// PutBinding stores or replaces the binding keyed by AOR and Contact, with a
// badger TTL at Expires (rounded up to the second) so it vanishes by itself.
// It sets UpdatedAt. Not synced at once: the background loop syncs it within
// a second (a lost binding only means the phone re-registers).
func (s *Store) PutBinding(b Binding) error {
	now := time.Now()
	if err := b.validate(now); err != nil {
		return fmt.Errorf("put binding: %w", err)
	}
	b.UpdatedAt = now.UTC()
	val, err := marshal(b)
	if err != nil {
		return fmt.Errorf("put binding %s: %w", b.AOR, err)
	}
	exp := b.Expires.Unix()
	if b.Expires.Nanosecond() != 0 {
		exp++ // badger expires at whole seconds: never drop a binding early
	}
	e := &badger.Entry{Key: bindKey(b.AOR, b.Contact), Value: val, ExpiresAt: uint64(exp)}
	if err := s.update(false, func(txn *badger.Txn) error { return txn.SetEntry(e) }); err != nil {
		return fmt.Errorf("put binding %s: %w", b.AOR, err)
	}
	return nil
}

// DeleteBinding removes one binding. Removing a binding that does not exist
// is not an error (an unregister may repeat). Not synced at once.
func (s *Store) DeleteBinding(aor, contact string) error {
	if err := validAOR(aor); err != nil {
		return fmt.Errorf("delete binding: %w", err)
	}
	if err := validContact(contact); err != nil {
		return fmt.Errorf("delete binding: %w", err)
	}
	key := bindKey(aor, contact)
	if err := s.update(false, func(txn *badger.Txn) error { return txn.Delete(key) }); err != nil {
		return fmt.Errorf("delete binding %s: %w", aor, err)
	}
	return nil
}

// Bindings returns the unexpired bindings of aor, ordered by contact.
// Records that fail to decode are left out and reported in the error
// (wrapping ErrCorrupt, naming their keys) alongside the readable ones.
func (s *Store) Bindings(aor string) ([]Binding, error) {
	if err := validAOR(aor); err != nil {
		return nil, fmt.Errorf("bindings: %w", err)
	}
	out, err := s.scanBindings(bindAORPrefix(aor))
	if err != nil {
		return out, fmt.Errorf("bindings %s: %w", aor, err)
	}
	return out, nil
}

// AllBindings returns every unexpired binding, ordered by AOR then contact;
// the registrar loads them at start. Corrupt records are handled as in Bindings.
func (s *Store) AllBindings() ([]Binding, error) {
	out, err := s.scanBindings([]byte(bindPrefix))
	if err != nil {
		return out, fmt.Errorf("all bindings: %w", err)
	}
	return out, nil
}

func (s *Store) scanBindings(prefix []byte) ([]Binding, error) {
	var out []Binding
	var bad []error
	now := time.Now()
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var b Binding
			if err := decodeItem(it.Item(), &b); err != nil {
				bad = append(bad, err)
				continue
			}
			// badger's TTL has 1 s granularity; Expires is exact.
			if b.Expires.After(now) {
				out = append(out, b)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return out, errors.Join(bad...)
	}
	return out, nil
}

// deleteBindingsTxn deletes every binding of aor inside txn.
func deleteBindingsTxn(txn *badger.Txn, aor string) error {
	var keys [][]byte
	it := txn.NewIterator(badger.IteratorOptions{Prefix: bindAORPrefix(aor)})
	for it.Rewind(); it.Valid(); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
