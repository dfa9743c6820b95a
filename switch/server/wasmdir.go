package server

import (
	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/store"
)

// wasmDirectory shows the extensions to plugins: what Lua's config module
// shows, with the settings of SPEC P1 (abi.FeatureSettings layouts).
type wasmDirectory struct{ d directory }

func (w wasmDirectory) Extension(n string) (abi.Extension, bool) {
	e, err := w.d.st.GetExtension(n)
	if err != nil {
		return abi.Extension{}, false
	}
	return wasmExtension(e), true
}

func (w wasmDirectory) Extensions() []abi.Extension {
	es, _ := w.d.st.ListExtensions() // a corrupt record is left out, as for scripts
	out := make([]abi.Extension, 0, len(es))
	for _, e := range es {
		out = append(out, wasmExtension(e))
	}
	return out
}

// wasmExtension is the record a plugin reads; unset settings read as
// their defaults, so a plugin need not know them.
func wasmExtension(e store.Extension) abi.Extension {
	x := abi.Extension{Number: e.Number, Name: e.Name, Email: e.Email, MaxContacts: uint32(max(e.MaxContacts, 0)),
		Tenant: e.Tenant, Codecs: e.Codecs, DTMFMode: e.DTMFMode, Recording: e.Recording, Language: e.Language,
		PickupGroup: uint32(max(e.PickupGroup, 0)), CallWaiting: e.CallWaitingOn(), Voicemail: e.VoicemailOn()}
	if x.DTMFMode == "" {
		x.DTMFMode = "rfc2833"
	}
	if x.Recording == "" {
		x.Recording = store.RecordOnDemand
	}
	return x
}
