package lua

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

const programScript = `
local function ivr(call)
  assert(call:answer())
  local res, err = call:bridge{targets = {"1002", "1003"}, mode = "sequential", timeout = 15, caller_id = call.from}
  if not res then error("bridge: " .. err) end
  if not res.answered then
    log.info("code", res.code)
    -- use the result: try the operator after a busy
    res = call:bridge{targets = {"1000"}}
    if res.answered then return end
  end
  call:hangup(486, "Busy Here")
end

function route(call)
  if call.to == "ivr" then return ivr end
  if call.to == "table" then return {action = "program", run = ivr} end
  if call.to == "fields" then
    return function(c)
      assert(c.to == "fields" and c.from == "1001" and c.authenticated == true and c.call_id == "prog-fields")
      local ok, err = pcall(function() c.to = "x" end)
      assert(not ok and err:find("read%-only"))
      assert(not pcall(function() return c.answer() end)) -- a dot, not a colon
      assert(c:sleep(0.01) == true)
      assert(c:transfer("1005"))
      error("not reached: a transfer ends the program")
    end
  end
  if call.to == "media" then
    return function(c)
      local v, err = c:play{file = "hello.wav", loops = 2}
      assert(v == nil and err == "not yet available", tostring(err))
      v, err = c:collect{max = 4, timeout = 5, terminator = "#", prompt = "menu.wav"}
      assert(v == nil and err == "not yet available")
      v, err = c:record{max_duration = 60, terminator = "#"}
      assert(v == nil and err == "not yet available")
      c:hangup()
    end
  end
  if call.to == "hungup" then
    return function(c)
      c:answer()
      -- pcall cannot keep a program going after the caller has gone
      local ok = pcall(c.sleep, c, 1)
      c:hangup(500, "must not run")
    end
  end
  if call.to == "collect" then
    return function(c)
      local d = c:collect{max = 1}
      c:bridge{targets = {"10" .. d}}
    end
  end
  if call.to == "loop" then
    return function(c)
      c:answer()
      while true do end
    end
  end
  if call.to == "slowsteps" then
    -- each step stays under the budget; together they exceed ProgramBudget
    return function(c)
      while true do
        local t = os.clock()
        while os.clock() - t < 0.02 do end
        c:sleep(0)
      end
    end
  end
  if call.to == "badargs" then
    return function(c) c:bridge{targets = {"1002"}, mdoe = "sequential"} end
  end
  if call.to == "err" then
    return function(c) c:answer(); local x; return x.y end
  end
  return {action = "reject", code = 404}
end
`

func TestProgramBridgeResultUsed(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: programScript}, Options{})
	for _, to := range []string{"ivr", "table"} {
		c := &fakeCall{bridgeRes: []hook.BridgeResult{{Code: 486, Reason: "Busy Here"}, {Answered: true, Target: "1000"}}}
		if err := runProgram(t, e, to, c); err != nil {
			t.Fatal(err)
		}
		if got := c.Ops(); got != "answer bridge(1002,1003) bridge(1000)" {
			t.Fatalf("%s: ops %q", to, got)
		}
		b := c.bridges[0]
		if b.Mode != hook.ModeSequential || b.Timeout != 15*time.Second || b.CallerID != "1001" || !slices.Equal(b.Targets, []string{"1002", "1003"}) {
			t.Errorf("bridge spec %+v", b)
		}
	}
	// Nobody answers: the program hangs up with its code.
	c := &fakeCall{bridgeRes: []hook.BridgeResult{{Code: 480}}}
	if err := runProgram(t, e, "ivr", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "answer bridge(1002,1003) bridge(1000) hangup(486,Busy Here)" {
		t.Fatalf("ops %q", got)
	}
}

func TestProgramFieldsAndTransfer(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: programScript}, Options{})
	c := &fakeCall{}
	if err := runProgram(t, e, "fields", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "sleep(10ms) transfer(1005)" {
		t.Fatalf("ops %q", got)
	}
}

func TestProgramNotAvailable(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: programScript}, Options{})
	c := &fakeCall{}
	if err := runProgram(t, e, "media", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "play(hello.wav,2) collect(4,5s,#,menu.wav) record(1m0s,#) hangup(480,)" {
		t.Fatalf("ops %q", got)
	}
}

func TestProgramEndsWhenCallerHangsUp(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: programScript}, Options{})
	c := &fakeCall{sleepErr: hook.ErrHungUp}
	if err := runProgram(t, e, "hungup", c); err != nil {
		t.Fatalf("a hang-up is a normal end: %v", err)
	}
	if got := c.Ops(); got != "answer sleep(1s)" {
		t.Fatalf("the program went on after the hang-up: %q", got)
	}
	// The state is healthy and serves the next call.
	if d, err := route(e, "1002"); err != nil || d.Code != 404 {
		t.Fatalf("after: %+v %v", d, err)
	}
}

func TestProgramCollectDigits(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: programScript}, Options{})
	c := &fakeCall{collect: []string{"7"}}
	if err := runProgram(t, e, "collect", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "collect(1,0s,,) bridge(107)" {
		t.Fatalf("ops %q", got)
	}
}

func TestProgramStepBudget(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: programScript}, Options{Budget: 50 * time.Millisecond})
	// Time blocked in a primitive does not count.
	c := &fakeCall{block: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- runProgram(t, e, "fields", c) }()
	time.Sleep(200 * time.Millisecond)
	close(c.block)
	if err := <-done; err != nil {
		t.Fatalf("a long primitive counted against the step budget: %v", err)
	}
	// A step that loops is stopped.
	c = &fakeCall{}
	err := runProgram(t, e, "loop", c)
	wantErr(t, err, ErrBudget, "program")
	if c.Ops() != "answer" {
		t.Fatalf("ops %q", c.Ops())
	}
}

func TestProgramTotalBudget(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: programScript}, Options{Budget: time.Second, ProgramBudget: 150 * time.Millisecond})
	c := &fakeCall{}
	err := runProgram(t, e, "slowsteps", c)
	wantErr(t, err, ErrBudget, "Lua time")
	if n := strings.Count(c.Ops(), "sleep"); n < 2 {
		t.Fatalf("only %d steps ran", n)
	}
}

func TestProgramErrors(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: programScript}, Options{})
	err := runProgram(t, e, "badargs", &fakeCall{})
	wantErr(t, err, ErrRuntime, DialPlanFile+":", "call:bridge", `"mdoe"`)
	err = runProgram(t, e, "err", &fakeCall{})
	wantErr(t, err, ErrRuntime, DialPlanFile+":", "index")

	// A program runs once.
	d, err := e.Route(context.Background(), hook.RouteRequest{To: "media"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Program.Run(context.Background(), &fakeCall{}); err != nil {
		t.Fatal(err)
	}
	if err := d.Program.Run(context.Background(), &fakeCall{}); !errors.Is(err, ErrProgram) {
		t.Fatalf("second run: %v", err)
	}
}

// Cancelling the program's context (the call ended) stops a blocked
// primitive and the program.
func TestProgramContextCancel(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: programScript}, Options{})
	c := &fakeCall{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	d, err := e.Route(context.Background(), hook.RouteRequest{CallID: "prog-fields", From: "1001", To: "fields", Authenticated: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Program.Run(ctx, c) }()
	<-c.entered
	cancel()
	err = <-done
	wantErr(t, err, context.Canceled)
	if strings.Contains(c.Ops(), "transfer") {
		t.Fatalf("the program went on: %q", c.Ops())
	}
}
