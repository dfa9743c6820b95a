package integration

import (
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// The authorize hook refuses a call with its own status, and a refusal
// holds even when the failure hook sends the call elsewhere.
func TestAuthorizeRefuses(t *testing.T) {
	t.Parallel()
	sw, _ := withScripts(t, `
function route(call) return {action = "bridge", targets = {call.to}} end
function failure(f) return {action = "bridge", targets = {"1003"}} end
function authorize(r)
  if r.to == "1002" then return {allow = false, code = 402, reason = "No Credit"} end
  return {allow = true}
end
`)
	a, b, c := newPhone(t, sw, "1001"), newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	a.mustRegister(t)
	b.mustRegister(t)
	c.mustRegister(t)
	call := a.dial(t, "1002")
	res, _ := call.final(t)
	if res.StatusCode != 402 || res.Reason != "No Credit" {
		t.Fatalf("refused call: got %d %q, want 402 No Credit", res.StatusCode, res.Reason)
	}
	cdr := sw.waitCDR(t, call.CallID())
	if cdr.Status != "rejected" || cdr.FailCode != 402 {
		t.Fatalf("CDR of a refused call: %+v", cdr)
	}
	select {
	case in := <-c.incoming:
		t.Fatalf("the failure hook bridged a refused call to 1003: %s", in.req.StartLine())
	case <-time.After(200 * time.Millisecond):
	}
}

// An authorized duration hangs the call up when it runs out: both legs get
// a BYE and the CDR says why.
func TestAuthorizeTimeLimit(t *testing.T) {
	t.Parallel()
	sw, _ := withScripts(t, `
function route(call) return {action = "bridge", targets = {call.to}} end
function authorize(r) return {allow = true, max_duration = 1} end
`)
	a, b := newPhone(t, sw, "1001"), newPhone(t, sw, "1002")
	a.mustRegister(t)
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 100*time.Millisecond)
	start := time.Now()
	call, da, db := connect(t, sw, a, b)
	da.waitBye(t)
	db.waitBye(t)
	if d := time.Since(start); d < time.Second {
		t.Fatalf("hung up after %v, before the authorized second", d)
	}
	cdr := sw.waitCDR(t, call.CallID())
	if cdr.Status != store.StatusAnswered || cdr.EndedReason != "time_limit" || cdr.TalkSeconds != 1 {
		t.Fatalf("CDR of a call cut at its limit: %+v", cdr)
	}
}
