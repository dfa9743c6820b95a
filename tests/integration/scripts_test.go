package integration

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// withScripts boots a switch whose scripts directory holds dialplan.lua.
func withScripts(t *testing.T, dialplan string, tune ...func(*server.Config)) (*testSwitch, string) {
	t.Helper()
	dir := t.TempDir()
	writeScript(t, dir, "dialplan.lua", dialplan)
	sw := newSwitch(t, append([]func(*server.Config){func(c *server.Config) { c.ScriptsDir = dir }}, tune...)...)
	return sw, dir
}

func writeScript(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// routeTo is a dial plan sending number `from` to extension `to`, and
// extensions to themselves.
func routeTo(from, to string) string {
	return `function route(call)
  if call.to == "` + from + `" then return { action = "bridge", targets = { "` + to + `" } } end
  return { action = "bridge", targets = { call.to } }
end
`
}

// A reload while a call is up: the call goes on to its normal end, and new
// calls follow the new script.
func TestReloadWhileCallsUp(t *testing.T) {
	t.Parallel()
	sw, dir := withScripts(t, routeTo("5000", "1002"))
	if err := sw.st.CreateExtension(store.Extension{Number: "1004", Password: passwordOf("1004")}); err != nil {
		t.Fatal(err)
	}
	a, b, c, d := newPhone(t, sw, "1001"), newPhone(t, sw, "1002"), newPhone(t, sw, "1003"), newPhone(t, sw, "1004")
	for _, p := range []*phone{a, b, c, d} {
		p.mustRegister(t)
		p.setPolicy(policyAnswer, 100*time.Millisecond)
	}
	first := a.dial(t, "5000")
	b.waitIncoming(t)
	res, _ := first.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("first call: %d, want 200 from 1002", res.StatusCode)
	}
	firstDialog := first.ack(t, res)

	writeScript(t, dir, "dialplan.lua", routeTo("5000", "1004"))
	gen, err := sw.srv.Hooks.Reload()
	if err != nil || gen < 2 {
		t.Fatalf("reload: generation %d, %v", gen, err)
	}
	second := c.dial(t, "5000")
	in := d.waitIncoming(t) // the new script sends 5000 to 1004
	if in.req.From().Address.User != "1003" {
		t.Fatalf("1004 got a call from %s", in.req.From().Address.User)
	}
	if res, _ := second.final(t); res.StatusCode != 200 {
		t.Fatalf("second call: %d", res.StatusCode)
	}
	// The first call is still up and ends normally.
	if r := firstDialog.bye(t); r.StatusCode != 200 {
		t.Fatalf("BYE on the call from before the reload: %d", r.StatusCode)
	}
	if cdr := sw.waitCDR(t, first.CallID()); cdr.Status != store.StatusAnswered || cdr.FinalDest != "1002" {
		t.Fatalf("first call CDR: %+v", cdr)
	}
}

// A bad reload is reported with file and line and changes nothing; the next
// good one works.
func TestBadReloadKeepsRunningScripts(t *testing.T) {
	t.Parallel()
	sw, dir := withScripts(t, routeTo("5000", "1002"))
	a, b := newPhone(t, sw, "1001"), newPhone(t, sw, "1002")
	a.mustRegister(t)
	b.mustRegister(t)
	b.setPolicy(policyBusy, 0)
	before := sw.srv.Hooks.Generation()

	writeScript(t, dir, "dialplan.lua", "function route(call)\n  return {\nend\n")
	gen, err := sw.srv.Hooks.Reload()
	if err == nil || !strings.Contains(err.Error(), "dialplan.lua:") {
		t.Fatalf("bad reload: want an error naming dialplan.lua and a line, got %v", err)
	}
	if gen != before || sw.srv.Hooks.Generation() != before {
		t.Fatalf("bad reload moved the generation: %d -> %d", before, gen)
	}
	// The old script still routes 5000 to 1002 (which is busy).
	if res, _ := a.dial(t, "5000").final(t); res.StatusCode != 486 {
		t.Fatalf("call after the bad reload: %d, want 486 from 1002", res.StatusCode)
	}
	writeScript(t, dir, "dialplan.lua", `function route(call) return { action = "reject", code = 403 } end`)
	if gen, err := sw.srv.Hooks.Reload(); err != nil || gen != before+1 {
		t.Fatalf("good reload after a bad one: generation %d, %v", gen, err)
	}
	if res, _ := a.dial(t, "5000").final(t); res.StatusCode != 403 {
		t.Fatalf("call after the good reload: %d, want 403", res.StatusCode)
	}
}

