package actionurl

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// The media verbs: play tones, richer collect and record, conference and
// send_digits.

func TestProgramMediaSpecsReachTheCall(t *testing.T) {
	s := appServer(t, map[string]string{"/start": `{"verbs":[
		{"verb":"answer"},
		{"verb":"play","file":"ivr/welcome","loops":2,"duration":1.5},
		{"verb":"play","tone":"350+440/1000,0/3000","duration":10},
		{"verb":"collect","max":4,"timeout":7,"inter_digit":2.5,"terminator":"#","prompt":["ivr/a","ivr/b"],"flush":true},
		{"verb":"collect","prompt":"ivr/c"},
		{"verb":"record","max_duration":60,"terminator":"#*","beep":true,"silence":4},
		{"verb":"record"},
		{"verb":"conference","room":"3000","admin":true,"muted":true,"wait_leader":true,"name":"rec:abc","record":true,"max_members":10},
		{"verb":"conference","room":"Sales Room"},
		{"verb":"send_digits","digits":"12*#ABCD"},
		{"verb":"hangup"}]}`})
	c := newFakeCall()
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	want := "answer; play ivr/welcome; play tone:350+440/1000,0/3000; collect 4; collect 1; record; record; " +
		"conference 3000; conference Sales Room; send_digits 12*#ABCD; hangup 603"
	if got := c.calls(); got != want {
		t.Fatalf("primitives %q, want %q", got, want)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s specs\n got %+v\nwant %+v", what, got, want)
		}
	}
	check("play", c.plays, []hook.PlaySpec{
		{File: "ivr/welcome", Loops: 2, Duration: 1500 * time.Millisecond},
		{Tone: "350+440/1000,0/3000", Duration: 10 * time.Second},
	})
	check("collect", c.collects, []hook.CollectSpec{
		{Max: 4, Timeout: 7 * time.Second, InterDigit: 2500 * time.Millisecond, Terminator: "#", Prompt: []string{"ivr/a", "ivr/b"}, Flush: true},
		{Max: 1, Timeout: defaultCollectWait, Prompt: []string{"ivr/c"}},
	})
	check("record", c.records, []hook.RecordSpec{
		{MaxDuration: time.Minute, Terminator: "#*", Beep: true, Silence: 4 * time.Second},
		{MaxDuration: defaultRecordMax},
	})
	check("conference", c.confs, []hook.ConferenceSpec{
		{Room: "3000", Admin: true, Muted: true, WaitLeader: true, Name: "rec:abc", Record: true, MaxMembers: 10},
		{Room: "Sales Room"},
	})
}

func TestProgramRecordResultPosted(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"answer"},{"verb":"record","terminator":"#*","action":"/rec"}]}`,
		"/rec":   `{"verbs":[{"verb":"play","file":"rec:42"}]}`,
	})
	c := newFakeCall()
	c.rec = hook.RecordResult{File: "rec:42", Duration: 12345 * time.Millisecond, Reason: "terminator", Digit: "*"}
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := c.calls(); got != "answer; record; play rec:42" {
		t.Fatalf("primitives %q", got)
	}
	posts := s.posted(t, "/rec")
	if len(posts) != 1 {
		t.Fatalf("%d posts to /rec, want 1", len(posts))
	}
	p := posts[0]
	want := map[string]any{"verb": "record", "recording": "rec:42", "duration": 12.345, "reason": "terminator", "digit": "*", "call_id": "c1", "from": "101", "to": "888"}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("posted %s = %#v, want %#v", k, p[k], v)
		}
	}
	if _, ok := p["hung_up"]; ok {
		t.Errorf("posted hung_up for a caller still there: %v", p)
	}
}

func TestProgramRecordResultGET(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"record","action":"/rec"}]}`,
		"/rec":   `{"verbs":[{"verb":"hangup"}]}`,
	})
	e := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL + "/start", Method: "GET"}})
	d, err := invokeRoute(t, e)
	if err != nil {
		t.Fatal(err)
	}
	c := newFakeCall()
	c.rec = hook.RecordResult{File: "rec:9", Duration: 2 * time.Second, Reason: "terminator", Digit: "#"}
	if err := d.Program.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	q, err := url.ParseQuery(s.request(t, 1).query)
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("recording") != "rec:9" || q.Get("duration") != "2" || q.Get("reason") != "terminator" || q.Get("digit") != "#" || q.Has("hung_up") {
		t.Fatalf("query %v", q)
	}
}

