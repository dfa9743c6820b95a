package browser

import (
	"bytes"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
)

// TestBrowserWebRTCLoopback proves Chromium, its fake microphone and
// WebRTC work here: two peer connections in one page, on loopback
// candidates only, and the receiving side's RTP count grows.
func TestBrowserWebRTCLoopback(t *testing.T) {
	t.Parallel()
	env := Require(t)
	srv := env.Serve(t, os.DirFS("testdata"))
	r := env.Run(t, Options{URL: srv.URL + "/loopback.html"})

	var st struct {
		Microphone      string  `json:"microphone"`
		FirstPackets    int     `json:"firstPackets"`
		PacketsReceived int     `json:"packetsReceived"`
		BytesReceived   int64   `json:"bytesReceived"`
		Codec           string  `json:"codec"`
		CallerAddress   string  `json:"callerAddress"`
		CalleeAddress   string  `json:"calleeAddress"`
		ConnectionState string  `json:"connectionState"`
		TotalEnergy     float64 `json:"totalAudioEnergy"`
	}
	if err := r.Value("stats", &st); err != nil {
		t.Fatal(err)
	}
	t.Logf("stats: %+v", st)
	if st.FirstPackets <= 0 || st.PacketsReceived <= st.FirstPackets {
		t.Errorf("packetsReceived went %d -> %d, want a positive count that grows", st.FirstPackets, st.PacketsReceived)
	}
	if st.BytesReceived <= 0 {
		t.Errorf("bytesReceived = %d, want > 0", st.BytesReceived)
	}
	// The tests run where loopback is the only interface (main_test.go), so
	// both ends of the selected pair are loopback addresses.
	for _, a := range []string{st.CallerAddress, st.CalleeAddress} {
		if ip := net.ParseIP(a); ip == nil || !ip.IsLoopback() {
			t.Errorf("selected address %q is not a loopback address", a)
		}
	}
	if st.ConnectionState != "connected" {
		t.Errorf("connectionState = %q, want connected", st.ConnectionState)
	}
	if !strings.HasPrefix(st.Codec, "audio/") {
		t.Errorf("codec = %q, want an audio codec", st.Codec)
	}
	if st.Microphone == "" {
		t.Error("the fake microphone has no label")
	}
}

// TestBrowserJsSIPLoads proves the page gets JsSIP from node_modules and
// that it is the version package.json pins.
func TestBrowserJsSIPLoads(t *testing.T) {
	t.Parallel()
	env := Require(t)
	want, err := env.Pinned("jssip")
	if err != nil {
		t.Fatal(err)
	}
	srv := env.Serve(t, os.DirFS("testdata"))
	r := env.Run(t, Options{URL: srv.URL + "/jssip.html"})

	var got struct {
		Version string `json:"version"`
		Name    string `json:"name"`
		URI     *struct {
			User      string `json:"user"`
			Host      string `json:"host"`
			Port      int    `json:"port"`
			Transport string `json:"transport"`
		} `json:"uri"`
		HasUA                 bool `json:"hasUA"`
		HasWebSocketInterface bool `json:"hasWebSocketInterface"`
	}
	if err := r.Value("jssip", &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != want {
		t.Errorf("JsSIP.version = %q, package.json pins %q", got.Version, want)
	}
	if got.Name != "JsSIP" {
		t.Errorf("JsSIP.name = %q, want JsSIP", got.Name)
	}
	if !got.HasUA || !got.HasWebSocketInterface {
		t.Errorf("JsSIP.UA present %t, JsSIP.WebSocketInterface present %t; want both", got.HasUA, got.HasWebSocketInterface)
	}
	if u := got.URI; u == nil || u.User != "1001" || u.Host != "127.0.0.1" || u.Port != 5060 || u.Transport != "ws" {
		t.Errorf("JsSIP.URI.parse gave %+v, want 1001@127.0.0.1:5060;transport=ws", u)
	}
}

// TestBrowserReportsPageFailure proves a failing page fails the run with
// its error, its console lines and a screenshot, instead of a time-out.
func TestBrowserReportsPageFailure(t *testing.T) {
	t.Parallel()
	env := Require(t)
	srv := env.Serve(t, os.DirFS("testdata"))
	s, err := env.Start(t, Options{URL: srv.URL + "/fail.html", Artifacts: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Wait()
	if r.OK {
		t.Fatalf("a page that throws passed:\n%s", s.Transcript())
	}
	if !errors.Is(r.Err, ErrScenario) || !strings.Contains(r.Err.Error(), "deliberate failure") {
		t.Errorf("err = %v, want ErrScenario naming the page's error", r.Err)
	}
	var before struct {
		Step int `json:"step"`
	}
	if err := r.Value("before", &before); err != nil || before.Step != 1 {
		t.Errorf("result before = %+v, %v; want step 1", before, err)
	}
	wantConsole := map[string]string{"about to fail": "log", "an error line from the page": "error"}
	for _, ev := range r.Events {
		if ev.Type == EventConsole && wantConsole[ev.Text] == ev.Level {
			delete(wantConsole, ev.Text)
		}
	}
	if len(wantConsole) > 0 {
		t.Errorf("console lines not forwarded: %v\n%s", wantConsole, s.Transcript())
	}
	if n := len(r.Of(EventPageError)); n != 1 {
		t.Errorf("%d page errors, want 1", n)
	}
	shots := r.Screenshots()
	if len(shots) == 0 {
		t.Fatalf("no screenshot:\n%s", s.Transcript())
	}
	png, err := os.ReadFile(shots[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s is not a PNG", shots[0])
	}
}

// TestBrowserStopEndsRun proves a run that would go on is ended by its
// test: streamed results arrive while it runs, and Stop closes the browser.
func TestBrowserStopEndsRun(t *testing.T) {
	t.Parallel()
	env := Require(t)
	srv := env.Serve(t, os.DirFS("testdata"))
	s, err := env.Start(t, Options{URL: srv.URL + "/hang.html", Artifacts: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.WaitResult(t.Context(), "started")
	if err != nil {
		t.Fatal(err)
	}
	if string(v) != `{"at":"/hang.html"}` {
		t.Errorf("started = %s", v)
	}
	s.Stop()
	r := s.Wait()
	if r.OK || !strings.Contains(r.Err.Error(), "stdin closed") {
		t.Errorf("after Stop: ok=%t err=%v, want a failure naming the closed stdin", r.OK, r.Err)
	}
	if _, err := s.WaitResult(t.Context(), "never"); !errors.Is(err, ErrNoResult) {
		t.Errorf("WaitResult after the end: %v, want ErrNoResult", err)
	}
	if last := r.Events[len(r.Events)-1]; last.Type != EventDone {
		t.Errorf("last event %v, want done", last)
	}
}
