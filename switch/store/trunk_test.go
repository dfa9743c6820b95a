package store

import (
	"errors"
	"testing"
)

func TestTrunkValidate(t *testing.T) {
	good := []Trunk{
		{Name: "sip-provider", Kind: TrunkRegister, Host: "sip.example.net:5060", Username: "4930123", Password: "pw", Qualify: 60, MaxCalls: 10, Headers: []string{"X-Account: 42", "-User-Agent"}},
		{Name: "gw", Kind: TrunkIP, Host: "192.0.2.10", IPs: []string{"192.0.2.10", "2001:db8::/32"}},
		{Name: "pbx2", Kind: TrunkAcceptRegister, Username: "gw2", Password: "Secret-gw2"},
	}
	for _, tr := range good {
		if err := tr.Validate(); err != nil {
			t.Errorf("%s: %v", tr.Name, err)
		}
	}
	bad := map[string]Trunk{
		"name":           {Name: "a b", Kind: TrunkIP},
		"kind":           {Name: "x", Kind: "carrier-pigeon"},
		"host":           {Name: "x", Kind: TrunkRegister, Username: "u"},
		"username":       {Name: "x", Kind: TrunkRegister, Host: "h"},
		"password":       {Name: "x", Kind: TrunkAcceptRegister, Username: "u"},
		"ips":            {Name: "x", Kind: TrunkIP, Host: "h"},
		"ips[1]":         {Name: "x", Kind: TrunkIP, Host: "h", IPs: []string{"10.0.0.1", "example.com"}},
		"expiry":         {Name: "x", Kind: TrunkRegister, Host: "h", Username: "u", Expiry: 5},
		"qualify":        {Name: "x", Kind: TrunkIP, Host: "h", IPs: []string{"10.0.0.1"}, Qualify: 1},
		"transport":      {Name: "x", Kind: TrunkIP, Host: "h", IPs: []string{"10.0.0.1"}, Transport: "sctp"},
		"headers[0]":     {Name: "x", Kind: TrunkIP, Host: "h", IPs: []string{"10.0.0.1"}, Headers: []string{"Call-ID: mine"}},
		"outbound_cid":   {Name: "x", Kind: TrunkIP, Host: "h", IPs: []string{"10.0.0.1"}, OutboundCID: "abc"},
		"outbound_proxy": {Name: "x", Kind: TrunkIP, Host: "h", IPs: []string{"10.0.0.1"}, OutboundProxy: "a b"},
	}
	for field, tr := range bad {
		err := tr.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: %v, want a field error on %s", field, err, field)
		}
	}
}

func TestTrunkCRUD(t *testing.T) {
	s := openMem(t)
	tr := Trunk{Name: "gw", Kind: TrunkIP, Host: "192.0.2.10", IPs: []string{"192.0.2.10"}}
	if err := s.PutTrunk(tr); err != nil {
		t.Fatal(err)
	}
	tr.MaxCalls = 4
	if err := s.PutTrunk(tr); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetTrunk("gw")
	if err != nil || got.MaxCalls != 4 || got.CreatedAt.IsZero() {
		t.Fatalf("get: %+v, %v", got, err)
	}
	if list, _ := s.ListTrunks(); len(list) != 1 {
		t.Fatalf("list: %+v", list)
	}
	if err := s.DeleteTrunk("gw"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetTrunk("gw"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

// An accept-register trunk's user may not be an extension's number: the
// registrar would authenticate the extension instead.
func TestAcceptRegisterUserIsNotAnExtension(t *testing.T) {
	s := openMem(t)
	if err := s.CreateExtension(Extension{Number: "1001", Password: "Secret-1001-pw"}); err != nil {
		t.Fatal(err)
	}
	err := s.PutTrunk(Trunk{Name: "gw", Kind: TrunkAcceptRegister, Username: "1001", Password: "pw"})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "username" {
		t.Fatalf("gateway user 1001: %v, want a field error on username", err)
	}
	if err := s.PutTrunk(Trunk{Name: "gw", Kind: TrunkAcceptRegister, Username: "gw1", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
}
