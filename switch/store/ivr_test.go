package store

import (
	"errors"
	"strings"
	"testing"
)

func TestIVRValidate(t *testing.T) {
	v := IVR{Number: "5000", Keys: map[string]Destination{"1": {Kind: DestExtension, Target: "1001"}}}
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	if v.Timeout != DefaultIVRTimeout || v.InterDigit != DefaultIVRInterDigit || v.Loops != DefaultIVRLoops {
		t.Fatalf("defaults: %+v", v)
	}
	ok := func(v IVR) IVR {
		v.Number = "5000"
		return v
	}
	bad := map[string]IVR{
		"number":                     {Number: "5x"},
		"prompts[1]":                 ok(IVR{Prompts: []string{"ivr/welcome", "../etc"}}),
		"keys":                       ok(IVR{Keys: map[string]Destination{"12": {Kind: DestHangup}}}),
		"keys.1":                     ok(IVR{Keys: map[string]Destination{"1": {Kind: DestExternal, Target: "+4930123"}}}),
		"keys.2":                     ok(IVR{Keys: map[string]Destination{"2": {Kind: DestURL, Target: "ftp://x/y"}}}),
		"keys.#":                     ok(IVR{Keys: map[string]Destination{"#": {Kind: "moon"}}}),
		"timeout":                    ok(IVR{Timeout: MaxIVRTimeout + 1}),
		"inter_digit":                ok(IVR{InterDigit: -1}),
		"loops":                      ok(IVR{Loops: MaxIVRLoops + 1}),
		"invalid_prompt":             ok(IVR{InvalidPrompt: "/abs"}),
		"on_timeout":                 ok(IVR{OnTimeout: Destination{Kind: DestExtension, Target: "x"}}),
		"when_closed.time_condition": ok(IVR{WhenClosed: WhenClosed{TimeCondition: "a b", IVR: "5001"}}),
		"when_closed.ivr":            ok(IVR{WhenClosed: WhenClosed{TimeCondition: "office", IVR: "5000"}}),
	}
	for field, v := range bad {
		var fe *FieldError
		if err := v.Validate(); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestIVRCRUD(t *testing.T) {
	s := groupStore(t)
	v := IVR{Number: "5000", Name: "Main", Prompts: []string{"ivr/welcome"},
		Keys: map[string]Destination{"1": {Kind: DestExtension, Target: "1001"}, "2": {Kind: DestURL, Target: "http://127.0.0.1/ivr"},
			"9": {Kind: DestConference, Target: "8000"}},
		OnTimeout: Destination{Kind: DestHangup}, WhenClosed: WhenClosed{TimeCondition: "office", IVR: "5001"}}
	if err := s.CreateIVR(v); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateIVR(v); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: %v", err)
	}
	got, err := s.GetIVR("5000")
	if err != nil || got.Name != "Main" || got.Keys["1"].Target != "1001" || got.Loops != DefaultIVRLoops || got.CreatedAt.IsZero() {
		t.Fatalf("get: %+v %v", got, err)
	}
	// The numbering plan is shared both ways.
	var fe *FieldError
	if err := s.CreateExtension(Extension{Number: "5000", Password: "Secret-5000-pw"}); !errors.As(err, &fe) || fe.Field != "number" || !strings.Contains(err.Error(), "an IVR") {
		t.Fatalf("extension on an IVR's number: %v", err)
	}
	if err := s.CreateIVR(IVR{Number: "1001"}); !errors.As(err, &fe) || fe.Field != "number" {
		t.Fatalf("IVR on an extension's number: %v", err)
	}
	// Destinations must exist; unknown time conditions are refused.
	if err := s.PutIVR(IVR{Number: "5002", Keys: map[string]Destination{"3": {Kind: DestGroup, Target: "77"}}}); !errors.As(err, &fe) || fe.Field != "keys.3" {
		t.Fatalf("missing group: %v", err)
	}
	if err := s.PutIVR(IVR{Number: "5002", WhenClosed: WhenClosed{TimeCondition: "nope", IVR: "5000"}}); !errors.As(err, &fe) || fe.Field != "when_closed.time_condition" {
		t.Fatalf("missing time condition: %v", err)
	}
	if err := s.PutIVR(IVR{Number: "5002", Tenant: "nope"}); !errors.As(err, &fe) || fe.Field != "tenant" {
		t.Fatalf("missing tenant: %v", err)
	}
	// What an IVR sends calls to cannot go while it does.
	var ce *ConflictError
	if err := s.DeleteExtension("1001"); !errors.As(err, &ce) || !strings.Contains(err.Error(), "ivr 5000") {
		t.Fatalf("delete extension in use: %v", err)
	}
	if err := s.PutIVR(IVR{Number: "5001", Name: "Closed"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteIVR("5001"); !errors.As(err, &ce) || !strings.Contains(err.Error(), "when_closed") {
		t.Fatalf("delete the closed IVR in use: %v", err)
	}
	list, err := s.ListIVRs()
	if err != nil || len(list) != 2 || list[0].Number != "5000" {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := s.DeleteIVR("5000"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetIVR("5000"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.DeleteIVR("5000"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := s.DeleteExtension("1001"); err != nil {
		t.Fatalf("delete extension no longer in use: %v", err)
	}
}

func TestIVRTenant(t *testing.T) {
	s := groupStore(t)
	if err := s.PutTenant(Tenant{Name: "a", Domain: "a.example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateExtension(Extension{Number: "2001", Tenant: "a", Password: "Secret-2001-pw"}); err != nil {
		t.Fatal(err)
	}
	var fe *FieldError
	err := s.PutIVR(IVR{Number: "5000", Tenant: "a", Keys: map[string]Destination{"1": {Kind: DestExtension, Target: "1001"}}})
	if !errors.As(err, &fe) || fe.Field != "keys.1" || !strings.Contains(err.Error(), "tenant") {
		t.Fatalf("a key to another tenant's extension: %v", err)
	}
	if err := s.PutIVR(IVR{Number: "5000", Tenant: "a", Keys: map[string]Destination{"1": {Kind: DestVoicemail, Target: "2001"}}}); err != nil {
		t.Fatal(err)
	}
}
