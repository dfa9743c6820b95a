package web

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
)

func TestVoicemailAPI(t *testing.T) {
	m := newMediaServer(t)
	srv := m.srv
	if code, body := do(t, srv, "GET", "/api/v1/voicemail/1001", ""); code != 200 || body != `{"box":"1001","new":0,"saved":0,"messages":[]}`+"\n" {
		t.Fatalf("empty box: %d %s", code, body)
	}
	r1, wav1 := m.record(t, recording.Meta{Kind: recording.KindProgram}, 1500*time.Millisecond)
	r2, _ := m.record(t, recording.Meta{Kind: recording.KindProgram}, time.Second)
	if _, err := m.vm.Deposit("1001", r1, "1002", "Bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.vm.Deposit("1001", r2, "1002", ""); err != nil {
		t.Fatal(err)
	}
	code, body := do(t, srv, "GET", "/api/v1/voicemail/1001", "")
	var box VoicemailBox
	if err := json.Unmarshal([]byte(body), &box); code != 200 || err != nil {
		t.Fatalf("box: %d %s %v", code, body, err)
	}
	if box.New != 2 || box.Saved != 0 || len(box.Messages) != 2 || box.Messages[0].ID != r1 || box.Messages[0].Duration != 1.5 ||
		box.Messages[0].CallerName != "Bob" || box.Messages[0].Folder != "new" || strings.Contains(body, "path") || strings.Contains(body, "/tmp") {
		t.Fatalf("box: %s", body)
	}

	// Audio, whole and by range.
	res, b := m.get(t, "/api/v1/voicemail/1001/"+r1+"/audio", nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "audio/wav" || !bytes.Equal(b, wav1) {
		t.Fatalf("audio: %d %s %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(b))
	}
	res, b = m.get(t, "/api/v1/voicemail/1001/"+r1+"/audio", map[string]string{"Range": "bytes=44-99"})
	if res.StatusCode != 206 || !bytes.Equal(b, wav1[44:100]) || res.Header.Get("Content-Range") != "bytes 44-99/"+itoa(len(wav1)) {
		t.Fatalf("range: %d %q %d bytes", res.StatusCode, res.Header.Get("Content-Range"), len(b))
	}

	// Save, refuse other folders, delete.
	if code, body := do(t, srv, "PUT", "/api/v1/voicemail/1001/"+r1, `{"folder":"saved"}`); code != 200 || !strings.Contains(body, `"folder":"saved"`) {
		t.Fatalf("save: %d %s", code, body)
	}
	for _, bad := range []string{`{"folder":"new"}`, `{"folder":"trash"}`, `{"box":"1002"}`, `nope`, ``} {
		if code, body := do(t, srv, "PUT", "/api/v1/voicemail/1001/"+r2, bad); code != 400 || !strings.Contains(body, "folder") {
			t.Errorf("PUT %s: %d %s", bad, code, body)
		}
	}
	if code, body := do(t, srv, "GET", "/api/v1/voicemail/1001", ""); code != 200 || !strings.Contains(body, `"new":1,"saved":1`) {
		t.Fatalf("counts after save: %s", body)
	}
	if code, body := do(t, srv, "DELETE", "/api/v1/voicemail/1001/"+r2, ""); code != 204 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, _ := do(t, srv, "DELETE", "/api/v1/voicemail/1001/"+r2, ""); code != 404 {
		t.Fatalf("delete twice: %d", code)
	}
	if res, _ := m.get(t, "/api/v1/voicemail/1001/"+r2+"/audio", nil); res.StatusCode != 404 {
		t.Fatalf("audio of a deleted message: %d", res.StatusCode)
	}
	if code, body := do(t, srv, "GET", "/api/v1/voicemail", ""); code != 200 || !strings.Contains(body, r1) || strings.Contains(body, r2) {
		t.Fatalf("all: %d %s", code, body)
	}

	// PIN.
	if code, body := do(t, srv, "PUT", "/api/v1/voicemail/1001/pin", `{"pin":"12"}`); code != 400 || !strings.Contains(body, "invalid pin") {
		t.Fatalf("short pin: %d %s", code, body)
	}
	if code, body := do(t, srv, "PUT", "/api/v1/voicemail/1001/pin", `{"pin":"2468"}`); code != 204 || !m.vm.CheckPIN("1001", "2468") {
		t.Fatalf("pin: %d %s", code, body)
	}
	if code, _ := do(t, srv, "PUT", "/api/v1/voicemail/1003/pin", `{"pin":"2468"}`); code != 404 {
		t.Fatalf("pin of no box: %d", code)
	}
}

func TestVoicemailAPIRefuses(t *testing.T) {
	m := newMediaServer(t)
	r, _ := m.record(t, recording.Meta{Kind: recording.KindProgram}, time.Second)
	m.vm.Deposit("1001", r, "", "")
	for _, tc := range []struct {
		method, path string
		code         int
		want         string
	}{
		{"GET", "/api/v1/voicemail/1003", 404, "no such voicemail box"},
		{"GET", "/api/v1/voicemail/10a1", 400, "invalid box"},
		{"GET", "/api/v1/voicemail/..%2F1001", 400, "invalid box"},
		{"GET", "/api/v1/voicemail/1001/..%2F..%2Frecordings%2F" + r + "/audio", 400, "invalid id"},
		{"GET", "/api/v1/voicemail/1001/..%2F" + r + "/audio", 400, "invalid id"},
		{"GET", "/api/v1/voicemail/1002/" + r + "/audio", 404, "not found"},
		{"GET", "/api/v1/voicemail/%2E%2E/" + r + "/audio", 400, "invalid box"},
		{"DELETE", "/api/v1/voicemail/1001/..", 400, "invalid id"},
		{"PUT", "/api/v1/voicemail/1001/20261122T180102Z-0a0b0c0d", 404, "not found"},
	} {
		body := ""
		if tc.method == "PUT" {
			body = `{"folder":"saved"}`
		}
		if code, got := do(t, m.srv, tc.method, tc.path, body); code != tc.code || !strings.Contains(got, tc.want) {
			t.Errorf("%s %s: %d %s; want %d %q", tc.method, tc.path, code, got, tc.code, tc.want)
		}
	}
	if n, _, _ := m.vm.Counts("1001"); n != 1 {
		t.Fatal("the message is gone")
	}
	// Without credentials, and without voicemail.
	res, _ := m.srv.Client().Get(m.srv.URL + "/api/v1/voicemail/1001")
	if res.StatusCode != 401 {
		t.Fatalf("no credentials: %d", res.StatusCode)
	}
	bare := httptest.NewServer((&API{L: &fakeLive{}}).Handler())
	defer bare.Close()
	for _, p := range []string{"/api/v1/voicemail", "/api/v1/voicemail/1001", "/api/v1/voicemail/1001/" + r + "/audio"} {
		if code, body := do(t, bare, "GET", p, ""); code != 503 || !strings.Contains(body, "not configured") {
			t.Errorf("%s without voicemail: %d %s", p, code, body)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
