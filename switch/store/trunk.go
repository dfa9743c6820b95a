package store

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

const trunkPrefix = "trunk/"

// Trunk kinds (SPEC T1).
const (
	TrunkRegister       = "register"        // we register to the provider
	TrunkIP             = "ip"              // calls come from, and go to, known addresses
	TrunkAcceptRegister = "accept-register" // a gateway registers to us as this trunk
)

// Trunk is a SIP trunk to a provider or gateway (SPEC T1).
type Trunk struct {
	Name          string `json:"name"` // letters, digits, '-', '_'
	Kind          string `json:"kind"`
	Host          string `json:"host,omitempty"`      // the provider: host[:port] (register, ip)
	Transport     string `json:"transport,omitempty"` // udp (default), tcp, tls
	OutboundProxy string `json:"outbound_proxy,omitempty"`
	Username      string `json:"username,omitempty"` // register: the account; accept-register: the user the gateway registers as
	AuthUsername  string `json:"auth_username,omitempty"`
	Password      string `json:"password,omitempty"`
	Realm         string `json:"realm,omitempty"`
	FromDomain    string `json:"from_domain,omitempty"`
	Expiry        int    `json:"expiry,omitempty"` // seconds asked when registering (default 3600)
	// IPs are the addresses (or CIDR ranges) calls from this trunk come
	// from; required for an IP trunk, optional for the others.
	IPs         []string `json:"ips,omitempty"`
	MaxCalls    int      `json:"max_calls,omitempty"` // simultaneous calls; 0 = no limit
	Qualify     int      `json:"qualify,omitempty"`   // seconds between OPTIONS; 0 = off
	OutboundCID string   `json:"outbound_cid,omitempty"`
	// Class is how far calls that came in on this trunk may go out again
	// (a forward or an external destination): "internal" (not at all),
	// "local", "national" or "international" (the default, "").
	Class string `json:"class,omitempty"`
	// Headers are rewrites applied to requests we send on this trunk:
	// "Name: value" sets a header, "-Name" removes it.
	Headers   []string  `json:"headers,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks what can be checked without the network. Errors are
// *FieldError wrapping ErrInvalid.
func (t *Trunk) Validate() error {
	if !validName(t.Name) {
		return invalid("name", "required: 1-64 letters, digits, '-' or '_'")
	}
	switch t.Kind {
	case TrunkRegister, TrunkIP, TrunkAcceptRegister:
	default:
		return invalid("kind", fmt.Sprintf("%q: want register, ip or accept-register", truncateText(t.Kind)))
	}
	switch t.Transport {
	case "", "udp", "tcp", "tls":
	default:
		return invalid("transport", fmt.Sprintf("%q: want udp, tcp or tls", truncateText(t.Transport)))
	}
	if t.Kind != TrunkAcceptRegister && !validHostPort(t.Host) {
		return invalid("host", "required for a register or ip trunk: host or host:port")
	}
	if t.Class != "" && !slices.Contains(classes, t.Class) {
		return invalid("class", fmt.Sprintf("%q: want internal, local, national or international", truncateText(t.Class)))
	}
	if t.OutboundProxy != "" && !validHostPort(t.OutboundProxy) {
		return invalid("outbound_proxy", "want host or host:port")
	}
	if (t.Kind == TrunkRegister || t.Kind == TrunkAcceptRegister) && t.Username == "" {
		return invalid("username", "required for a register or accept-register trunk")
	}
	if t.Kind == TrunkAcceptRegister && t.Password == "" {
		return invalid("password", "required: the gateway authenticates with it")
	}
	for _, f := range []struct{ name, v string }{{"username", t.Username}, {"auth_username", t.AuthUsername},
		{"password", t.Password}, {"realm", t.Realm}, {"from_domain", t.FromDomain}} {
		if len(f.v) > 128 || !utf8.ValidString(f.v) || hasControl(f.v) || strings.ContainsAny(f.v, " \"<>") && f.name != "password" {
			return invalid(f.name, "at most 128 printable characters without spaces, quotes or angle brackets")
		}
	}
	if t.Expiry != 0 && (t.Expiry < 60 || t.Expiry > 86400) {
		return invalid("expiry", "60-86400 seconds (0: the default 3600)")
	}
	if t.Kind == TrunkIP && len(t.IPs) == 0 {
		return invalid("ips", "an ip trunk needs the addresses its calls come from")
	}
	for i, ip := range t.IPs {
		if _, err := netip.ParsePrefix(ip); err != nil {
			if _, err := netip.ParseAddr(ip); err != nil {
				return invalid(fmt.Sprintf("ips[%d]", i), fmt.Sprintf("%q: want an IP address or a CIDR range", truncateText(ip)))
			}
		}
	}
	if t.MaxCalls < 0 || t.MaxCalls > 100000 {
		return invalid("max_calls", "0 (no limit) to 100000")
	}
	if t.Qualify != 0 && (t.Qualify < 10 || t.Qualify > 3600) {
		return invalid("qualify", "10-3600 seconds (0: off)")
	}
	if t.OutboundCID != "" {
		if err := validTarget(t.OutboundCID); err != nil {
			return invalid("outbound_cid", err.Error())
		}
	}
	for i, h := range t.Headers {
		if err := validHeaderRule(h); err != nil {
			return invalid(fmt.Sprintf("headers[%d]", i), err.Error())
		}
	}
	return nil
}

// validHostPort accepts host or host:port with a sane host.
func validHostPort(s string) bool {
	if s == "" || len(s) > 255 || strings.ContainsAny(s, " /@;<>\"") || hasControl(s) {
		return false
	}
	host := s
	if i := strings.LastIndexByte(s, ':'); i > 0 && !strings.Contains(s[:i], ":") {
		host = s[:i]
		port := s[i+1:]
		if port == "" || len(port) > 5 || !isDigits(port) {
			return false
		}
	}
	return host != ""
}

// validHeaderRule accepts "Name: value" and "-Name".
func validHeaderRule(h string) error {
	name, value, set := strings.Cut(h, ":")
	if !set {
		name = strings.TrimPrefix(h, "-")
		if name == h {
			return fmt.Errorf("%q: want \"Name: value\" to set or \"-Name\" to remove", truncateText(h))
		}
	}
	name = strings.TrimSpace(name)
	if name == "" || !isToken(name) {
		return fmt.Errorf("%q: bad header name", truncateText(h))
	}
	if hasControl(value) || len(value) > 512 {
		return fmt.Errorf("%q: the value must be printable, at most 512 bytes", truncateText(h))
	}
	switch strings.ToLower(name) {
	case "via", "call-id", "cseq", "from", "to", "contact", "content-length", "max-forwards", "route", "record-route":
		return fmt.Errorf("%q: %s is the switch's to write", truncateText(h), name)
	}
	return nil
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-.!%*_+`'~", c) >= 0) {
			return false
		}
	}
	return true
}

