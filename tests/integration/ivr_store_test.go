package integration

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/web"
)

// IVRs and conference rooms created over the REST API (store records, not
// apps.lua) answer the next call without a script reload.

// restDo sends a JSON request to the switch's REST API and fails the test
// unless it answers want.
func restDo(t *testing.T, srv *httptest.Server, method, path, body string, want int) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, b, want)
	}
}

func TestStoreIVRKeyRings(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	api := httptest.NewServer((&web.API{B: sw.st, L: apiLive{s: sw.srv, data: sw.cfg.DataDir}}).Handler())
	t.Cleanup(api.Close)
	restDo(t, api, "POST", "/api/v1/ivrs", `{"number": "5100", "name": "Sales", "prompts": ["ivr/welcome"],
		"keys": {"1": {"kind": "extension", "target": "1002"}}, "on_timeout": {"kind": "hangup"}}`, 201)
	c := a.dial(t, "5100")
	d := c.answered(t)
	if greeting := a.rtp.waitAudio(t, 0, 8000); !loud(greeting) {
		t.Fatal("the IVR's prompt is silent")
	}
	a.rtp.sendDigits(t, d.Media(), "1")
	in := b.waitIncoming(t)
	if in.req.From().Address.User != "1001" {
		t.Errorf("1002 sees From %q, want 1001", in.req.From().Address.User)
	}
	in.dialog(t)
	d.bye(t)
}

func TestStoreRoomAsksPIN(t *testing.T) {
	t.Parallel()
	sw, a, _ := pair(t)
	api := httptest.NewServer((&web.API{B: sw.st, L: apiLive{s: sw.srv, data: sw.cfg.DataDir}}).Handler())
	t.Cleanup(api.Close)
	restDo(t, api, "POST", "/api/v1/rooms", `{"number": "8100", "pin": "2468"}`, 201)
	d := a.dial(t, "8100").answered(t)
	// Three wrong PINs, each while the room asks for one: the switch hangs
	// up. (A room without a PIN would have let the caller in.)
	if !loud(a.rtp.waitAudio(t, 0, 4000)) {
		t.Fatal("the PIN prompt is silent")
	}
	at := 4000
	for range 3 {
		a.rtp.sendDigits(t, d.Media(), "1357#")
		// Past "invalid PIN" into the next prompt: digits sent while a
		// prompt of another step plays are flushed.
		at += len(a.rtp.waitAudio(t, at, 24000))
	}
	d.waitBye(t)
}