// A recording or a conference stay ended by hanging up still reaches the
// action URL, whatever it answers, and then the program ends.
func TestProgramHungUpResultNotifiesThenEnds(t *testing.T) {
	answers := map[string]func(w http.ResponseWriter){
		"document": func(w http.ResponseWriter) { io.WriteString(w, `{"verbs":[{"verb":"play","file":"thanks.wav"}]}`) },
		"204":      func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) },
		"500":      func(w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) },
		"garbage":  func(w http.ResponseWriter) { io.WriteString(w, `<html>`) },
	}
	for name, answer := range answers {
		for _, verb := range []string{"record", "conference"} {
			t.Run(name+"/"+verb, func(t *testing.T) {
				first := `{"verb":"record","action":"/result"}`
				if verb == "conference" {
					first = `{"verb":"conference","room":"3000","action":"/result"}`
				}
				s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int64) {
					if r.URL.Path == "/start" {
						io.WriteString(w, `{"verbs":[`+first+`,{"verb":"play","file":"bye.wav"}]}`)
						return
					}
					answer(w)
				})
				c := newFakeCall()
				c.rec = hook.RecordResult{File: "rec:7", Duration: 3 * time.Second, Reason: "hangup", HungUp: true}
				c.conf = hook.ConferenceResult{Reason: "hangup", HungUp: true}
				if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
					t.Fatalf("a caller hanging up is a normal end: %v", err)
				}
				if got := c.calls(); got != "record" && got != "conference 3000" {
					t.Fatalf("primitives %q: nothing may run after the caller hung up", got)
				}
				posts := s.posted(t, "/result")
				if len(posts) == 0 {
					t.Fatal("the action url was not told")
				}
				p := posts[0]
				if p["verb"] != verb || p["hung_up"] != true || p["reason"] != "hangup" {
					t.Fatalf("posted %v", p)
				}
				if verb == "record" && (p["recording"] != "rec:7" || p["duration"] != 3.0) {
					t.Fatalf("posted %v, want the recording kept so far", p)
				}
			})
		}
	}
}

func TestProgramHungUpResultWithoutAction(t *testing.T) {
	for _, body := range []string{
		`{"verbs":[{"verb":"record"},{"verb":"redirect","url":"/next"}]}`,
		`{"verbs":[{"verb":"conference","room":"1"},{"verb":"redirect","url":"/next"}]}`,
	} {
		s := appServer(t, map[string]string{"/start": body, "/next": `{"verbs":[{"verb":"hangup"}]}`})
		c := newFakeCall()
		c.rec.HungUp, c.conf.HungUp = true, true
		if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		if got := c.calls(); strings.Contains(got, ";") || len(s.posted(t, "/next")) != 0 {
			t.Fatalf("%s: primitives %q, %d redirects: the program must end", body, got, len(s.posted(t, "/next")))
		}
	}
}

