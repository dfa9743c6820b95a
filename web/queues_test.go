package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/store"
)

// queueServer is the API over a real in-memory store (extensions 1001
// and 1002) and, when live, a real queue engine.
func queueServer(t *testing.T, live bool) (*httptest.Server, *queue.Manager) {
	t.Helper()
	_, st := billingServerStore(t)
	api := &API{B: st, L: &fakeLive{}, Auth: func(u, p string) bool { return u == "admin" && p == "pw" }}
	var m *queue.Manager
	if live {
		m = queue.New(queue.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		api.Queues = m
	}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return srv, m
}

func TestQueueRoutes(t *testing.T) {
	srv, m := queueServer(t, true)
	for _, c := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"POST", "/api/v1/queues", `{"number": "300", "name": "Sales", "static_agents": [{"ext": "1001"}], "dynamic_agents": ["1002"]}`, 201, `"retry":5`},
		{"POST", "/api/v1/queues", `{"number": "300"}`, 409, "already exists"},
		{"GET", "/api/v1/queues/300", "", 200, `"join_empty":true`},
		{"PUT", "/api/v1/queues/300", `{"name": "Sales", "strategy": "rrmemory", "static_agents": [{"ext": "1001", "penalty": 1}], "dynamic_agents": ["1002"], "skip_busy": false}`, 200, `"skip_busy":false`},
		{"PUT", "/api/v1/queues/300", `{"strategy": "roundrobin"}`, 400, `"field":"strategy"`},
		{"PUT", "/api/v1/queues/300", `{"strategy": "linear", "retries": 3}`, 400, "unknown field"},
		{"PUT", "/api/v1/queues/300", `{"number": "301"}`, 400, `"field":"number"`},
		{"PUT", "/api/v1/queues/1001", `{}`, 400, "extension's number"},
		{"PUT", "/api/v1/queues/301", `{"dynamic_agents": ["1009"]}`, 400, `"field":"dynamic_agents[0]"`},
		{"PUT", "/api/v1/queues/301", `{"join_empty": true, "leave_when_empty": true}`, 400, `"field":"leave_when_empty"`},
		{"PUT", "/api/v1/queues/301", `{"no_answer": {"kind": "queue", "target": "300"}}`, 200, `"no_answer":{"kind":"queue","target":"300"}`},
		{"GET", "/api/v1/queues", "", 200, `"number":"301"`},
		{"DELETE", "/api/v1/queues/300", "", 409, "queue 301"},
		{"GET", "/api/v1/queues/399", "", 404, "not found"},
	} {
		code, body := do(t, srv, c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", c.method, c.path, c.body, code, body, c.code, c.says)
		}
	}
	// The running engine got every change.
	if s, err := m.Status("300"); err != nil || s.Strategy != "rrmemory" || len(s.Agents) != 2 {
		t.Fatalf("live 300: %+v %v", s, err)
	}
	if _, err := m.Join("300", "c1", "0301234", 0); err != nil {
		t.Fatal(err)
	}
	tk, err := m.Join("300", "c2", "0305678", 0)
	if err != nil {
		t.Fatal(err)
	}
	tk.Leave(queue.ReasonHangup)
	for _, c := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"PUT", "/api/v1/queues/300/agents/1002", `{"logged_in": true}`, 204, ""},
		{"PUT", "/api/v1/queues/300/agents/1001", `{"paused": true, "reason": "lunch"}`, 204, ""},
		{"GET", "/api/v1/queues/300/status", "", 200, `"pause_reason":"lunch"`},
		{"PUT", "/api/v1/queues/300/agents/1001", `{"logged_in": false}`, 409, "static agent"},
		{"PUT", "/api/v1/queues/300/agents/1009", `{"paused": true}`, 404, "not an agent"},
		{"PUT", "/api/v1/queues/399/agents/1001", `{"paused": true}`, 404, "no such queue"},
		{"PUT", "/api/v1/queues/300/agents/1001", `{}`, 400, "logged_in"},
		{"PUT", "/api/v1/queues/300/agents/1001", `{"paused": "yes"}`, 400, "invalid JSON"},
		{"GET", "/api/v1/queues/300/abandoned", "", 200, `"call_id":"c2"`},
		{"GET", "/api/v1/queues/399/abandoned", "", 404, "no such queue"},
		{"GET", "/api/v1/queues/399/status", "", 404, "no such queue"},
		{"GET", "/api/v1/queues/status", "", 200, `"number":"301"`},
	} {
		code, body := do(t, srv, c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", c.method, c.path, c.body, code, body, c.code, c.says)
		}
	}
	code, body := do(t, srv, "GET", "/api/v1/queues/300/status", "")
	var s queue.QueueStatus
	if err := json.Unmarshal([]byte(body), &s); code != 200 || err != nil {
		t.Fatalf("status: %d %s", code, body)
	}
	if len(s.Callers) != 1 || s.Callers[0].CallID != "c1" || s.Agents[1].State != queue.StateReady || s.Counters.Abandoned != 1 {
		t.Fatalf("status %+v", s)
	}
	// Deleting a queue takes it out of the engine too.
	if code, body := do(t, srv, "DELETE", "/api/v1/queues/301", ""); code != 204 {
		t.Fatalf("delete 301: %d %s", code, body)
	}
	if _, err := m.Status("301"); err == nil {
		t.Fatal("301 still live")
	}
}

func TestQueueRoutesWithoutLiveQueues(t *testing.T) {
	srv, _ := queueServer(t, false)
	if code, body := do(t, srv, "PUT", "/api/v1/queues/300", `{"static_agents": [{"ext": "1001"}]}`); code != 200 {
		t.Fatalf("config without a running switch: %d %s", code, body)
	}
	for _, path := range []string{"/api/v1/queues/status", "/api/v1/queues/300/status", "/api/v1/queues/300/abandoned"} {
		if code, body := do(t, srv, "GET", path, ""); code != 503 || !strings.Contains(body, "running switch") {
			t.Errorf("GET %s: %d %s", path, code, body)
		}
	}
	if code, _ := do(t, srv, "PUT", "/api/v1/queues/300/agents/1001", `{"paused": true}`); code != 503 {
		t.Errorf("agent change: %d", code)
	}
}

var _ QueueControl = (*queue.Manager)(nil)

// The stored queue's defaults are what the engine sees.
func TestQueueDefaultsReachTheEngine(t *testing.T) {
	srv, m := queueServer(t, true)
	if code, body := do(t, srv, "PUT", "/api/v1/queues/300", `{"static_agents": [{"ext": "1001"}]}`); code != 200 {
		t.Fatalf("put: %d %s", code, body)
	}
	q, ok := m.Config("300")
	if !ok || q.Strategy != store.StrategyRingAll || q.AgentTimeout != 15 || !q.SkipsBusy() {
		t.Fatalf("engine config %+v", q)
	}
}
