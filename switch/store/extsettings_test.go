package store

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestSettingsValidate(t *testing.T) {
	no := false
	good := []Settings{
		{},
		{Codecs: []string{"PCMA", "pcmu", "g722"}},
		{DTMFMode: "rfc2833"}, {DTMFMode: "info"}, {DTMFMode: "inband"},
		{PermitIP: []string{"10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "::1"}},
		{PermitIP: make16("10.0.0.1")},
		{Recording: "on_demand"}, {Recording: "always"}, {Recording: "never"},
		{Language: "en"}, {Language: "pt-BR"}, {Language: "zh-Hant-TW"}, {Language: "es-419"},
		{PickupGroup: 1}, {PickupGroup: 64},
		{CallWaiting: &no, Voicemail: &no},
	}
	for _, s := range good {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
	bad := []struct {
		s     Settings
		field string
	}{
		{Settings{Codecs: []string{"opus"}}, "codecs"},
		{Settings{Codecs: []string{"G729"}}, "codecs"},
		{Settings{Codecs: []string{""}}, "codecs"},
		{Settings{Codecs: []string{"PCMU", "pcmu"}}, "codecs"},
		{Settings{DTMFMode: "RFC2833"}, "dtmf_mode"},
		{Settings{DTMFMode: "sip"}, "dtmf_mode"},
		{Settings{PermitIP: []string{"10.0.0.0/33"}}, "permit_ip"},
		{Settings{PermitIP: []string{"example.com"}}, "permit_ip"},
		{Settings{PermitIP: []string{""}}, "permit_ip"},
		{Settings{PermitIP: []string{"fe80::1%eth0"}}, "permit_ip"},
		{Settings{PermitIP: append(make16("10.0.0.1"), "10.0.0.2")}, "permit_ip"},
		{Settings{Recording: "sometimes"}, "recording"},
		{Settings{Language: "e"}, "language"},
		{Settings{Language: "english"}, "language"},
		{Settings{Language: "en_US"}, "language"},
		{Settings{Language: "../etc"}, "language"},
		{Settings{Language: "en-"}, "language"},
		{Settings{Language: "12"}, "language"},
		{Settings{PickupGroup: -1}, "pickup_group"},
		{Settings{PickupGroup: 65}, "pickup_group"},
	}
	for _, c := range bad {
		err := c.s.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: err = %v, want a FieldError on %s", c.s, err, c.field)
		}
	}
}

func TestSettingsCanonicalCodecs(t *testing.T) {
	s := Settings{Codecs: []string{"pcma", "G722"}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Codecs, ",") != "PCMA,G722" {
		t.Errorf("codecs = %v", s.Codecs)
	}
}

func TestSettingsPermits(t *testing.T) {
	cases := []struct {
		list []string
		addr string
		want bool
	}{
		{nil, "203.0.113.9", true},
		{[]string{"127.0.0.2/32"}, "127.0.0.1", false},
		{[]string{"127.0.0.2/32"}, "127.0.0.2", true},
		{[]string{"127.0.0.0/8"}, "127.0.0.1", true},
		{[]string{"127.0.0.0/8"}, "::ffff:127.0.0.1", true},
		{[]string{"10.1.2.3"}, "10.1.2.3", true},
		{[]string{"10.1.2.3"}, "10.1.2.4", false},
		{[]string{"2001:db8::/32"}, "2001:db8::5", true},
		{[]string{"2001:db8::/32"}, "10.0.0.1", false},
		{[]string{"garbage"}, "10.0.0.1", false},
	}
	for _, c := range cases {
		s := Settings{PermitIP: c.list}
		if got := s.Permits(netip.MustParseAddr(c.addr)); got != c.want {
			t.Errorf("%v permits %s = %v, want %v", c.list, c.addr, got, c.want)
		}
	}
}

func TestExtensionValidatesSettings(t *testing.T) {
	e := Extension{Number: "100", Password: goodPW, Settings: Settings{PickupGroup: 99}}
	var fe *FieldError
	if err := e.Validate(); !errors.As(err, &fe) || fe.Field != "pickup_group" {
		t.Errorf("err = %v", err)
	}
}

func make16(a string) []string {
	out := make([]string, MaxPermitIP)
	for i := range out {
		out[i] = a
	}
	return out
}
