package actionurl

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// appServer answers by path; a path missing from docs gets a 500.
func appServer(t *testing.T, docs map[string]string) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		body, ok := docs[r.URL.Path]
		if !ok {
			w.WriteHeader(500)
			return
		}
		io.WriteString(w, body)
	})
}

// startProgram asks the route hook at path and returns the program.
func startProgram(t *testing.T, s *server, path string) hook.Program {
	t.Helper()
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL + path}})
	d, err := invokeRoute(t, e)
	if err != nil {
		t.Fatal(err)
	}
	if d.Action != hook.ActionProgram || d.Program == nil {
		t.Fatalf("decision %+v, want a program", d)
	}
	return d.Program
}

func (s *server) posted(t *testing.T, path string) []map[string]any {
	t.Helper()
	s.mu.Lock()
	reqs := append([]recorded(nil), s.reqs...)
	s.mu.Unlock()
	var out []map[string]any
	for _, r := range reqs {
		if r.path == path {
			out = append(out, r.fields(t))
		}
	}
	return out
}

func TestProgramVerbDocument(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"answer"},{"verb":"play","file":"welcome.wav"},
			{"verb":"collect","max":1,"timeout":5,"action":"/menu"}]}`,
		"/menu": `{"verbs":[{"verb":"sleep","seconds":1},{"verb":"bridge","targets":["1002"],"timeout":20,"action":"after"}]}`,
		// The bridge failed: try another desk, then give up with 486.
		"/after": `{"verbs":[{"verb":"transfer","target":"1003"},{"verb":"hangup","code":486}]}`,
	})
	c := newFakeCall()
	c.digits = []string{"1"}
	c.bridge = hook.BridgeResult{Code: 486, Reason: "Busy Here"}
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	want := "answer; play welcome.wav; collect 1; sleep 1s; bridge 1002; transfer 1003"
	if got := c.calls(); got != want {
		t.Fatalf("primitives %q, want %q", got, want)
	}
	menu := s.posted(t, "/menu")
	if len(menu) != 1 || menu[0]["verb"] != "collect" || menu[0]["input"] != "1" || menu[0]["call_id"] != "c1" || menu[0]["from"] != "101" || menu[0]["to"] != "888" {
		t.Fatalf("collect result posted %v", menu)
	}
	after := s.posted(t, "/after")
	if len(after) != 1 || after[0]["verb"] != "bridge" || after[0]["answered"] != false || after[0]["code"] != 486.0 || after[0]["reason"] != "Busy Here" {
		t.Fatalf("bridge result posted %v", after)
	}
}

func TestProgramBridgeAnsweredResult(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"bridge","targets":["1002"],"action":"/after"}]}`,
		"/after": `{"verbs":[{"verb":"hangup"}]}`,
	})
	c := newFakeCall()
	c.bridge = hook.BridgeResult{Answered: true, Target: "1002", Talk: 12500 * time.Millisecond}
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	after := s.posted(t, "/after")
	if len(after) != 1 || after[0]["answered"] != true || after[0]["target"] != "1002" || after[0]["talk_seconds"] != 12.5 {
		t.Fatalf("bridge result posted %v", after)
	}
	if got := c.calls(); got != "bridge 1002; hangup 603" {
		t.Fatalf("primitives %q", got)
	}
}

func TestProgramCallerHangsUpDuringBridge(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"bridge","targets":["1002"],"action":"/after"},{"verb":"play","file":"x.wav"}]}`,
	})
	c := newFakeCall()
	c.bridge = hook.BridgeResult{Answered: true, HungUp: true}
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := c.calls(); got != "bridge 1002" || len(s.posted(t, "/after")) != 0 {
		t.Fatalf("primitives %q, posts %d: the program must end when the caller is gone", got, len(s.posted(t, "/after")))
	}
}

func TestProgramIVRRepeat(t *testing.T) {
	// Seed 001: the first request has an empty input; "repeat" collects
	// again; then "call" forwards to the destination.
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(string(body), `"input":""`):
			io.WriteString(w, `{"status_code":200,"action":"repeat","prompt":"menu.wav"}`)
		case strings.Contains(string(body), `"input":"99"`):
			io.WriteString(w, `{"status_code":200,"action":"repeat"}`)
		default:
			io.WriteString(w, `{"status_code":200,"action":"call","destination":"222"}`)
		}
	})
	c := newFakeCall()
	c.digits = []string{"", "99", "22"}
	if err := startProgram(t, s, "/dest.php").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	want := "answer; collect 20; answer; collect 20; answer; collect 20; bridge 222"
	if got := c.calls(); got != want {
		t.Fatalf("primitives %q, want %q", got, want)
	}
	posts := s.posted(t, "/dest.php")
	if len(posts) != 4 || posts[3]["input"] != "22" || posts[3]["from_name"] != "Jason" || posts[3]["account_name"] != "888" {
		t.Fatalf("posts %v", posts)
	}
}

func TestProgramIVRHangup(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"collect","max":4,"action":"/check"}]}`,
		"/check": `{"status_code":200,"action":"hangup","code":486}`,
	})
	c := newFakeCall()
	c.digits = []string{"1234"}
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := c.calls(); got != "collect 4; hangup 486" {
		t.Fatalf("primitives %q", got)
	}
}