func TestProgramConferenceResultPosted(t *testing.T) {
	s := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"answer"},{"verb":"conference","room":"3000","action":"/after"},{"verb":"play","file":"never.wav"}]}`,
		"/after": `{"verbs":[{"verb":"play","file":"conf/kicked"},{"verb":"hangup"}]}`,
	})
	c := newFakeCall()
	c.conf = hook.ConferenceResult{Reason: "kicked"}
	if err := startProgram(t, s, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := c.calls(); got != "answer; conference 3000; play conf/kicked; hangup 603" {
		t.Fatalf("primitives %q", got)
	}
	posts := s.posted(t, "/after")
	if len(posts) != 1 || posts[0]["verb"] != "conference" || posts[0]["reason"] != "kicked" || posts[0]["call_id"] != "c1" || posts[0]["from_name"] != "Jason" {
		t.Fatalf("posted %v", posts)
	}
	if _, ok := posts[0]["hung_up"]; ok {
		t.Fatalf("posted hung_up for a caller still there: %v", posts[0])
	}
}

func TestProgramMediaVerbsWithoutAction(t *testing.T) {
	// Without an action the next verb runs; a failing primitive obeys on_error.
	s := appServer(t, map[string]string{"/start": `{"on_error":"continue","verbs":[
		{"verb":"conference","room":"1"},{"verb":"record"},{"verb":"send_digits","digits":"1"},
		{"verb":"send_digits","digits":"2","on_error":"hangup"},{"verb":"play","file":"never.wav"}]}`})
	c := newFakeCall()
	c.errs["send_digits"] = hook.ErrState
	err := startProgram(t, s, "/start").Run(context.Background(), c)
	if !errors.Is(err, ErrVerb) || !strings.Contains(err.Error(), "send_digits") {
		t.Fatalf("err %v, want the failed send_digits", err)
	}
	if got := c.calls(); got != "conference 1; record; send_digits 1; send_digits 2; hangup 500" {
		t.Fatalf("primitives %q", got)
	}
}

// Documents written before the media verbs grew keep their meaning.
func TestVerbDocumentsStillValid(t *testing.T) {
	base := newDest(mustURL(t, "http://127.0.0.1/start")).u
	tests := []struct {
		body string
		want step
	}{
		{`{"verbs":[{"verb":"play","file":"a.wav","loops":0}]}`, step{kind: verbPlay, play: hook.PlaySpec{File: "a.wav"}}},
		{`{"verbs":[{"verb":"collect","prompt":""}]}`, step{kind: verbCollect, collect: hook.CollectSpec{Max: 1, Timeout: defaultCollectWait}}},
		{`{"verbs":[{"verb":"collect","prompt":null,"max":3}]}`, step{kind: verbCollect, collect: hook.CollectSpec{Max: 3, Timeout: defaultCollectWait}}},
		{`{"verbs":[{"verb":"collect","prompt":"menu.wav","terminator":"#","timeout":2}]}`,
			step{kind: verbCollect, collect: hook.CollectSpec{Max: 1, Timeout: 2 * time.Second, Terminator: "#", Prompt: []string{"menu.wav"}}}},
		{`{"verbs":[{"verb":"collect","prompt":[]}]}`, step{kind: verbCollect, collect: hook.CollectSpec{Max: 1, Timeout: defaultCollectWait}}},
		{`{"verbs":[{"verb":"record","terminator":"#","max_duration":30}]}`, step{kind: verbRecord, record: hook.RecordSpec{MaxDuration: 30 * time.Second, Terminator: "#"}}},
		{`{"verbs":[{"verb":"bridge","targets":["1002"],"mode":"sequential","timeout":20,"caller_id":"+49"}]}`,
			step{kind: verbBridge, bridge: hook.BridgeSpec{Targets: []string{"1002"}, Mode: hook.ModeSequential, Timeout: 20 * time.Second, CallerID: "+49"}}},
	}
	for _, tt := range tests {
		d, err := parseDoc([]byte(tt.body), base)
		if err != nil {
			t.Errorf("%s: %v", tt.body, err)
			continue
		}
		if len(d.steps) != 1 || !reflect.DeepEqual(d.steps[0], tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.body, d.steps, tt.want)
		}
	}
}

func TestVerbDocumentBadMedia(t *testing.T) {
	base := newDest(mustURL(t, "http://127.0.0.1/start")).u
	many := `["` + strings.Repeat(`a.wav","`, maxPrompts) + `a.wav"]`
	tests := []struct{ verb, msg string }{
		{`{"verb":"play","file":"a.wav","tone":"busy"}`, `"file" and "tone": give exactly one`},
		{`{"verb":"play"}`, `"file" and "tone": give exactly one`},
		{`{"verb":"play","tone":""}`, `give exactly one`},
		{`{"verb":"play","tone":"a\u0001b"}`, `field "tone": want a tone name or spec`},
		{`{"verb":"play","tone":"` + strings.Repeat("x", 300) + `"}`, `field "tone"`},
		{`{"verb":"play","tone":"busy","duration":0}`, `field "duration": want seconds in (0, 3600]`},
		{`{"verb":"play","tone":"busy","duration":3601}`, `field "duration"`},
		{`{"verb":"play","tone":"busy","duration":"5"}`, `duration": want a number`},
		{`{"verb":"play","file":"a.wav","flush":false}`, `field "flush" does not belong in verb play`},
		{`{"verb":"collect","inter_digit":-1}`, `field "inter_digit": want seconds in (0, 600]`},
		{`{"verb":"collect","inter_digit":601}`, `field "inter_digit"`},
		{`{"verb":"collect","flush":"yes"}`, `flush": want true or false`},
		{`{"verb":"collect","prompt":5}`, `field "prompt": want a file name or a list of file names`},
		{`{"verb":"collect","prompt":[1]}`, `field "prompt": want a file name or a list`},
		{`{"verb":"collect","prompt":{"file":"a.wav"}}`, `field "prompt": want a file name or a list`},
		{`{"verb":"collect","prompt":["a.wav","../x"]}`, `field "prompt[1]": want a relative file name`},
		{`{"verb":"collect","prompt":"/etc/passwd"}`, `field "prompt": want a relative file name`},
		{`{"verb":"collect","prompt":` + many + `}`, `field "prompt": want at most 32 files, got 33`},
		{`{"verb":"collect","terminator":"##"}`, `field "terminator": want one DTMF key`},
		{`{"verb":"collect","terminator":"x"}`, `field "terminator"`},
		{`{"verb":"collect","beep":false}`, `field "beep" does not belong in verb collect`},
		{`{"verb":"record","terminator":"12345"}`, `field "terminator": want 1-4 DTMF keys`},
		{`{"verb":"record","terminator":"#x"}`, `field "terminator"`},
		{`{"verb":"record","silence":0}`, `field "silence": want seconds in (0, 600]`},
		{`{"verb":"record","silence":601}`, `field "silence"`},
		{`{"verb":"record","beep":1}`, `beep": want true or false`},
		{`{"verb":"record","tone":"beep"}`, `field "tone" does not belong in verb record`},
		{`{"verb":"record","prompt":"a.wav"}`, `field "prompt" does not belong in verb record`},
		{`{"verb":"conference"}`, `field "room": required`},
		{`{"verb":"conference","admin":true}`, `field "room": required`},
		{`{"verb":"conference","room":"a\nb"}`, `field "room": want a room name`},
		{`{"verb":"conference","room":"` + strings.Repeat("9", 256) + `"}`, `field "room"`},
		{`{"verb":"conference","room":"1","max_members":-1}`, `field "max_members": want 0-1000`},
		{`{"verb":"conference","room":"1","max_members":1001}`, `field "max_members"`},
		{`{"verb":"conference","room":"1","name":"../x"}`, `field "name": want a relative file name`},
		{`{"verb":"conference","room":"1","muted":"yes"}`, `muted": want true or false`},
		{`{"verb":"conference","room":"1","digits":"1"}`, `field "digits" does not belong in verb conference`},
		{`{"verb":"conference","room":"1","action":"ftp://x/y"}`, `field "action"`},
		{`{"verb":"send_digits"}`, `field "digits": want 1-64 DTMF keys`},
		{`{"verb":"send_digits","digits":"12x"}`, `field "digits"`},
		{`{"verb":"send_digits","digits":"` + strings.Repeat("1", 65) + `"}`, `field "digits"`},
		{`{"verb":"send_digits","digits":"1","action":"/x"}`, `field "action" does not belong in verb send_digits`},
		{`{"verb":"sing"}`, `conference, queue, send_digits`},
	}
	for _, tt := range tests {
		_, err := parseDoc([]byte(`{"verbs":[{"verb":"answer"},`+tt.verb+`]}`), base)
		if err == nil || !errors.Is(err, ErrResponse) && !errors.Is(err, ErrURL) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err %v, want one containing %q", tt.verb, err, tt.msg)
			continue
		}
		// Wrong JSON types are the decoder's, which names the field's path.
		if !strings.HasPrefix(err.Error(), "verbs[1]: ") && !strings.Contains(err.Error(), `field "verbs.`) {
			t.Errorf("%s: err %v, want it to name the verb", tt.verb, err)
		}
	}
}
