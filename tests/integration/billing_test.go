package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/plugins/billing/ledger"
	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// billingRates: calls to 1002 cost 0.01 a second (0.60 a minute, billed
// per second, no connect fee), so a balance of 0.02 buys 2 s; 1003 has no
// rate.
const billingRates = rating.Header + `
1002,internal,0,0,0,0,0.60,0.60,1,1
`

// withBilling boots a switch whose hooks.json binds authorize and cdr to
// the shipped billing.wasm (route stays the Lua dial plan), with the rates
// above imported into the plugin's namespace of the store.
func withBilling(t *testing.T) *testSwitch {
	t.Helper()
	scripts, plugs := t.TempDir(), t.TempDir()
	writeScript(t, scripts, "dialplan.lua", `function route(call) return {action = "bridge", targets = {call.to}} end`)
	writeScript(t, scripts, "hooks.json", `{"hooks": {
  "authorize": {"engine": "wasm", "plugin": "billing.wasm"},
  "cdr": {"engine": "wasm", "plugin": "billing.wasm"}
}}`)
	bin, err := plugins.FS.ReadFile("billing.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plugs, "billing.wasm"), bin, 0o644); err != nil {
		t.Fatal(err)
	}
	sw := newSwitch(t, func(c *server.Config) { c.ScriptsDir, c.PluginsDir = scripts, plugs })
	if _, err := ledger.ImportRates(sw.st, strings.NewReader(billingRates)); err != nil {
		t.Fatal(err)
	}
	return sw
}

func setBalance(t *testing.T, sw *testSwitch, ext, amount string) {
	t.Helper()
	m, err := rating.ParseMoney(amount)
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.SetBalance(sw.st, ext, m); err != nil {
		t.Fatal(err)
	}
}

func balanceOf(t *testing.T, sw *testSwitch, ext string) string {
	t.Helper()
	m, _, err := ledger.Balance(sw.st, ext)
	if err != nil {
		t.Fatal(err)
	}
	return m.String()
}

// A balance that cannot pay the first second of a rated call: 402, and
// nothing is charged.
func TestBillingRefusesLowBalance(t *testing.T) {
	t.Parallel()
	sw := withBilling(t)
	setBalance(t, sw, "1001", "0.005")
	a, b := newPhone(t, sw, "1001"), newPhone(t, sw, "1002")
	a.mustRegister(t)
	b.mustRegister(t)
	call := a.dial(t, "1002")
	res, _ := call.final(t)
	if res.StatusCode != 402 || res.Reason != "Insufficient Balance" {
		t.Fatalf("got %d %q, want 402 Insufficient Balance", res.StatusCode, res.Reason)
	}
	cdr := sw.waitCDR(t, call.CallID())
	if cdr.Status != store.StatusRejected || cdr.FailCode != 402 || len(cdr.Extra) != 0 {
		t.Fatalf("CDR of a refused call: %+v", cdr)
	}
	if got := balanceOf(t, sw, "1001"); got != "0.005" {
		t.Fatalf("balance %s after a refused call", got)
	}
	// No balance record at all counts as 0.
	c := newPhone(t, sw, "1003")
	c.mustRegister(t)
	if res, _ := c.dial(t, "1002").final(t); res.StatusCode != 402 {
		t.Fatalf("caller without a balance: %d, want 402", res.StatusCode)
	}
}

// A balance of 0.02 buys 2 s: the core hangs the call up then (time_limit),
// and the cdr hook charges exactly what it debits.
func TestBillingTimeLimitAndDebit(t *testing.T) {
	t.Parallel()
	sw := withBilling(t)
	setBalance(t, sw, "1001", "0.02")
	a, b := newPhone(t, sw, "1001"), newPhone(t, sw, "1002")
	a.mustRegister(t)
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 100*time.Millisecond)
	start := time.Now()
	call, da, db := connect(t, sw, a, b)
	da.waitBye(t)
	db.waitBye(t)
	if d := time.Since(start); d < 2*time.Second || d > 4*time.Second {
		t.Fatalf("hung up after %v, want about the 2 s the balance buys", d)
	}
	cdr := sw.waitCDR(t, call.CallID())
	if cdr.Status != store.StatusAnswered || cdr.EndedReason != "time_limit" || cdr.TalkSeconds != 2 {
		t.Fatalf("CDR of a call cut at its limit: %+v", cdr)
	}
	if cdr.Extra["billing_cost"] != "0.02" || cdr.Extra["billing_rate"] != "internal/1002" || cdr.Extra["billing_balance"] != "0" {
		t.Fatalf("billing fields: %v", cdr.Extra)
	}
	if got := balanceOf(t, sw, "1001"); got != "0" {
		t.Fatalf("balance after the call: %s, want 0 (0.02 - 0.02)", got)
	}
	// The balance is spent: the next call is refused.
	if res, _ := a.dial(t, "1002").final(t); res.StatusCode != 402 {
		t.Fatalf("call with a spent balance: %d, want 402", res.StatusCode)
	}
}

// A number without a rate is neither limited nor charged, whatever the
// balance.
func TestBillingUnratedCall(t *testing.T) {
	t.Parallel()
	sw := withBilling(t)
	setBalance(t, sw, "1001", "0.02")
	a, c := newPhone(t, sw, "1001"), newPhone(t, sw, "1003")
	a.mustRegister(t)
	c.mustRegister(t)
	c.setPolicy(policyAnswer, 100*time.Millisecond)
	call, da, db := connect(t, sw, a, c)
	select {
	case bye := <-db.byes:
		t.Fatalf("an unrated call was hung up: %s", bye.StartLine())
	case <-time.After(3 * time.Second): // longer than 0.02 buys on a rated number
	}
	callerHangsUp(t, sw, call.CallID(), da, db)
	if cdr := sw.waitCDR(t, call.CallID()); len(cdr.Extra) != 0 || cdr.TalkSeconds < 3 {
		t.Fatalf("CDR of an unrated call: %+v", cdr)
	}
	if got := balanceOf(t, sw, "1001"); got != "0.02" {
		t.Fatalf("balance after an unrated call: %s", got)
	}
}