func TestProgramLimits(t *testing.T) {
	// A web app redirecting forever stops at MaxDocuments.
	s := appServer(t, map[string]string{"/loop": `{"verbs":[{"verb":"redirect","url":"/loop"}]}`})
	c := newFakeCall()
	err := startProgram(t, s, "/loop").Run(context.Background(), c)
	if !errors.Is(err, ErrLimit) || s.hits.Load() != MaxDocuments || !strings.HasSuffix(c.calls(), "hangup 500") {
		t.Fatalf("err %v after %d documents, calls %q: want ErrLimit after %d and a 500 hangup", err, s.hits.Load(), c.calls(), MaxDocuments)
	}

	// 99 sleeps and a redirect per document: MaxVerbs comes first.
	sleeps := strings.Repeat(`{"verb":"sleep","seconds":0.001},`, 99)
	s = appServer(t, map[string]string{"/v": `{"verbs":[` + sleeps + `{"verb":"redirect","url":"/v"}]}`})
	c = newFakeCall()
	err = startProgram(t, s, "/v").Run(context.Background(), c)
	if !errors.Is(err, ErrLimit) || strings.Count(c.calls(), "sleep") != MaxVerbs-5 || !strings.HasSuffix(c.calls(), "hangup 500") {
		t.Fatalf("err %v, %d sleeps: want ErrLimit after %d verbs", err, strings.Count(c.calls(), "sleep"), MaxVerbs)
	}
}

func TestProgramOnError(t *testing.T) {
	docs := map[string]string{
		"/default":  `{"verbs":[{"verb":"answer"},{"verb":"play","file":"a.wav"},{"verb":"bridge","targets":["1"]}]}`,
		"/continue": `{"on_error":"continue","verbs":[{"verb":"play","file":"a.wav"},{"verb":"bridge","targets":["1"]}]}`,
		"/verb":     `{"on_error":"continue","verbs":[{"verb":"play","file":"a.wav","on_error":"hangup"},{"verb":"bridge","targets":["1"]}]}`,
		"/fetch":    `{"verbs":[{"verb":"collect","action":"/missing"},{"verb":"bridge","targets":["1"]}]}`,
		"/fetchgo":  `{"on_error":"continue","verbs":[{"verb":"collect","action":"/missing"},{"verb":"bridge","targets":["1"]}]}`,
	}
	s := appServer(t, docs)
	tests := []struct {
		path, want string
		err        error
	}{
		{"/default", "answer; play a.wav; hangup 500", ErrVerb},
		{"/continue", "play a.wav; bridge 1", nil},
		{"/verb", "play a.wav; hangup 500", ErrVerb},
		{"/fetch", "collect 1; hangup 500", ErrStatus},
		{"/fetchgo", "collect 1; bridge 1", nil},
	}
	for _, tt := range tests {
		c := newFakeCall()
		c.errs["play"] = hook.ErrNotAvailable
		err := startProgram(t, s, tt.path).Run(context.Background(), c)
		if got := c.calls(); got != tt.want || (tt.err == nil) != (err == nil) || tt.err != nil && !errors.Is(err, tt.err) {
			t.Errorf("%s: primitives %q err %v, want %q and %v", tt.path, got, err, tt.want, tt.err)
		}
	}
}

func TestProgramHungUpEnds(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"answer"},{"verb":"collect","action":"/menu"},{"verb":"play","file":"bye.wav"}]}`,
	})
	c := newFakeCall()
	c.errs["collect"] = hook.ErrHungUp
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatalf("a caller hanging up is a normal end: %v", err)
	}
	if got := c.calls(); got != "answer; collect 1" || len(s.posted(t, "/menu")) != 0 {
		t.Fatalf("primitives %q: nothing may run after the caller hung up", got)
	}
}

func TestProgramStopsWithContext(t *testing.T) {
	s := appServer(t, map[string]string{"/start": `{"verbs":[{"verb":"answer"},{"verb":"play","file":"a.wav"}]}`})
	ctx, cancel := context.WithCancel(context.Background())
	c := newFakeCall()
	c.errs["answer"] = context.Canceled
	cancel()
	err := startProgram(t, s, "/start").Run(ctx, c)
	if !errors.Is(err, context.Canceled) || c.calls() != "answer" {
		t.Fatalf("err %v calls %q, want the program to stop with its context", err, c.calls())
	}
}

func TestProgramFetchUsesFallback(t *testing.T) {
	fb := jsonServer(t, `{"verbs":[{"verb":"hangup","code":480}]}`)
	s := appServer(t, map[string]string{"/start": `{"verbs":[{"verb":"collect","action":"/gone"}]}`})
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL + "/start", FallbackURL: fb.URL}})
	d, err := invokeRoute(t, e)
	if err != nil {
		t.Fatal(err)
	}
	c := newFakeCall()
	if err := d.Program.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := c.calls(); got != "collect 1; hangup 480" || fb.hits.Load() != 1 || len(s.posted(t, "/gone")) != 2 {
		t.Fatalf("primitives %q, fallback hits %d: want the fallback's document after the action URL and its retry failed", got, fb.hits.Load())
	}
}

func TestProgramConcurrentCalls(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"answer"},{"verb":"collect","action":"/menu"}]}`,
		"/menu":  `{"action":"bridge","targets":["1002"]}`,
	})
	p := startProgram(t, s, "/start")
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		go func() {
			c := newFakeCall()
			c.digits = []string{"5"}
			if err := p.Run(context.Background(), c); err != nil {
				errs <- err
				return
			}
			if got := c.calls(); got != "answer; collect 1; bridge 1002" {
				errs <- errors.New("primitives " + got)
				return
			}
			errs <- nil
		}()
	}
	for i := 0; i < 16; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
