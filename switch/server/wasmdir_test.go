package server

import (
	"reflect"
	"testing"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/store"
)

// A plugin reads an extension's stored settings; unset ones read as their
// defaults (rfc2833, on_demand, call waiting and voicemail on).
func TestWasmDirectorySettings(t *testing.T) {
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	off := false
	set := store.Settings{Codecs: []string{"PCMA"}, DTMFMode: "info", Recording: "always", Language: "de",
		PickupGroup: 3, CallWaiting: &off, Voicemail: &off}
	for _, e := range []store.Extension{
		{Number: "1001", Password: "pw-1001-secret", Name: "Anna", Settings: set},
		{Number: "1002", Password: "pw-1002-secret"},
	} {
		if err := st.CreateExtension(e); err != nil {
			t.Fatal(err)
		}
	}
	w := wasmDirectory{directory{st}}
	got, ok := w.Extension("1001")
	want := abi.Extension{Number: "1001", Name: "Anna", MaxContacts: 2, Codecs: []string{"PCMA"}, DTMFMode: "info", Recording: "always",
		Language: "de", PickupGroup: 3}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("1001:\n got %+v\nwant %+v", got, want)
	}
	got, ok = w.Extension("1002")
	want = abi.Extension{Number: "1002", MaxContacts: 2, DTMFMode: "rfc2833", Recording: store.RecordOnDemand, CallWaiting: true, Voicemail: true}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("1002:\n got %+v\nwant %+v", got, want)
	}
	if _, ok := w.Extension("1099"); ok {
		t.Fatal("1099 found")
	}
	if list := w.Extensions(); len(list) != 2 {
		t.Fatalf("extensions: %+v", list)
	}
}
