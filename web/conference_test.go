package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/conference"
	"github.com/hookswitch/hookswitch/switch/media"
)

func TestConferenceRoutes(t *testing.T) {
	off := httptest.NewServer((&API{}).Handler())
	defer off.Close()
	if res, _ := http.Get(off.URL + "/api/v1/conferences"); res.StatusCode != 503 {
		t.Fatalf("without rooms: %d, want 503", res.StatusCode)
	}
	e, err := media.NewEngine(media.Config{BindIP: netip.MustParseAddr("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	srv := httptest.NewServer((&API{Rooms: conference.New(e, nil, "", nil)}).Handler())
	defer srv.Close()
	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, c := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"GET", "/api/v1/conferences", "", 200, "[]"},
		{"PUT", "/api/v1/conferences/800/lock", `{"locked": true}`, 404, "no such conference room"},
		{"PUT", "/api/v1/conferences/800/lock", `{}`, 400, `missing field`},
		{"PUT", "/api/v1/conferences/800/lock", `{"locked": "yes"}`, 400, "invalid JSON"},
		{"PUT", "/api/v1/conferences/800/members/c1", `{"muted": true}`, 404, "no such conference room"},
		{"PUT", "/api/v1/conferences/800/members/c1", `{"mute": true}`, 400, "unknown field"},
		{"DELETE", "/api/v1/conferences/800/members/c1", "", 404, "no such conference room"},
	} {
		code, body := do(c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", c.method, c.path, c.body, code, body, c.code, c.says)
		}
	}
}
