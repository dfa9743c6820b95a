package main

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

// liveQueues holds dir like a running switch with a queue engine that
// saves agent state in the store.
func liveQueues(t *testing.T, dir string) (*queue.Manager, *store.Store) {
	t.Helper()
	st, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	m := queue.New(queue.Options{Persist: st.PutQueueAgent, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("unix", filepath.Join(dir, socketName))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: (&web.API{B: st, Queues: m}).Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); st.Close() })
	return m, st
}

func TestQueueCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			var st *store.Store
			if mode == "control socket" {
				_, st = liveQueues(t, dir)
			}
			run := func(args ...string) (string, string, int) {
				return cli(t, append(args, "--data", dir)...)
			}
			qu := func(args ...string) (string, string, int) { return run(append([]string{"queue"}, args...)...) }
			for _, n := range []string{"1001", "1002", "1003"} {
				if _, errs, code := run("ext", "add", n, "--password", "Tr0ub4dor-and-"+n[3:]); code != 0 {
					t.Fatalf("ext add %s: %s", n, errs)
				}
			}
			if out, errs, code := qu("add", "300", "--name", "Sales", "--static", "1001:1", "--dynamic", "1002, 1003",
				"--strategy", "rrmemory", "--no-answer", "voicemail:1001", "--max-wait", "120", "--announce-position"); code != 0 || !strings.Contains(out, "300 saved") {
				t.Fatalf("add: %q %s", out, errs)
			}
			for _, c := range []struct {
				args []string
				says []string
			}{
				{[]string{"add", "300", "--static", "1001"}, []string{"exists"}},
				{[]string{"add", "301", "--static", "1001:x"}, []string{"--static", "EXT:PENALTY"}},
				{[]string{"add", "301", "--static", "1001:12"}, []string{"static_agents[0].penalty"}},
				{[]string{"add", "301", "--dynamic", "1001,1009"}, []string{"dynamic_agents[1]", "1009"}},
				{[]string{"add", "1003"}, []string{"extension"}},
				{[]string{"add", "301", "--strategy", "roundrobin"}, []string{"strategy"}},
				{[]string{"add", "301", "--leave-when-empty", "--join-empty"}, []string{"leave_when_empty"}},
				{[]string{"set", "309", "--wrap-up", "10"}, []string{"not found"}},
				{[]string{"show"}, []string{"want NUMBER"}},
				{[]string{"dance"}, []string{"unknown subcommand"}},
			} {
				if _, errs, code := qu(c.args...); code == 0 || !containsAll(errs, c.says) {
					t.Errorf("queue %v: code %d, %q, want %q", c.args, code, errs, c.says)
				}
			}
			// set changes only what it is given.
			if _, errs, code := qu("set", "300", "--wrap-up", "10", "--skip-busy=false", "--static", "1001:2,1003", "--dynamic", "1002"); code != 0 {
				t.Fatalf("set: %s", errs)
			}
			out, _, _ := qu("show", "300")
			for _, want := range []string{"Sales", "rrmemory", "1001:2,1003", "voicemail 1001", "120s", "10s", "skip busy:         false",
				"position every 30s", "join empty:        true"} {
				if !strings.Contains(out, want) {
					t.Fatalf("show lacks %q:\n%s", want, out)
				}
			}
			out, _, _ = qu("list")
			if !strings.Contains(out, "300") || !strings.Contains(out, "1002") {
				t.Fatalf("list: %q", out)
			}
			if mode == "data dir" {
				if _, errs, code := qu("status"); code == 0 || !strings.Contains(errs, "not running") {
					t.Fatalf("status without a switch: %q", errs)
				}
			} else {
				if out, errs, code := qu("login", "300", "1002"); code != 0 || !strings.Contains(out, "1002 logged in to queue 300") {
					t.Fatalf("login: %q %s", out, errs)
				}
				if out, errs, code := qu("pause", "1001", "--reason", "lunch"); code != 0 || !strings.Contains(out, "1001 paused in queue 300") {
					t.Fatalf("pause: %q %s", out, errs)
				}
				if _, errs, code := qu("logout", "300", "1001"); code == 0 || !strings.Contains(errs, "static agent") {
					t.Fatalf("logout a static agent: %q", errs)
				}
				if _, errs, code := qu("pause", "1009"); code == 0 || !strings.Contains(errs, "not an agent") {
					t.Fatalf("pause a stranger: %q", errs)
				}
				out, errs, code := qu("status", "300")
				if code != 0 || !containsAll(out, []string{"queue 300 Sales (rrmemory): 0 waiting, 2 ready", "paused (lunch)", "1003   ready"}) {
					t.Fatalf("status: %q %s", out, errs)
				}
				if out, _, code := qu("abandoned", "300"); code != 0 || !strings.Contains(out, "CALLER") {
					t.Fatalf("abandoned: %q", out)
				}
				// The login and the pause were saved: a restart keeps them.
				as, err := st.ListQueueAgents()
				if err != nil || len(as) != 2 || !as[0].Paused || as[0].PauseReason != "lunch" || !as[1].LoggedIn {
					t.Fatalf("saved agent state %+v %v", as, err)
				}
				if _, errs, code := qu("unpause", "1001", "--queue", "300"); code != 0 {
					t.Fatalf("unpause: %s", errs)
				}
			}
			if _, errs, code := qu("delete", "300"); code != 0 {
				t.Fatalf("delete: %s", errs)
			}
			if _, errs, code := qu("delete", "300"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("delete twice: %q", errs)
			}
		})
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
