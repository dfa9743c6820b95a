package web

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// fakeLive (api_test.go) has no calls.
func (f *fakeLive) Calls() []call.CallInfo { return nil }
func (f *fakeLive) Hangup(string) bool     { return false }

// callsLive is a switch whose calls a test sets.
type callsLive struct {
	*fakeLive
	mu    sync.Mutex
	calls []call.CallInfo
	hung  []string
	regs  []store.Binding
}

func (l *callsLive) Calls() []call.CallInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]call.CallInfo(nil), l.calls...)
}

func (l *callsLive) ActiveCalls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.calls)
}

func (l *callsLive) Bindings() []store.Binding {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.regs
}

func (l *callsLive) Hangup(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, c := range l.calls {
		if c.CallID == id {
			l.calls = append(l.calls[:i], l.calls[i+1:]...)
			l.hung = append(l.hung, id)
			return true
		}
	}
	return false
}

func (l *callsLive) set(cs ...call.CallInfo) {
	l.mu.Lock()
	l.calls = cs
	l.mu.Unlock()
}

type liveTrunks struct{}

func (liveTrunks) Status() []trunk.Report { return []trunk.Report{{Name: "carrier", Kind: "register"}} }
func (liveTrunks) SyncTrunks() error      { return nil }

func liveStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// liveServer is the API over a store and a fake switch, without auth (as
// on the control socket).
func liveServer(t *testing.T) (*httptest.Server, *callsLive, *store.Store) {
	t.Helper()
	st := liveStore(t)
	l := &callsLive{fakeLive: &fakeLive{}}
	srv := httptest.NewServer((&API{B: st, L: l, TrunkCtl: liveTrunks{}}).Handler())
	t.Cleanup(srv.Close)
	return srv, l, st
}

func liveGet(t *testing.T, url string, out any) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode == 200 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %v in %s", url, err, b)
		}
	}
	return res.StatusCode, res.Header, string(b)
}

func liveSend(t *testing.T, method, url string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var liveCall = call.CallInfo{CallID: "a/b@host", Caller: "1001", CallerName: "Ann", Callee: "1002",
	Direction: "internal", State: call.StateTalking, StartTime: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC),
	AnswerTime: time.Date(2025, 6, 1, 9, 0, 3, 0, time.UTC)}

func TestCallsListAndHangup(t *testing.T) {
	srv, l, _ := liveServer(t)
	var cs []map[string]any
	if code, _, body := liveGet(t, srv.URL+"/api/v1/calls", &cs); code != 200 || len(cs) != 0 || strings.TrimSpace(body) != "[]" {
		t.Fatalf("no calls: %d %s", code, body)
	}
	l.set(liveCall)
	if code, _, body := liveGet(t, srv.URL+"/api/v1/calls", &cs); code != 200 || len(cs) != 1 {
		t.Fatalf("one call: %d %s", code, body)
	}
	for _, k := range []string{"call_id", "caller", "caller_name", "callee", "direction", "state", "start_time", "answer_time", "trunk"} {
		if _, ok := cs[0][k]; !ok {
			t.Errorf("call lacks %q: %v", k, cs[0])
		}
	}
	if cs[0]["state"] != "talking" || cs[0]["call_id"] != "a/b@host" {
		t.Errorf("call %v", cs[0])
	}

	for _, bad := range []string{"%01x", strings.Repeat("x", maxCallIDLen+1)} {
		if code, body := liveSend(t, "DELETE", srv.URL+"/api/v1/calls/"+bad); code != 400 || !strings.Contains(body, "call_id") {
			t.Errorf("id %.10q: %d %s, want 400 naming call_id", bad, code, body)
		}
	}
	if code, body := liveSend(t, "DELETE", srv.URL+"/api/v1/calls/nope@host"); code != 404 || !strings.Contains(body, `"error"`) {
		t.Errorf("unknown call: %d %s", code, body)
	}
	// A "/" in a Call-ID comes escaped.
	if code, body := liveSend(t, "DELETE", srv.URL+"/api/v1/calls/"+url.PathEscape("a/b@host")); code != 204 {
		t.Fatalf("hang up: %d %s", code, body)
	}
	if len(l.hung) != 1 || l.hung[0] != "a/b@host" {
		t.Errorf("hung up %v", l.hung)
	}
	if code, _ := liveSend(t, "DELETE", srv.URL+"/api/v1/calls/"+url.PathEscape("a/b@host")); code != 404 {
		t.Errorf("second hang-up: %d, want 404", code)
	}
}

