package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/web/logring"
)

func newLogAPI(t *testing.T) (*httptest.Server, *slog.Logger) {
	t.Helper()
	ring := logring.New(0, 0)
	log := slog.New(logring.NewHandler(slog.NewTextHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: slog.LevelDebug}), ring))
	srv := httptest.NewServer((&API{B: liveStore(t), L: &fakeLive{}, Logs: ring}).Handler())
	t.Cleanup(srv.Close)
	return srv, log
}

func TestLogsQuery(t *testing.T) {
	srv, log := newLogAPI(t)
	log.Debug("rtp tick")
	log.Info("call answered", "call_id", "c1@host", "from", "1001")
	log.Warn("trunk down", "trunk", "carrier")
	log.Error("hook failed", "call_id", "c2@host", "hook", "route")
	msgs := func(q string) []string {
		t.Helper()
		var p LogPage
		if code, _, body := liveGet(t, srv.URL+"/api/v1/logs"+q, &p); code != 200 {
			t.Fatalf("%s: %d %s", q, code, body)
		}
		out := []string{}
		for _, r := range p.Records {
			out = append(out, r.Msg)
		}
		return out
	}
	for q, want := range map[string]string{
		"":                            "hook failed,trunk down,call answered,rtp tick",
		"?level=warn":                 "hook failed,trunk down",
		"?q=CARRIER":                  "trunk down",
		"?q=from%3D1001":              "call answered",
		"?call_id=c2%40host":          "hook failed",
		"?limit=2":                    "hook failed,trunk down",
		"?since=2999-01-01T00:00:00Z": "",
	} {
		if got := strings.Join(msgs(q), ","); got != want {
			t.Errorf("%q: %q, want %q", q, got, want)
		}
	}
	for _, q := range []string{"?level=loud", "?limit=0", "?limit=x", "?since=yesterday", "?after=-1", "?q=" + strings.Repeat("x", 300)} {
		if code, _, body := liveGet(t, srv.URL+"/api/v1/logs"+q, nil); code != 400 {
			t.Errorf("%s: %d %s, want 400", q, code, body)
		}
	}
	// Without a ring: 503.
	bare := httptest.NewServer((&API{B: liveStore(t), L: &fakeLive{}}).Handler())
	defer bare.Close()
	if code, _, _ := liveGet(t, bare.URL+"/api/v1/logs", nil); code != 503 {
		t.Errorf("no ring: %d, want 503", code)
	}
}

func TestLogStream(t *testing.T) {
	srv, log := newLogAPI(t)
	log.Info("before the tail")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/logs/stream?level=info&q="+url.QueryEscape("keep"), nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &sseReader{res: res, r: bufio.NewReader(res.Body)}
	// The tail starts now: the cursor was taken before the answer.
	log.Debug("keep but debug")
	log.Info("drop this")
	log.Info("keep 1", "call_id", "x@y")
	log.Warn("keep 2")
	var seqs []uint64
	for _, want := range []string{"keep 1", "keep 2"} {
		ev := s.next(t)
		var r logring.Record
		if err := json.Unmarshal([]byte(ev.data), &r); err != nil || ev.name != "log" || r.Msg != want {
			t.Fatalf("event %+v (%v), want log %q", ev, err, want)
		}
		seqs = append(seqs, r.Seq)
		if want == "keep 1" && r.CallID != "x@y" {
			t.Errorf("call_id %q", r.CallID)
		}
	}
	if seqs[1] <= seqs[0] {
		t.Errorf("seqs %v not increasing", seqs)
	}
	// Resuming with Last-Event-ID gets what came after it.
	req, _ = http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/logs/stream", nil)
	req.Header.Set("Last-Event-ID", "1")
	res2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	s2 := &sseReader{res: res2, r: bufio.NewReader(res2.Body)}
	if ev := s2.next(t); !strings.Contains(ev.data, `"keep but debug"`) {
		t.Errorf("resumed tail starts with %+v, want the record after seq 1", ev)
	}
}