// Saving a script reloads it.
func TestScriptFileWatch(t *testing.T) {
	t.Parallel()
	sw, dir := withScripts(t, routeTo("5000", "1002"))
	before := sw.srv.Hooks.Generation()
	writeScript(t, dir, "dialplan.lua", `function route(call) return { action = "reject", code = 404 } end`)
	deadline := time.Now().Add(5 * time.Second)
	for sw.srv.Hooks.Generation() == before {
		if time.Now().After(deadline) {
			t.Fatal("saving dialplan.lua did not reload the scripts")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Each kind of script fault fails only its own call, with the route
// policy's answer (fail-closed 503), while other calls go on.
func TestScriptFaultsAffectOnlyTheirCall(t *testing.T) {
	t.Parallel()
	sw, _ := withScripts(t, `
function route(call)
  if call.to == "6661" then while true do end end
  if call.to == "6662" then error("boom") end
  if call.to == "6663" then local function f(n) return f(n + 1) + 1 end return f(1) end
  if call.to == "6664" then local s = "x" while true do s = s .. s end end
  if call.to == "6665" then local t = {} local i = 0 while true do i = i + 1 t[i] = {} end end
  if call.to == "6666" then return { action = "bridge", targets = "oops" } end
  if call.to == "6667" then return 42 end
  return { action = "bridge", targets = { call.to } }
end
`)
	a, b := newPhone(t, sw, "1001"), newPhone(t, sw, "1002")
	a.mustRegister(t)
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 100*time.Millisecond)

	var wg sync.WaitGroup
	for _, num := range []string{"6661", "6662", "6663", "6664", "6665", "6666", "6667"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res, _ := a.dial(t, num).final(t); res.StatusCode != 503 {
				t.Errorf("fault %s: caller got %d, want the route policy's 503", num, res.StatusCode)
			}
		}()
	}
	// A good call in the middle of the faults connects.
	c, da, _ := connect(t, sw, a, b)
	wg.Wait()
	if r := da.bye(t); r.StatusCode != 200 {
		t.Fatalf("good call BYE: %d", r.StatusCode)
	}
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusAnswered {
		t.Fatalf("good call CDR: %+v", cdr)
	}
	_, _, _, hooks := sw.srv.Hooks.Metrics().Snapshot()
	var errs, over uint64
	for _, h := range hooks {
		if h.Hook == "route" {
			errs, over = errs+h.Errors, over+h.OverBudget
		}
	}
	if errs < 7 || over < 1 {
		t.Fatalf("route metrics: %d errors, %d over budget; want >= 7 and >= 1", errs, over)
	}
}

// A Lua call program answers, tries a busy extension, reads the result and
// bridges to the next one; the failure hook in Lua is consulted for plain
// bridges.
func TestLuaProgramAndFailureHook(t *testing.T) {
	t.Parallel()
	sw, _ := withScripts(t, `
function route(call)
  if call.to == "7100" then
    return function(call)
      local r = call:bridge{targets = {"1002"}, timeout = 5}
      if r.answered then return end
      log.info("1002 said " .. r.code .. ", trying 1003")
      call:bridge{targets = {"1003"}}
    end
  end
  return {action = "bridge", targets = {call.to}}
end

function failure(req)
  if req.code == 486 and req.attempt == 1 then
    return {action = "bridge", targets = {"1003"}}
  end
  return {action = "reject", code = req.code}
end
`)
	a, b, c := newPhone(t, sw, "1001"), newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	for _, p := range []*phone{a, b, c} {
		p.mustRegister(t)
	}
	b.setPolicy(policyBusy, 0)
	c.setPolicy(policyAnswer, 100*time.Millisecond)
	for _, number := range []string{"7100", "1002"} { // program; plain bridge + failure hook
		call := a.dial(t, number)
		in := c.waitIncoming(t)
		res, _ := call.final(t)
		if res.StatusCode != 200 {
			t.Fatalf("%s: caller got %d, want 200 from 1003", number, res.StatusCode)
		}
		da := call.ack(t, res)
		in.dialog(t).waitAck(t)
		if r := da.bye(t); r.StatusCode != 200 {
			t.Fatalf("%s: BYE %d", number, r.StatusCode)
		}
		if cdr := sw.waitCDR(t, call.CallID()); cdr.FinalDest != "1003" || cdr.Status != store.StatusAnswered {
			t.Fatalf("%s: CDR %+v", number, cdr)
		}
	}
}

// The kv module persists in the store: a counter survives a restart.
func TestLuaKVSurvivesRestart(t *testing.T) {
	t.Parallel()
	sw, _ := withScripts(t, `
function route(call)
  local n = tonumber(kv.get("calls") or "0") + 1
  kv.set("calls", tostring(n))
  return {action = "reject", code = 480, reason = "call " .. n}
end
`)
	a := newPhone(t, sw, "1001")
	a.mustRegister(t)
	for _, want := range []string{"call 1", "call 2"} {
		if res, _ := a.dial(t, "5000").final(t); res.StatusCode != 480 || res.Reason != want {
			t.Fatalf("got %d %q, want 480 %q", res.StatusCode, res.Reason, want)
		}
	}
	sw.restart(t)
	a.mustRegister(t) // a fresh nonce key after the restart
	if res, _ := a.dial(t, "5000").final(t); res.Reason != "call 3" {
		t.Fatalf("after restart: %d %q, want the count to go on at 3", res.StatusCode, res.Reason)
	}
}

// The register, answer, hangup and cdr hooks, in Lua, see their events
// and their decisions take effect.
func TestLuaCallEventHooks(t *testing.T) {
	t.Parallel()
	sw, _ := withScripts(t, `
function route(call) return {action = "bridge", targets = {call.to}} end

function register(req)
  if req.aor == "1003" then return {reject = true, code = 403, reason = "Not this one"} end
  return {expires = 120}
end

function answer(ev) kv.set("answered/" .. ev.call_id, ev.from .. ">" .. ev.to) end
function hangup(ev) kv.set("hangup/" .. ev.call_id, ev.reason) end
function cdr(req) return {extra = {rated = "yes", who = req.record.caller}} end
`)
	a, b, c := newPhone(t, sw, "1001"), newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	res := a.register(t, 3600, true)
	if res.StatusCode != 200 {
		t.Fatalf("register 1001: %d", res.StatusCode)
	}
	if ct := res.Contact(); ct == nil || ct.Params.GetOr("expires", "") != "120" {
		t.Fatalf("register hook asked for 120 s, the 200 says %v", res.GetHeader("Contact"))
	}
	if res := c.register(t, 3600, true); res.StatusCode != 403 || res.Reason != "Not this one" {
		t.Fatalf("register hook rejects 1003: got %d %q", res.StatusCode, res.Reason)
	}
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 100*time.Millisecond)
	call, da, _ := connect(t, sw, a, b)
	da.bye(t)
	cdr := sw.waitCDR(t, call.CallID())
	if cdr.Extra["rated"] != "yes" || cdr.Extra["who"] != "1001" {
		t.Fatalf("cdr hook fields missing: %+v", cdr.Extra)
	}
	for key, want := range map[string]string{"answered/" + call.CallID(): "1001>1002", "hangup/" + call.CallID(): "caller_hangup"} {
		got, ok, err := sw.st.KVGet("default", key)
		if err != nil || !ok || got != want {
			t.Errorf("kv %s = %q (%v, %v), want %q", key, got, ok, err, want)
		}
	}
}
