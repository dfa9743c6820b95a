package lua

import (
	"io"
	"log/slog"
	"testing"

	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/store"
)

func TestQueueModule(t *testing.T) {
	m := queue.New(queue.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	m.Sync([]store.Queue{
		{Number: "300", Name: "Sales", StaticAgents: []store.QueueMember{{Ext: "1001"}}, DynamicAgents: []string{"1002"},
			NoAnswer: store.Destination{Kind: store.DestVoicemail, Target: "1001"}},
		{Number: "301", DynamicAgents: []string{"1002"}},
	}, nil)
	if _, err := m.Join("300", "c1", "0301234", 0); err != nil {
		t.Fatal(err)
	}
	o := Options{Queues: m}
	for _, c := range []struct{ body, want string }{
		{`local q = queue.get("300") return q.number .. " " .. q.name .. " " .. q.no_answer.kind .. ":" .. q.no_answer.target`,
			"300 Sales voicemail:1001"},
		{`local q = queue.get(301) return tostring(q.no_answer) .. " " .. tostring(queue.get("399"))`, "nil nil"},
		{`local s = queue.status("300") return s.waiting .. "/" .. s.ready`, "1/1"},
		{`local s, err = queue.status("399") return tostring(s) .. " " .. err`, "nil queue.status: queue 399: no such queue"},
		// login to every queue 1002 is a dynamic agent of, then the status counts it.
		{`assert(queue.login("", "1002")) local a, b = queue.status("300"), queue.status("301") return a.ready .. b.ready`, "21"},
		{`assert(queue.pause("1002", "lunch")) return queue.status("300").ready .. queue.status("301").ready`, "10"},
		{`assert(queue.unpause(1002)) assert(queue.logout("301", "1002")) return queue.status("300").ready .. queue.status("301").ready`, "20"},
		{`local ok, err = queue.logout("300", "1001") return tostring(ok) .. " " .. err`,
			"nil queue.logout: logout 1001 in queue 300: a static agent is always logged in: it cannot log in or out"},
		{`local ok, err = queue.login("300", "1009") return err`, "queue.login: login 1009 in queue 300: not an agent there"},
	} {
		if got := eval(t, o, c.body); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.body, got, c.want)
		}
	}
	// Without queues: reads answer nothing, changes fail.
	for _, c := range []struct{ body, want string }{
		{`return tostring(queue.get("300"))`, "nil"},
		{`local ok, err = queue.login("300", "1002") return err`, "queue: no call queues in this switch"},
		{`local s, err = queue.status("300") return err`, "queue: no call queues in this switch"},
	} {
		if got := eval(t, Options{}, c.body); got != c.want {
			t.Errorf("no queues: %s:\n got %q\nwant %q", c.body, got, c.want)
		}
	}
}
