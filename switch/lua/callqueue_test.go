package lua

import (
	"slices"
	"testing"
	"time"
)

const queueScript = `
function route(call)
  if call.to == "queue" then
    return function(c)
      local r = c:queue{queue = "7000", priority = 5}
      if r.reason ~= "answered" or r.agent ~= "2001" or r.hung_up then error("result " .. r.reason) end
      c:hangup()
    end
  end
  if call.to == "badqueue" then
    return function(c) c:queue{queue = "7000", priority = 101} end
  end
  if call.to == "out" then
    return function(c)
      c:bridge{targets = {"0301234"}, trunks = {"a", "b"}, time_limit = 60}
    end
  end
end
`

func TestProgramQueueAndTrunkBridge(t *testing.T) {
	e := buildEngine(t, map[string]string{DialPlanFile: queueScript}, Options{})
	c := &fakeCall{}
	if err := runProgram(t, e, "queue", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "queue(7000,5) hangup(480,)" {
		t.Fatalf("ops %q", got)
	}
	if err := runProgram(t, e, "badqueue", &fakeCall{}); err == nil {
		t.Fatal("priority 101 accepted")
	}
	c = &fakeCall{}
	if err := runProgram(t, e, "out", c); err != nil {
		t.Fatal(err)
	}
	if len(c.bridges) != 1 || !slices.Equal(c.bridges[0].Trunks, []string{"a", "b"}) || c.bridges[0].TimeLimit != time.Minute {
		t.Fatalf("bridge specs %+v", c.bridges)
	}
}