// Without a running switch the live routes say so.
func TestLiveWithoutSwitch(t *testing.T) {
	srv := httptest.NewServer((&API{B: liveStore(t)}).Handler())
	defer srv.Close()
	for _, c := range []struct{ method, path string }{{"GET", "/api/v1/calls"}, {"DELETE", "/api/v1/calls/x"}, {"GET", "/api/v1/events"}} {
		if code, body := liveSend(t, c.method, srv.URL+c.path); code != 503 || !strings.Contains(body, `"error"`) {
			t.Errorf("%s %s: %d %s, want 503", c.method, c.path, code, body)
		}
	}
	var s SystemInfo
	if code, _, body := liveGet(t, srv.URL+"/api/v1/system", &s); code != 200 || s.Goroutines == 0 {
		t.Errorf("system: %d %s", code, body)
	}
}

func TestSystem(t *testing.T) {
	srv, l, _ := liveServer(t)
	l.set(liveCall)
	sysStats.mu.Lock()
	sysStats.at = time.Time{} // a fresh sample, not another test's
	sysStats.mu.Unlock()
	var s SystemInfo
	if code, _, body := liveGet(t, srv.URL+"/api/v1/system", &s); code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	if s.ActiveCalls != 1 || s.Goroutines < 1 || s.HeapBytes == 0 || s.UptimeS < 0 || s.CPUPercent < 0 {
		t.Errorf("system %+v", s)
	}
	if runtime.GOOS == "linux" && s.RSSBytes == 0 {
		t.Errorf("no RSS on Linux: %+v", s)
	}
}

func TestParseProc(t *testing.T) {
	// The command name may hold ") (" itself.
	stat := []byte("4242 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 12345 0 0\n")
	if d, ok := parseStatCPU(stat); !ok || d != 3*time.Second {
		t.Errorf("cpu %v %v, want 3s (300 ticks)", d, ok)
	}
	if _, ok := parseStatCPU([]byte("4242 (x) S 1")); ok {
		t.Error("short stat parsed")
	}
	if n := parseStatm([]byte("1000 250 30 1 0 100 0\n"), 4096); n != 250*4096 {
		t.Errorf("rss %d", n)
	}
	if n := parseStatm([]byte("junk"), 4096); n != 0 {
		t.Errorf("junk rss %d", n)
	}
}

func TestCallStats(t *testing.T) {
	srv, _, st := liveServer(t)
	now := time.Now()
	for i, status := range []string{store.StatusAnswered, store.StatusBusy} {
		start := now.Add(-time.Duration(i) * time.Minute)
		if err := st.AddCDR(&store.CDR{CallID: "s" + status, Caller: "1", Callee: "2", Direction: "internal",
			StartTime: start, EndTime: start, Status: status, EndedReason: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	var hs []struct {
		Hour     string `json:"hour"`
		Calls    int    `json:"calls"`
		Answered int    `json:"answered"`
	}
	if code, _, body := liveGet(t, srv.URL+"/api/v1/stats/calls", &hs); code != 200 || len(hs) != 24 {
		t.Fatalf("default: %d %s", code, body)
	}
	if code, _, body := liveGet(t, srv.URL+"/api/v1/stats/calls?hours=2", &hs); code != 200 || len(hs) != 2 {
		t.Fatalf("2 hours: %d %s", code, body)
	}
	calls, answered := hs[0].Calls+hs[1].Calls, hs[0].Answered+hs[1].Answered
	if calls != 2 || answered != 1 {
		t.Errorf("stats %+v, want 2 calls, 1 answered", hs)
	}
	if _, err := time.Parse(time.RFC3339, hs[1].Hour); err != nil {
		t.Errorf("hour %q: %v", hs[1].Hour, err)
	}
	for _, bad := range []string{"0", "745", "x", "-3"} {
		if code, _, body := liveGet(t, srv.URL+"/api/v1/stats/calls?hours="+bad, nil); code != 400 || !strings.Contains(body, "hours") {
			t.Errorf("hours=%s: %d %s", bad, code, body)
		}
	}
}

// sseReader reads Server-Sent Events from a real HTTP stream.
type sseReader struct {
	res *http.Response
	r   *bufio.Reader
}

type sseEvent struct{ name, data string }

func openEvents(t *testing.T, ctx context.Context, base string) (*sseReader, int) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		res.Body.Close()
		return nil, res.StatusCode
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("content type %q", ct)
	}
	return &sseReader{res: res, r: bufio.NewReader(res.Body)}, 200
}

// next returns the next event with a name (comments and retry skipped).
func (s *sseReader) next(t *testing.T) sseEvent {
	t.Helper()
	var ev sseEvent
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if ev.name != "" {
				return ev
			}
		case strings.HasPrefix(line, "event: "):
			ev.name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			ev.data = line[len("data: "):]
		}
	}
}

