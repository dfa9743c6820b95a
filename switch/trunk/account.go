// Package trunk connects hookswitch to SIP providers (SPEC T1): the
// registration client of register-based trunks, the OPTIONS qualifier that
// watches a trunk's peer, and the address sets of IP-based trunks.
package trunk

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults of an Account; see the fields.
const (
	DefaultExpiry           = 3600 * time.Second
	DefaultRetryInterval    = 30 * time.Second
	DefaultMaxRetryInterval = 5 * time.Minute
	DefaultTimeout          = 10 * time.Second
	MaxExpiry               = 24 * time.Hour
	maxWait                 = 24 * time.Hour // any configured wait
	maxNameLen              = 64
	maxCredentialLen        = 128
)

// Account is a register-based trunk: where and as whom we register.
type Account struct {
	Name      string // unique, for logs and events: letters, digits, "-", "_", "."
	Registrar string // host[:port] of the provider's registrar
	Transport string // udp (default), tcp or tls
	// OutboundProxy, when set (host[:port]), is where requests go instead
	// of the registrar; it gets a loose Route (RFC 3261 8.1.2).
	OutboundProxy string
	Username      string // the AOR's user part
	AuthUsername  string // digest username (default Username)
	Password      string // may be empty when the provider does not challenge
	Realm         string // answer only challenges of this realm; "" = any
	FromDomain    string // host of the AOR in From/To (default the registrar host)
	ContactUser   string // user part of our Contact (default Username)
	// Expiry is what we ask for (default 3600 s); the provider's 200 has
	// the last word, and a 423 raises it to the provider's Min-Expires.
	Expiry time.Duration
	// RetryInterval is the wait after a first failure (default 30 s); it
	// doubles per failure up to MaxRetryInterval (default 5 min), jittered.
	RetryInterval    time.Duration
	MaxRetryInterval time.Duration
	// Timeout bounds one request (default 10 s, below Timer F's 32 s: a
	// registrar silent for that long is down for us, and we retry sooner).
	Timeout time.Duration
}

