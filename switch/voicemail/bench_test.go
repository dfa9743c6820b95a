package voicemail

import (
	"fmt"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// BenchmarkCounts: MWI asks for a box's counts on every subscription and
// change; a full box holds 100 messages.
func BenchmarkCounts(b *testing.B) {
	f := open(b)
	for i := range store.DefaultMaxMessages {
		m := store.VoicemailMessage{ID: fmt.Sprintf("20261122T180102Z-%08x", i), Box: "1001", Folder: FolderNew, Received: time.Now()}
		if err := f.st.AddVoicemailMessage(m, store.DefaultMaxMessages); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if n, _, err := f.vm.Counts("1001"); err != nil || n != store.DefaultMaxMessages {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkCheckPIN: the PBKDF2 cost a PIN check adds to a call program's
// step (its Lua budget is 200 ms by default).
func BenchmarkCheckPIN(b *testing.B) {
	f := open(b)
	if err := f.vm.SetPIN("1001", "2468"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !f.vm.CheckPIN("1001", "2468") {
			b.Fatal("no match")
		}
	}
}
