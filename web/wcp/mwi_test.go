package wcp

import (
	"os"
	"testing"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// With mwi=1 the page hears its mailbox: the first NOTIFY's counts, then
// a new message deposited in the switch's store (no call needed). Without
// mwi no 9011 comes.
func TestVoicemailEvents(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	cl := dial(t, sw)
	cl.connect()
	cl.ask(callproto.OpRegister, 0, f("tel", "1001"), f("pwd", callproto.Proof(passwordOf("1001"), cl.nonce, "1001")), f("mwi", "1"))
	cl.event(callproto.EvRegisterState, "state=0")
	cl.event(callproto.EvVoicemail, "vm=0/0 (0/0)")

	deposit(t, sw, "1001")
	cl.event(callproto.EvVoicemail, "vm=1/0 (0/0)")

	// A page without mwi: a deposit for it, then a call-free op whose ACK
	// must be the next frame.
	cl2 := dial(t, sw)
	cl2.connect()
	cl2.register("1002")
	deposit(t, sw, "1002")
	cl2.ask(callproto.OpDisconnect, -4, f("cid", "none"))
}

// deposit puts a message of silence into box, as the voicemail app does
// after a recording.
func deposit(t *testing.T, sw *testSwitch, box string) {
	t.Helper()
	rec := sw.srv.Recordings
	id, path, err := rec.Create(recording.Meta{Kind: recording.KindProgram, From: "1003", To: box})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8000 * 2
	if err := os.WriteFile(path, append(recording.AppendWAVHeader(nil, 1, 8000, n), make([]byte, n)...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := rec.Finish(id, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := sw.srv.Voicemail.Deposit(box, id, "1003", "Carol"); err != nil {
		t.Fatal(err)
	}
}
