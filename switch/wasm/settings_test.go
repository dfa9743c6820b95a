package wasm

import (
	"context"
	"testing"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// settingsDir has one extension with every setting and one without any.
var settingsDir = testDir{
	"1001": {Number: "1001", Name: "Anna", Tenant: "acme", Codecs: []string{"PCMA", "PCMU"}, DTMFMode: "info",
		Recording: "always", Language: "de", PickupGroup: 7, CallWaiting: false, Voicemail: true},
	"1002": {Number: "1002"},
}

// The caller's language and an extension's settings (SPEC P1) reach a
// plugin built with sdk/go, one by one and in the list.
func TestSettingsFields(t *testing.T) {
	e := newEngine(t, "settings.wasm", Options{Directory: settingsDir})
	d, err := routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c", From: "1001", To: "language", Language: "pt-BR"})
	if err != nil || d.Reason != "language=pt-BR" {
		t.Fatalf("language: %+v %v", d, err)
	}
	want := "1001 tenant=acme codecs=PCMA,PCMU dtmf=info recording=always language=de pickup=7 cw=false vm=true"
	if d, err := route(t, e, "1001"); err != nil || d.Reason != want {
		t.Fatalf("extension 1001:\n got %q %v\nwant %q", d.Reason, err, want)
	}
	if d, err := route(t, e, "all"); err != nil || (d.Reason != "1001:acme:de|1002::" && d.Reason != "1002::|1001:acme:de") {
		t.Fatalf("extensions: %q %v", d.Reason, err)
	}
}

// On a host without the settings layouts the same plugin still runs: it
// reads the original layouts, and the new fields are empty.
func TestSettingsOlderHost(t *testing.T) {
	e := newEngine(t, "settings.wasm", Options{Directory: settingsDir, features: hostFeatures &^ abi.FeatureSettings})
	d, err := routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c", From: "1001", To: "language", Language: "de"})
	if err != nil || d.Reason != "language=" {
		t.Fatalf("language: %+v %v", d, err)
	}
	want := "1001 tenant= codecs= dtmf= recording= language= pickup=0 cw=false vm=false"
	if d, err := route(t, e, "1001"); err != nil || d.Reason != want {
		t.Fatalf("extension 1001: %q %v, want %q", d.Reason, err, want)
	}
}