func TestEventStream(t *testing.T) {
	srv, l, _ := liveServer(t)
	l.regs = []store.Binding{{AOR: "1001", Contact: "sip:1001@192.0.2.1", Source: "192.0.2.1:5060", Transport: "udp"}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, code := openEvents(t, ctx, srv.URL)
	if code != 200 {
		t.Fatalf("open: %d", code)
	}
	got := map[string]string{}
	for len(got) < 4 {
		ev := s.next(t)
		if _, dup := got[ev.name]; dup {
			t.Fatalf("second %s event before the first of each: %+v", ev.name, ev)
		}
		got[ev.name] = ev.data
	}
	if got["calls"] != "[]" || !strings.Contains(got["registrations"], `"aor":"1001"`) || !strings.Contains(got["trunks"], `"name":"carrier"`) {
		t.Errorf("first events %v", got)
	}
	var sysInfo map[string]any
	if err := json.Unmarshal([]byte(got["system"]), &sysInfo); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"cpu_percent", "rss_bytes", "heap_bytes", "goroutines", "uptime_s", "active_calls"} {
		if _, ok := sysInfo[k]; !ok {
			t.Errorf("system event lacks %q: %s", k, got["system"])
		}
	}

	// A change is sent; unchanged lists are not sent again.
	l.set(liveCall)
	for {
		ev := s.next(t)
		if ev.name == "registrations" || ev.name == "trunks" {
			t.Fatalf("unchanged %s sent again", ev.name)
		}
		if ev.name != "calls" {
			continue
		}
		var cs []call.CallInfo
		if err := json.Unmarshal([]byte(ev.data), &cs); err != nil || len(cs) != 1 || cs[0].CallID != liveCall.CallID {
			t.Fatalf("calls event %s: %v", ev.data, err)
		}
		break
	}
	l.set()
	if ev := s.next(t); ev.name != "calls" || ev.data != "[]" {
		t.Fatalf("after the hang-up: %+v", ev)
	}
	cancel()
	s.res.Body.Close()
}

// At most maxEventStreams at once; a stream whose client went frees its
// place (its handler ended).
func TestEventStreamLimit(t *testing.T) {
	srv, _, _ := liveServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var streams []*sseReader
	var cancels []context.CancelFunc
	for range maxEventStreams {
		c, stop := context.WithCancel(ctx)
		s, code := openEvents(t, c, srv.URL)
		if code != 200 {
			t.Fatalf("stream %d: %d", len(streams), code)
		}
		streams, cancels = append(streams, s), append(cancels, stop)
	}
	if code, body := liveSend(t, "GET", srv.URL+"/api/v1/events"); code != 503 || !strings.Contains(body, "too many") {
		t.Fatalf("over the limit: %d %s", code, body)
	}
	cancels[0]()
	streams[0].res.Body.Close()
	for tries := 0; ; tries++ {
		s, code := openEvents(t, ctx, srv.URL)
		if code == 200 {
			s.res.Body.Close()
			break
		}
		if tries > 500 {
			t.Fatalf("the place of a closed stream was not freed: %d", code)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i := range streams[1:] {
		cancels[i+1]()
		streams[i+1].res.Body.Close()
	}
}
