package web

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
)

func TestRecordingsAPI(t *testing.T) {
	m := newMediaServer(t)
	srv := m.srv
	base := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	var ids []string
	var wavs [][]byte
	for i, kind := range []string{recording.KindCall, recording.KindProgram, recording.KindCall} {
		id, b := m.record(t, recording.Meta{Kind: kind, CallID: "c" + itoa(i), From: "1001", To: "100" + itoa(i+2), Started: base.Add(time.Duration(i) * time.Minute)}, time.Second)
		ids, wavs = append(ids, id), append(wavs, b)
	}
	list := func(q string) RecordingList {
		t.Helper()
		code, body := do(t, srv, "GET", "/api/v1/recordings"+q, "")
		var l RecordingList
		if err := json.Unmarshal([]byte(body), &l); code != 200 || err != nil {
			t.Fatalf("list %s: %d %s", q, code, body)
		}
		return l
	}
	show := func(l RecordingList) string {
		var s []string
		for _, r := range l.Recordings {
			s = append(s, r.CallID)
		}
		return itoa(l.Total) + ":" + strings.Join(s, ",")
	}
	for q, want := range map[string]string{
		"":                            "3:c2,c1,c0",
		"?kind=call":                  "2:c2,c0",
		"?limit=1&offset=1":           "3:c1",
		"?kind=call&limit=1&offset=1": "2:c0",
		"?to=1003":                    "1:c1",
		"?since=2026-11-22T18:01:00Z": "2:c2,c1",
		"?until=2026-11-22T18:01:00Z": "1:c0",
		"?offset=7":                   "3:",
		"?call_id=c1":                 "1:c1",
		"?call_id=c":                  "0:", // exact, not a substring
		"?call_id=c0&kind=program":    "0:",
	} {
		if got := show(list(q)); got != want {
			t.Errorf("list %s: %s, want %s", q, got, want)
		}
	}
	if l := list("?limit=1"); l.Recordings[0].Duration != 1 || l.Recordings[0].Channels != 1 || l.Recordings[0].Bytes != int64(len(wavs[2])) || l.Recordings[0].Kind != "call" {
		t.Fatalf("entry: %+v", l.Recordings[0])
	}
	for q, field := range map[string]string{"?limit=-1": "limit", "?limit=x": "limit", "?limit=10001": "limit", "?offset=-2": "offset",
		"?kind=movie": "kind", "?since=yesterday": "since", "?until=1": "until"} {
		if code, body := do(t, srv, "GET", "/api/v1/recordings"+q, ""); code != 400 || !strings.Contains(body, "invalid "+field) {
			t.Errorf("list %s: %d %s", q, code, body)
		}
	}

	code, body := do(t, srv, "GET", "/api/v1/recordings/"+ids[1], "")
	if code != 200 || !strings.Contains(body, `"call_id":"c1"`) || !strings.Contains(body, `"kind":"program"`) || strings.Contains(body, "/tmp") {
		t.Fatalf("get: %d %s", code, body)
	}
	res, b := m.get(t, "/api/v1/recordings/"+ids[1]+"/audio", nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "audio/wav" || !bytes.Equal(b, wavs[1]) || !strings.Contains(res.Header.Get("Content-Disposition"), ids[1]+".wav") {
		t.Fatalf("audio: %d %v %d bytes", res.StatusCode, res.Header, len(b))
	}
	res, b = m.get(t, "/api/v1/recordings/"+ids[1]+"/audio", map[string]string{"Range": "bytes=-10"})
	if res.StatusCode != 206 || !bytes.Equal(b, wavs[1][len(wavs[1])-10:]) {
		t.Fatalf("range: %d %d bytes", res.StatusCode, len(b))
	}
	if code, _ := do(t, srv, "DELETE", "/api/v1/recordings/"+ids[1], ""); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	for _, p := range []string{"/api/v1/recordings/" + ids[1], "/api/v1/recordings/" + ids[1] + "/audio"} {
		if code, _ := do(t, srv, "GET", p, ""); code != 404 {
			t.Errorf("%s after delete: %d", p, code)
		}
	}
	if code, _ := do(t, srv, "DELETE", "/api/v1/recordings/"+ids[1], ""); code != 404 {
		t.Fatalf("delete twice: %d", code)
	}
	// An entry whose file vanished: 404 for its audio.
	p, _ := m.rec.Path(ids[0])
	os.Remove(p)
	if code, body := do(t, srv, "GET", "/api/v1/recordings/"+ids[0]+"/audio", ""); code != 404 || strings.Contains(body, "/tmp") {
		t.Fatalf("vanished file: %d %s", code, body)
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v1/recordings/..%2Fvoicemail"}, {"DELETE", "/api/v1/recordings/..%2Fvoicemail"},
		{"GET", "/api/v1/recordings/..%2F..%2Fetc%2Fpasswd/audio"}, {"GET", "/api/v1/recordings/x"}, {"DELETE", "/api/v1/recordings/.."},
	} {
		if code, body := do(t, srv, tc.method, tc.path, ""); code != 400 || !strings.Contains(body, "invalid id") {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, code, body)
		}
	}
	bare := httptest.NewServer((&API{L: &fakeLive{}}).Handler())
	defer bare.Close()
	if code, body := do(t, bare, "GET", "/api/v1/recordings", ""); code != 503 || !strings.Contains(body, "not configured") {
		t.Errorf("without recordings: %d %s", code, body)
	}
}