func trunkKey(name string) []byte { return []byte(trunkPrefix + name) }

// PutTrunk creates or replaces a trunk (by name). Synced.
func (s *Store) PutTrunk(t Trunk) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("put trunk: %w", err)
	}
	err := s.update(true, func(txn *badger.Txn) error {
		if t.Kind == TrunkAcceptRegister {
			// The registrar asks extensions first: a gateway registering
			// as an extension's number would never be this trunk.
			if _, err := txn.Get(extKey(t.Username)); err == nil {
				return invalid("username", fmt.Sprintf("%s is an extension: a gateway must register as another user", t.Username))
			} else if !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
		}
		now := time.Now().UTC()
		t.CreatedAt, t.UpdatedAt = now, now
		if item, err := txn.Get(trunkKey(t.Name)); err == nil {
			var old Trunk
			if err := decodeItem(item, &old); err == nil {
				t.CreatedAt = old.CreatedAt
			}
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		val, err := marshal(t)
		if err != nil {
			return err
		}
		return txn.Set(trunkKey(t.Name), val)
	})
	if err != nil {
		return fmt.Errorf("put trunk %s: %w", t.Name, err)
	}
	return nil
}

// GetTrunk returns a trunk; ErrNotFound when absent.
func (s *Store) GetTrunk(name string) (Trunk, error) {
	var t Trunk
	err := s.view(func(txn *badger.Txn) error {
		item, err := txn.Get(trunkKey(name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return decodeItem(item, &t)
	})
	if err != nil {
		return Trunk{}, fmt.Errorf("get trunk %s: %w", name, err)
	}
	return t, nil
}

// ListTrunks returns every trunk by name.
func (s *Store) ListTrunks() ([]Trunk, error) {
	var out []Trunk
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte(trunkPrefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var t Trunk
			if err := decodeItem(it.Item(), &t); err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list trunks: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DeleteTrunk removes a trunk; ErrNotFound when absent.
func (s *Store) DeleteTrunk(name string) error {
	err := s.deleteKey(trunkKey(name), func(txn *badger.Txn) error {
		return trunkInUse(txn, name) // a rule names it (routes.go)
	})
	if err != nil {
		return fmt.Errorf("delete trunk %s: %w", name, err)
	}
	return nil
}

// TrunkAccount is the password of the accept-register trunk whose
// gateway registers as user (registrar.TrunkAccounts).
func (s *Store) TrunkAccount(user string) (string, bool) {
	ts, err := s.ListTrunks()
	if err != nil {
		return "", false
	}
	for _, t := range ts {
		if t.Kind == TrunkAcceptRegister && t.Username == user {
			return t.Password, true
		}
	}
	return "", false
}
