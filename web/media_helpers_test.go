package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/voicemail"
)

// mediaServer is billingServer with recordings and voicemail under a
// temporary data dir.
type mediaServer struct {
	srv *httptest.Server
	rec *recording.Store
	vm  *voicemail.Store
}

func newMediaServer(t *testing.T) *mediaServer {
	t.Helper()
	_, st := billingServerStore(t)
	dir := t.TempDir()
	rec, err := recording.Open(st, filepath.Join(dir, "recordings"))
	if err != nil {
		t.Fatal(err)
	}
	vm, err := voicemail.Open(st, rec, filepath.Join(dir, "voicemail"))
	if err != nil {
		t.Fatal(err)
	}
	api := &API{B: st, L: &fakeLive{}, Auth: func(u, p string) bool { return u == "admin" && p == "pw" }, VM: vm, Rec: rec}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return &mediaServer{srv: srv, rec: rec, vm: vm}
}

// record makes a finished recording of d of 8 kHz mono and returns its ID
// and file contents.
func (m *mediaServer) record(t *testing.T, meta recording.Meta, d time.Duration) (string, []byte) {
	t.Helper()
	id, path, err := m.rec.Create(meta)
	if err != nil {
		t.Fatal(err)
	}
	n := uint32(d.Milliseconds() * 16)
	body := recording.AppendWAVHeader(nil, 1, 8000, n)
	for i := range n {
		body = append(body, byte(i))
	}
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := m.rec.Finish(id, 0); err != nil {
		t.Fatal(err)
	}
	return id, body
}

// get sends an authenticated GET with extra headers and returns the
// response with its body read.
func (m *mediaServer) get(t *testing.T, path string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", m.srv.URL+path, nil)
	req.SetBasicAuth("admin", "pw")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}