// Validate checks every field and fills the defaults. Errors are
// *FieldError wrapping ErrInvalid.
func (a *Account) Validate() error {
	if err := validName(a.Name); err != nil {
		return err
	}
	bad := func(field, problem string) error { return invalid(a.Name, field, problem) }
	if a.Registrar == "" {
		return bad("registrar", "required (host or host:port)")
	}
	host, _, err := splitHostPort(a.Registrar)
	if err != nil {
		return bad("registrar", err.Error())
	}
	t, err := normTransport(a.Transport)
	if err != nil {
		return bad("transport", err.Error())
	}
	a.Transport = t
	if a.OutboundProxy != "" {
		if _, _, err := splitHostPort(a.OutboundProxy); err != nil {
			return bad("outbound_proxy", err.Error())
		}
	}
	if a.Username == "" {
		return bad("username", "required")
	}
	for _, f := range []struct{ name, v string }{{"username", a.Username}, {"auth_username", a.AuthUsername}, {"contact_user", a.ContactUser}} {
		if err := validUser(f.v); err != nil {
			return bad(f.name, err.Error())
		}
	}
	if len(a.Password) > maxCredentialLen || !printable(a.Password) {
		return bad("password", fmt.Sprintf("must be at most %d printable characters", maxCredentialLen))
	}
	if len(a.Realm) > maxCredentialLen || !printable(a.Realm) || strings.ContainsAny(a.Realm, `"\`) {
		return bad("realm", fmt.Sprintf("must be at most %d printable characters without quotes or backslashes", maxCredentialLen))
	}
	if a.FromDomain != "" {
		if err := validHost(a.FromDomain); err != nil {
			return bad("from_domain", err.Error())
		}
	}
	switch {
	case a.Expiry < 0 || (a.Expiry > 0 && a.Expiry < time.Second) || a.Expiry > MaxExpiry:
		return bad("expiry", fmt.Sprintf("must be 1 s to %v (0 = %v)", MaxExpiry, DefaultExpiry))
	case a.Expiry%time.Second != 0:
		return bad("expiry", "must be whole seconds (the Expires header counts seconds)")
	case a.RetryInterval < 0 || a.RetryInterval > maxWait:
		return bad("retry_interval", fmt.Sprintf("must be 0 to %v (0 = %v)", maxWait, DefaultRetryInterval))
	case a.MaxRetryInterval < 0 || a.MaxRetryInterval > maxWait:
		return bad("max_retry_interval", fmt.Sprintf("must be 0 to %v (0 = %v)", maxWait, DefaultMaxRetryInterval))
	case a.Timeout < 0 || a.Timeout > time.Minute:
		return bad("timeout", fmt.Sprintf("must be 0 to 1 min (0 = %v)", DefaultTimeout))
	}
	if a.AuthUsername == "" {
		a.AuthUsername = a.Username
	}
	if a.ContactUser == "" {
		a.ContactUser = a.Username
	}
	if a.FromDomain == "" {
		a.FromDomain = host
	}
	if a.Expiry == 0 {
		a.Expiry = DefaultExpiry
	}
	if a.RetryInterval == 0 {
		a.RetryInterval = DefaultRetryInterval
	}
	if a.MaxRetryInterval == 0 {
		a.MaxRetryInterval = max(DefaultMaxRetryInterval, a.RetryInterval)
	}
	if a.MaxRetryInterval < a.RetryInterval {
		return bad("max_retry_interval", fmt.Sprintf("%v is below retry_interval %v", a.MaxRetryInterval, a.RetryInterval))
	}
	if a.Timeout == 0 {
		a.Timeout = DefaultTimeout
	}
	return nil
}

// Peer is where the account's requests go: the outbound proxy if any, else
// the registrar (what a Qualifier should watch).
func (a Account) Peer() string {
	if a.OutboundProxy != "" {
		return a.OutboundProxy
	}
	return a.Registrar
}

func validName(n string) error {
	if n == "" || len(n) > maxNameLen {
		return invalid("", "name", fmt.Sprintf("must be 1-%d characters", maxNameLen))
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return invalid("", "name", fmt.Sprintf("%q: only letters, digits, '-', '_' and '.'", n))
		}
	}
	return nil
}

// normTransport lower-cases a transport name and refuses unknown ones.
func normTransport(t string) (string, error) {
	switch strings.ToLower(t) {
	case "", "udp":
		return "udp", nil
	case "tcp":
		return "tcp", nil
	case "tls":
		return "tls", nil
	}
	return "", fmt.Errorf("%q: want udp, tcp or tls", t)
}

// validUser accepts what can go unescaped in a SIP URI's user part (RFC
// 3261 25.1), less ";", "?" and "/", which parsers often take for the
// start of parameters or headers.
func validUser(u string) error {
	if len(u) > maxCredentialLen {
		return fmt.Errorf("longer than %d characters", maxCredentialLen)
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.!~*'()&=+$,", c) >= 0 {
			continue
		}
		return fmt.Errorf("%q: character %q not allowed in a SIP user part", u, c)
	}
	return nil
}

// splitHostPort parses host, host:port, [v6] or [v6]:port (port 0 when
// absent).
func splitHostPort(s string) (string, int, error) {
	host, port := s, ""
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, fmt.Errorf("%q: missing ']'", s)
		}
		host, port = s[1:end], s[end+1:]
		if port != "" {
			if port[0] != ':' {
				return "", 0, fmt.Errorf("%q: want [address]:port", s)
			}
			port = port[1:]
			if port == "" {
				return "", 0, fmt.Errorf("%q: empty port", s)
			}
		}
		if a, err := netip.ParseAddr(host); err != nil || !a.Is6() || a.Zone() != "" {
			return "", 0, fmt.Errorf("%q: %q is not an IPv6 address", s, host)
		}
	case strings.Count(s, ":") == 1:
		host, port, _ = strings.Cut(s, ":")
		if port == "" {
			return "", 0, fmt.Errorf("%q: empty port", s)
		}
		fallthrough
	default:
		if strings.Count(host, ":") > 1 {
			return "", 0, fmt.Errorf("%q: write an IPv6 address in brackets, e.g. [2001:db8::1]:5060", s)
		}
		if err := validHost(host); err != nil {
			return "", 0, fmt.Errorf("%q: %w", s, err)
		}
	}
	if port == "" {
		return host, 0, nil
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return "", 0, fmt.Errorf("%q: port %q is not 1-65535", s, port)
	}
	return host, p, nil
}

// validHost accepts an IP address or a DNS name (RFC 1123 labels).
func validHost(h string) error {
	if a, err := netip.ParseAddr(h); err == nil {
		if a.Zone() != "" {
			return fmt.Errorf("%q: zoned addresses are not supported", h)
		}
		return nil
	}
	if h == "" || len(h) > 253 {
		return fmt.Errorf("%q: want an IP address or a host name", h)
	}
	labels := strings.Split(strings.TrimSuffix(h, "."), ".")
	if isDigits(labels[len(labels)-1]) {
		// No top-level domain is numeric (RFC 3696 2): a mistyped address.
		return fmt.Errorf("%q: not a valid IP address or host name", h)
	}
	for _, label := range labels {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q: not a valid host name", h)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("%q: not a valid host name", h)
			}
		}
	}
	return nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
