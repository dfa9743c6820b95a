package trunk

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// checkField asserts err names field ("" = no error).
func checkField(t *testing.T, what string, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Errorf("%s: unexpected error %v", what, err)
		}
		return
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, ErrInvalid) {
		t.Errorf("%s: error %v, want one on field %q", what, err, field)
		return
	}
	if !strings.Contains(err.Error(), field+":") {
		t.Errorf("%s: message %q does not name %s", what, err, field)
	}
}

func TestAccountValidate(t *testing.T) {
	base := func(f func(*Account)) Account {
		a := Account{Name: "acme", Registrar: "sip.example.com", Username: "4420", Password: "pw"}
		if f != nil {
			f(&a)
		}
		return a
	}
	for _, tc := range []struct {
		name  string
		a     Account
		field string
	}{
		{"ok", base(nil), ""},
		{"ok port", base(func(a *Account) { a.Registrar = "sip.example.com:5080" }), ""},
		{"ok v4", base(func(a *Account) { a.Registrar = "192.0.2.1:5060" }), ""},
		{"ok v6", base(func(a *Account) { a.Registrar = "[2001:db8::1]:5060" }), ""},
		{"ok v6 no port", base(func(a *Account) { a.Registrar = "[2001:db8::1]" }), ""},
		{"ok tls upper", base(func(a *Account) { a.Transport = "TLS" }), ""},
		{"ok proxy", base(func(a *Account) { a.OutboundProxy = "proxy.example.com:5070" }), ""},
		{"ok e164", base(func(a *Account) { a.Username = "+4420123" }), ""},
		{"no name", base(func(a *Account) { a.Name = "" }), "name"},
		{"bad name", base(func(a *Account) { a.Name = "a b" }), "name"},
		{"no registrar", base(func(a *Account) { a.Registrar = "" }), "registrar"},
		{"bare v6", base(func(a *Account) { a.Registrar = "2001:db8::1" }), "registrar"},
		{"bad port", base(func(a *Account) { a.Registrar = "h:0" }), "registrar"},
		{"big port", base(func(a *Account) { a.Registrar = "h:70000" }), "registrar"},
		{"empty port", base(func(a *Account) { a.Registrar = "h:" }), "registrar"},
		{"bad v4", base(func(a *Account) { a.Registrar = "192.0.2.300" }), "registrar"},
		{"bad host", base(func(a *Account) { a.Registrar = "sip_example.com" }), "registrar"},
		{"url", base(func(a *Account) { a.Registrar = "sip:sip.example.com" }), "registrar"},
		{"v6 junk", base(func(a *Account) { a.Registrar = "[2001:db8::1]x" }), "registrar"},
		{"v4 in brackets", base(func(a *Account) { a.Registrar = "[192.0.2.1]" }), "registrar"},
		{"transport", base(func(a *Account) { a.Transport = "ws" }), "transport"},
		{"proxy", base(func(a *Account) { a.OutboundProxy = "a b" }), "outbound_proxy"},
		{"no user", base(func(a *Account) { a.Username = "" }), "username"},
		{"user at", base(func(a *Account) { a.Username = "a@b" }), "username"},
		{"auth user", base(func(a *Account) { a.AuthUsername = "a b" }), "auth_username"},
		{"contact user", base(func(a *Account) { a.ContactUser = "a;b" }), "contact_user"},
		{"password ctl", base(func(a *Account) { a.Password = "a\nb" }), "password"},
		{"realm quote", base(func(a *Account) { a.Realm = `a"b` }), "realm"},
		{"from domain", base(func(a *Account) { a.FromDomain = "-bad" }), "from_domain"},
		{"expiry neg", base(func(a *Account) { a.Expiry = -time.Second }), "expiry"},
		{"expiry tiny", base(func(a *Account) { a.Expiry = time.Millisecond }), "expiry"},
		{"expiry frac", base(func(a *Account) { a.Expiry = 1500 * time.Millisecond }), "expiry"},
		{"expiry huge", base(func(a *Account) { a.Expiry = 48 * time.Hour }), "expiry"},
		{"retry neg", base(func(a *Account) { a.RetryInterval = -1 }), "retry_interval"},
		{"max retry below", base(func(a *Account) { a.RetryInterval, a.MaxRetryInterval = time.Minute, time.Second }), "max_retry_interval"},
		{"timeout", base(func(a *Account) { a.Timeout = time.Hour }), "timeout"},
	} {
		err := tc.a.Validate()
		checkField(t, tc.name, err, tc.field)
	}
}

func TestAccountDefaults(t *testing.T) {
	a := Account{Name: "acme", Registrar: "sip.example.com:5080", Username: "4420", Password: "pw"}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if a.Transport != "udp" || a.AuthUsername != "4420" || a.ContactUser != "4420" || a.FromDomain != "sip.example.com" ||
		a.Expiry != time.Hour || a.RetryInterval != 30*time.Second || a.MaxRetryInterval != 5*time.Minute || a.Timeout != 10*time.Second {
		t.Errorf("defaults %+v", a)
	}
	if a.Peer() != "sip.example.com:5080" {
		t.Errorf("peer %q", a.Peer())
	}
	a.OutboundProxy = "proxy"
	if a.Peer() != "proxy" {
		t.Errorf("peer %q, want the proxy", a.Peer())
	}
	// A retry longer than the default cap raises the cap.
	b := Account{Name: "b", Registrar: "h", Username: "u", RetryInterval: 10 * time.Minute}
	if err := b.Validate(); err != nil || b.MaxRetryInterval != 10*time.Minute {
		t.Errorf("max retry %v, %v", b.MaxRetryInterval, err)
	}
}

func TestStatusString(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		s    Status
		want string
	}{
		{Status{State: StateFailed, Code: 403, Reason: "Forbidden"}, "failed: 403 Forbidden"},
		{Status{State: StateFailed, LastError: "boom"}, "failed: boom"},
		{Status{State: StateRegistered, ExpiresAt: at}, "registered until 2026-01-02T03:04:05Z"},
		{Status{State: StateStopped}, "stopped"},
		{Status{}, "unknown"},
		{Status{State: StateRegistering}, "registering"},
	} {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.s, got, tc.want)
		}
	}
	if HealthUnknown.String() != "unknown" || HealthUp.String() != "up" || HealthDown.String() != "down" {
		t.Error("health names")
	}
}
