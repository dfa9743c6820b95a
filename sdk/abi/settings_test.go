package abi

import (
	"errors"
	"reflect"
	"testing"
)

// With FeatureSettings the route request's language and an extension's
// settings survive the round trip, alone or with FeatureRouting.
func TestSettingsRoundTrip(t *testing.T) {
	ext := Extension{Number: "1001", Name: "Alice", Email: "a@example.com", MaxContacts: 3,
		Tenant: "acme", Codecs: []string{"PCMA", "PCMU"}, DTMFMode: "info", Recording: "always", Language: "de",
		PickupGroup: 7, CallWaiting: true, Voicemail: false}
	for _, features := range []uint32{FeatureSettings, FeatureSettings | FeatureRouting} {
		for _, tc := range []struct{ in, out message }{
			{&RouteRequest{CallID: "c1", From: "1001", To: "1002", Authenticated: true, Language: "pt-BR"}, &RouteRequest{}},
			{&ext, &Extension{}},
			{&Extension{Number: "1002"}, &Extension{}},
		} {
			w := Writer{Features: features}
			tc.in.Append(&w)
			if err := decodeAs(w.B, features, tc.out); err != nil || !reflect.DeepEqual(tc.in, tc.out) {
				t.Errorf("features %#x %T: %+v -> %+v, %v", features, tc.in, tc.in, tc.out, err)
			}
		}
	}
}

// The documented layouts, byte for byte: the settings fields come after
// the original ones (and after trunk with FeatureRouting).
func TestSettingsBytes(t *testing.T) {
	e := Extension{Number: "1", MaxContacts: 2, Tenant: "t", Codecs: []string{"PCMA"}, DTMFMode: "info",
		Recording: "never", Language: "de", PickupGroup: 3, CallWaiting: true, Voicemail: true}
	w := Writer{Features: FeatureSettings}
	e.Append(&w)
	want := "\x01\x00\x00\x001" + zeros(8) + "\x02\x00\x00\x00" +
		"\x01\x00\x00\x00t" + "\x01\x00\x00\x00\x04\x00\x00\x00PCMA" + "\x04\x00\x00\x00info" +
		"\x05\x00\x00\x00never" + "\x02\x00\x00\x00de" + "\x03\x00\x00\x00" + "\x01" + "\x01"
	if string(w.B) != want {
		t.Errorf("extension: % x\nwant        % x", w.B, want)
	}
	w = Writer{Features: FeatureRouting | FeatureSettings}
	(&RouteRequest{To: "49", Trunk: "up", Language: "de"}).Append(&w)
	want = zeros(16) + "\x02\x00\x00\x0049" + zeros(12) + "\x00" + "\x02\x00\x00\x00up" + "\x02\x00\x00\x00de"
	if string(w.B) != want {
		t.Errorf("route request: % x\nwant           % x", w.B, want)
	}
}

// Without FeatureSettings the extension and the route request keep their
// earlier layouts byte for byte (guests built before read what they always
// did), and a mismatch of layouts is malformed, never misread.
func TestSettingsOriginalLayoutUnchanged(t *testing.T) {
	plain := Extension{Number: "1001", Name: "Alice", MaxContacts: 1}
	rich := plain
	rich.Tenant, rich.Codecs, rich.Language, rich.Voicemail = "acme", []string{"PCMA"}, "de", true
	var a, b Writer
	plain.Append(&a)
	rich.Append(&b)
	if string(a.B) != string(b.B) {
		t.Fatalf("original extension layout changed: % x vs % x", a.B, b.B)
	}
	var back Extension
	if err := decodeAs(b.B, 0, &back); err != nil || !reflect.DeepEqual(back, plain) {
		t.Fatalf("original extension: %+v %v", back, err)
	}
	r := Writer{Features: FeatureRouting}
	(&RouteRequest{To: "2", Trunk: "up", Language: "de"}).Append(&r)
	if want := routed(&RouteRequest{To: "2", Trunk: "up"}); string(r.B) != string(want) {
		t.Fatalf("routing route request changed: % x vs % x", r.B, want)
	}
	w := Writer{Features: FeatureSettings}
	rich.Append(&w)
	if err := decodeAs(w.B, 0, &Extension{}); !errors.Is(err, ErrMalformed) {
		t.Errorf("settings read as original: %v", err)
	}
	if err := decodeAs(a.B, FeatureSettings, &Extension{}); !errors.Is(err, ErrMalformed) {
		t.Errorf("original read as settings: %v", err)
	}
}
