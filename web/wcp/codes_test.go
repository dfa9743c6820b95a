package wcp

import (
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/web/callproto"
)

// codeTests is the op x code table: the test that gets each ACK code the
// catalogue lists for each command from a real switch, or "n/a: why".
var codeTests = map[int]map[int]string{
	callproto.OpConnect:     {0: "TestConnectAndBadFrames", -1: "TestConnectAndBadFrames", -2: "TestCodeGaps", -3: "TestSessionLimit"},
	callproto.OpRegister:    {0: "TestRegister", -1: "TestRegister", -2: "TestRegister"},
	callproto.OpUnregister:  {0: "TestRegister", -1: "TestConnectAndBadFrames", -2: "TestCodeGaps"},
	callproto.OpCall:        {0: "TestCallToPhone", -1: "TestConnectAndBadFrames", -2: "TestConnectAndBadFrames", -3: "TestCodeGaps"},
	callproto.OpAnswer:      {0: "TestCallFromPhone", -1: "n/a: a session without a registration has no incoming call, so its 1004 is -4", -2: "TestCallFromPhone", -4: "TestConnectAndBadFrames"},
	callproto.OpReject:      {0: "TestRejectIncoming", -1: "TestConnectAndBadFrames", -2: "TestConnectAndBadFrames"},
	callproto.OpRinging:     {0: "TestCallFromPhone", -2: "TestCallToPhone", -4: "TestConnectAndBadFrames"},
	callproto.OpModify:      {0: "TestCallToPhone", -2: "TestConnectAndBadFrames", -4: "TestConnectAndBadFrames"},
	callproto.OpSecondCall:  {0: "TestAttendedTransfer", -2: "TestAttendedTransfer", -4: "TestAttendedTransfer"},
	callproto.OpSendMessage: {0: "TestMessages", -1: "TestConnectAndBadFrames", -2: "TestMessages"},
	callproto.OpDisconnect:  {0: "TestCallToPhone", -2: "TestCodeGaps", -4: "TestConnectAndBadFrames"},
	callproto.OpGuestCall:   {0: "TestGuestCall", -1: "TestGuestCall", -2: "TestGuestCall", -3: "TestCodeGaps"},
	callproto.OpDTMF:        {0: "TestCallToPhone", -2: "TestConnectAndBadFrames", -4: "TestConnectAndBadFrames"},
	callproto.OpRecord:      {0: "TestRecordOnDemand", -2: "TestRecordOnDemand", -4: "TestRecordOnDemand"},
	callproto.OpBLF:         {0: "TestBLF", -1: "TestBLF", -2: "TestBLF"},
}

// The table covers every code of every command, and nothing else.
func TestCodeTable(t *testing.T) {
	for _, c := range callproto.Commands() {
		row, ok := codeTests[c.Op]
		if !ok {
			t.Errorf("op %d (%s): not in the table", c.Op, c.Name)
			continue
		}
		listed := map[int]bool{}
		for _, code := range c.Codes {
			listed[code.Code] = true
			if row[code.Code] == "" {
				t.Errorf("op %d code %d (%s): no test", c.Op, code.Code, code.Meaning)
			}
		}
		for code, where := range row {
			if !listed[code] {
				t.Errorf("op %d code %d (%s): not a code of the op", c.Op, code, where)
			}
		}
	}
}

// The codes no other test gets.
func TestCodeGaps(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, func(c *Config) { c.Guest = &Guest{Extension: "1009", Allow: []string{"1002"}} })
	p := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.raw("op=1000")
	if m := cl.expect(callproto.AckConnect, "", -2); !strings.HasPrefix(m.Get("reason"), "seq") {
		t.Fatalf("reason %q", m.Get("reason"))
	}
	cl.connect()
	cl.raw("op=1002")
	cl.expect(callproto.AckUnregister, "", -2)
	cl.ask(callproto.OpDisconnect, -2, f("cid", "a b"))
	offer := newBrowser(t).offer()
	// The guest extension is not in the store: no account to call from.
	cl.ask(callproto.OpGuestCall, -3, f("to", "1002"), f("nonce", cl.nonce), f("sdp", offer))

	// An account has at most 4 calls (ua.Config.MaxCalls): the fifth
	// finds no resource.
	cl.register("1001")
	for i := 0; i < 4; i++ {
		cl.ask(callproto.OpCall, 0, f("to", "1002"), f("sdp", offer))
		recv(t, p.calls, "the phone's call")
	}
	if m := cl.ask(callproto.OpCall, -3, f("to", "1002"), f("sdp", offer)); !strings.Contains(m.Get("reason"), "too many calls") {
		t.Fatalf("reason %q", m.Get("reason"))
	}
}
