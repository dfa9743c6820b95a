package actionurl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// server is an httptest server on 127.0.0.1 that counts requests and
// keeps the bodies it received.
type server struct {
	*httptest.Server
	hits atomic.Int64
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	path   string
	method string
	query  string
	body   []byte
	header http.Header
}

func newServer(t testing.TB, h func(w http.ResponseWriter, r *http.Request, n int64)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{r.URL.Path, r.Method, r.URL.RawQuery, b, r.Header.Clone()})
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		h(w, r, n)
	}))
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", s.URL)
	}
	t.Cleanup(s.Close)
	return s
}

// jsonServer answers every request with the same body.
func jsonServer(t testing.TB, body string) *server {
	return newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	})
}

func (s *server) request(t *testing.T, i int) recorded {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if i >= len(s.reqs) {
		t.Fatalf("request %d not received (got %d)", i, len(s.reqs))
	}
	return s.reqs[i]
}

// bodyOf decodes a recorded JSON body.
func (r recorded) fields(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("request body %q: %v", r.body, err)
	}
	return m
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// build makes an engine with the given hooks bound to http.
func build(t testing.TB, f Factory, hooks map[hook.Name]hook.HookConfig) *Engine {
	t.Helper()
	if f.Logger == nil {
		f.Logger = quiet
	}
	if f.Backoff == 0 {
		f.Backoff = time.Millisecond
	}
	for n, h := range hooks {
		h.Engine = "http"
		hooks[n] = h
	}
	e, err := f.Build("", hook.Config{Hooks: hooks})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	t.Cleanup(e.Close)
	return e.(*Engine)
}

func routeEngine(t testing.TB, url string) *Engine {
	return build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: url}})
}

var caller = hook.RouteRequest{CallID: "c1", From: "101", FromDisplay: "Jason", FromDomain: "pbx.test", To: "888", ToDomain: "pbx.test", SourceIP: "127.0.0.1", Transport: "udp", Authenticated: true}

func budget(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func invokeRoute(t *testing.T, e *Engine) (hook.RouteDecision, error) {
	t.Helper()
	d, err := e.Invoke(budget(t, 5*time.Second), caller)
	if err != nil {
		return hook.RouteDecision{}, err
	}
	rd, ok := d.(hook.RouteDecision)
	if !ok {
		t.Fatalf("decision %T, want RouteDecision", d)
	}
	return rd, nil
}

// fakeCall records the primitives a program calls and the specs they got.
type fakeCall struct {
	mu     sync.Mutex
	log    []string
	digits []string // answers of Collect, in order
	bridge hook.BridgeResult
	rec    hook.RecordResult     // what Record returns
	conf   hook.ConferenceResult // what Conference returns
	queue  hook.QueueResult      // what Queue returns
	errs   map[string]error      // primitive name -> error
	info   hook.RouteRequest

	plays    []hook.PlaySpec
	collects []hook.CollectSpec
	records  []hook.RecordSpec
	bridges  []hook.BridgeSpec
	confs    []hook.ConferenceSpec
	queues   []hook.QueueSpec
}

func newFakeCall() *fakeCall {
	return &fakeCall{info: caller, errs: map[string]error{}, rec: hook.RecordResult{File: "rec.wav"}}
}

// keep appends a spec under the lock.
func keep[T any](c *fakeCall, list *[]T, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	*list = append(*list, v)
}

func (c *fakeCall) record(s string, args ...any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(args) > 0 {
		s += fmt.Sprint(args...)
	}
	c.log = append(c.log, s)
	name, _, _ := strings.Cut(s, " ")
	return c.errs[name]
}

func (c *fakeCall) calls() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.log, "; ")
}

func (c *fakeCall) Info() hook.RouteRequest { return c.info }
func (c *fakeCall) Answer(context.Context) error {
	return c.record("answer")
}
func (c *fakeCall) Hangup(code int, reason string) error {
	return c.record("hangup ", code)
}
func (c *fakeCall) Bridge(_ context.Context, s hook.BridgeSpec) (hook.BridgeResult, error) {
	keep(c, &c.bridges, s)
	return c.bridge, c.record("bridge ", strings.Join(s.Targets, ","))
}
func (c *fakeCall) Transfer(_ context.Context, target string) error {
	return c.record("transfer ", target)
}
func (c *fakeCall) Sleep(_ context.Context, d time.Duration) error {
	return c.record("sleep ", d)
}
func (c *fakeCall) Play(_ context.Context, s hook.PlaySpec) error {
	keep(c, &c.plays, s)
	if s.File == "" {
		return c.record("play tone:", s.Tone)
	}
	return c.record("play ", s.File)
}
func (c *fakeCall) Collect(_ context.Context, s hook.CollectSpec) (string, error) {
	keep(c, &c.collects, s)
	err := c.record("collect ", s.Max)
	c.mu.Lock()
	defer c.mu.Unlock()
	d := ""
	if len(c.digits) > 0 {
		d, c.digits = c.digits[0], c.digits[1:]
	}
	return d, err
}
func (c *fakeCall) Record(_ context.Context, s hook.RecordSpec) (hook.RecordResult, error) {
	keep(c, &c.records, s)
	err := c.record("record")
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rec, err
}
func (c *fakeCall) Conference(_ context.Context, s hook.ConferenceSpec) (hook.ConferenceResult, error) {
	keep(c, &c.confs, s)
	err := c.record("conference ", s.Room)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conf, err
}
func (c *fakeCall) SendDigits(_ context.Context, d string) error { return c.record("send_digits ", d) }
func (c *fakeCall) Queue(_ context.Context, s hook.QueueSpec) (hook.QueueResult, error) {
	keep(c, &c.queues, s)
	err := c.record("queue ", s.Queue)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queue, err
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := checkURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func intp(n int) *int { return &n }
