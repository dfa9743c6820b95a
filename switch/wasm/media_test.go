package wasm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// mediaEngine loads the media test guest, logging into log.
func mediaEngine(t *testing.T, o Options, log *logBuffer) *Engine {
	t.Helper()
	o.Logger = slogTo(log)
	return newEngine(t, "media.wasm", o)
}

// Each media import hands hook.Call exactly the options the guest gave,
// and the guest gets back exactly what the call returned.
func TestMediaPrimitives(t *testing.T) {
	var log logBuffer
	e := mediaEngine(t, Options{}, &log)
	c := &fakeCall{
		collect:   []string{"12"},
		recordRes: hook.RecordResult{File: "rec:7", Duration: 4200 * time.Millisecond, Reason: "terminator", Digit: "*"},
		confRes:   hook.ConferenceResult{Reason: "kicked"},
	}
	if err := runProgramAs(t, e, "media", "", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "play(ivr/welcome) tone(ringback) collect(4,7s,ivr/enter,ivr/pin) record conference(3000) send_digits(12#)" {
		t.Fatalf("ops %q", got)
	}
	wantPlays := []hook.PlaySpec{
		{File: "ivr/welcome", Loops: 2, Duration: 2500 * time.Millisecond},
		{Tone: "ringback", Loops: 1, Duration: 3 * time.Second},
	}
	wantCollects := []hook.CollectSpec{{Max: 4, Timeout: 7 * time.Second, InterDigit: 1500 * time.Millisecond, Terminator: "#",
		Prompt: []string{"ivr/enter", "ivr/pin"}, Flush: true}}
	wantRecords := []hook.RecordSpec{{MaxDuration: 90 * time.Second, Terminator: "#*", Beep: true, Silence: 4 * time.Second}}
	wantConfs := []hook.ConferenceSpec{{Room: "3000", Admin: true, Muted: true, WaitLeader: true, Name: "rec:7", Record: true, MaxMembers: 10}}
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"plays", c.plays, wantPlays},
		{"collects", c.collects, wantCollects},
		{"records", c.records, wantRecords},
		{"conferences", c.confs, wantConfs},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, tc.got, tc.want)
		}
	}
	if want := "result: digits=12 rec=rec:7/4200/terminator/*/false conf=kicked/false"; !strings.Contains(log.String(), want) {
		t.Fatalf("log lacks %q:\n%s", want, log.String())
	}

	// A recording ended by a hang-up is a result (it can be kept), as is
	// leaving a conference by hanging up.
	c = &fakeCall{recordRes: hook.RecordResult{File: "rec:8", Reason: "hangup", HungUp: true},
		confRes: hook.ConferenceResult{Reason: "hangup", HungUp: true}}
	if err := runProgramAs(t, e, "media", "", c); err != nil {
		t.Fatal(err)
	}
	if want := "result: digits= rec=rec:8/0/hangup//true conf=hangup/true"; !strings.Contains(log.String(), want) {
		t.Fatalf("log lacks %q:\n%s", want, log.String())
	}
}

// The call's errors reach the guest as the older primitives' do: ErrState,
// ErrNotAvailable, ErrFailed with the text, and ErrHungUp, after which the
// program ends normally.
func TestMediaErrors(t *testing.T) {
	var log logBuffer
	e := mediaEngine(t, Options{}, &log)
	c := &fakeCall{fail: map[string]error{
		"play":       hook.ErrState,
		"tone":       hook.ErrNotAvailable,
		"record":     errors.New("recorder: disk full"),
		"conference": hook.ErrHungUp,
	}}
	if err := runProgramAs(t, e, "media", "", c); err != nil {
		t.Fatalf("a hang-up is a normal end: %v", err)
	}
	for _, want := range []string{"play: state", "tone: not available", "collect: not available", "record: recorder: disk full", "conference: hung up"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if got := c.Ops(); got != "play(ivr/welcome) tone(ringback) collect(4,7s,ivr/enter,ivr/pin) record conference(3000)" {
		t.Fatalf("ops %q: the program went on after the hang-up", got)
	}
}

// Bad arguments are refused with the reason (ErrFailed) before the call
// is touched; values at the limits pass.
func TestMediaBadArguments(t *testing.T) {
	e := mediaEngine(t, Options{}, &logBuffer{})
	for _, tc := range []struct{ name, want string }{
		{"play-none", "call_play_ex: give a file or a tone (one of them)"},
		{"play-both", "call_play_ex: give a file or a tone (one of them)"},
		{"play-loops", "call_play_ex: loops must be 0-100, got 101"},
		{"play-duration", "call_play_ex: duration must be at most 1h0m0s, got 1h0m0.001s"},
		{"play-control", `call_play_ex: file must be 1-256 printable bytes, got "a\nb"`},
		{"play-long", "call_play_ex: file must be 1-256 printable bytes, got \"ffff"},
		{"collect-max", "call_collect_ex: max must be 0-64, got 65"},
		{"collect-timeout", "call_collect_ex: timeout must be at most 10m0s, got 10m1s"},
		{"collect-inter-digit", "call_collect_ex: inter_digit must be at most 10m0s, got 10m1s"},
		{"collect-terminator", `call_collect_ex: terminator must be empty or one key of 0123456789*#ABCD, got "##"`},
		{"collect-prompts", "call_collect_ex: at most 32 prompts, got 33"},
		{"collect-prompt", `call_collect_ex: prompt 2 must be a file of 1-256 printable bytes, got ""`},
		{"record-max", "call_record_ex: max_duration must be at most 1h0m0s, got 1h0m1s"},
		{"record-negative", "call_record_ex: max_duration must be at most 1h0m0s, got 1193h2m47.295s"},
		{"record-keys", `call_record_ex: terminator must be 0-4 keys of 0123456789*#ABCD, got "#*012"`},
		{"record-key", `call_record_ex: terminator must be 0-4 keys of 0123456789*#ABCD, got "x"`},
		{"record-silence", "call_record_ex: silence must be at most 10m0s, got 10m1s"},
		{"conference-room", `call_conference: room must be 1-256 printable bytes, got ""`},
		{"conference-name", `call_conference: name must be empty or a file of 1-256 printable bytes, got "\x01"`},
		{"conference-members", "call_conference: max_members must be 0-1000, got 1001"},
		{"digits-empty", `call_send_digits: want 1-64 keys of 0123456789*#ABCD, got ""`},
		{"digits-long", `call_send_digits: want 1-64 keys of 0123456789*#ABCD, got "1111`},
		{"digits-key", `call_send_digits: want 1-64 keys of 0123456789*#ABCD, got "12x"`},
		{"raw-flags", "code -2: call_collect_ex: malformed message: field flags at byte 24: unknown flags 0x2"},
		{"raw-trailing", "code -2: call_play_ex: malformed message: 1 trailing bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeCall{}
			err := runProgramAs(t, e, "bad", tc.name, c)
			if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if ops := c.Ops(); ops != "" {
				t.Fatalf("the call was used: %q", ops)
			}
		})
	}
	for _, name := range []string{"ok:play-256", "ok:collect-limits"} {
		c := &fakeCall{collect: []string{"1"}}
		if err := runProgramAs(t, e, "bad", name, c); !errors.Is(err, ErrFailed) || !strings.HasSuffix(err.Error(), ": accepted") {
			t.Fatalf("%s: %v", name, err)
		}
		if len(c.plays)+len(c.collects) != 1 {
			t.Fatalf("%s: ops %q", name, c.Ops())
		}
	}
}

// The results follow the buffer convention: with no room the true length,
// then the same value from result without repeating the primitive.
func TestMediaBufferConvention(t *testing.T) {
	var log logBuffer
	e := mediaEngine(t, Options{}, &log)
	c := &fakeCall{recordRes: hook.RecordResult{File: "rec:99", Reason: "max"}, confRes: hook.ConferenceResult{Reason: "left"}}
	if err := runProgramAs(t, e, "raw", "", c); err != nil {
		t.Fatal(err)
	}
	// The conference result: str "left" (4 + 4 bytes) and bool hung_up.
	if want := "raw: rec:99/max left lengths=9"; !strings.Contains(log.String(), want) {
		t.Fatalf("log lacks %q:\n%s", want, log.String())
	}
	if got := c.Ops(); got != "record conference(9)" {
		t.Fatalf("ops %q", got)
	}
}

// Outside a program, a media primitive is ErrState, as the others are.
func TestMediaOutsideProgram(t *testing.T) {
	e := mediaEngine(t, Options{}, &logBuffer{})
	if d, err := route(t, e, "state"); err != nil || d.Code != 480 || d.Reason != "send_digits: state" {
		t.Fatalf("%+v %v", d, err)
	}
}

// Time blocked in a media primitive does not count against the budgets:
// a conference that lasts longer than the step and program budgets
// together leaves the program running.
func TestMediaBlockingIsFree(t *testing.T) {
	var log logBuffer
	e := mediaEngine(t, Options{Budget: 250 * time.Millisecond, ProgramBudget: 500 * time.Millisecond}, &log)
	c := &fakeCall{collect: []string{"5"}, confWait: time.Second, confRes: hook.ConferenceResult{Reason: "left"}}
	if err := runProgramAs(t, e, "media", "", c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "conf=left/false") || !strings.HasSuffix(c.Ops(), "send_digits(5#)") {
		t.Fatalf("ops %q, log:\n%s", c.Ops(), log.String())
	}
}

// The media guest requires the media feature: a host that knows the
// imports but does not offer the bit refuses it at start, naming the
// feature. An older host, without the imports, refuses it earlier, at
// load: the guest imports them, which plugins that do not use them (the
// kitchen guest, the shipped plugins) do not.
func TestMediaNeedsFeature(t *testing.T) {
	_, err := build(bindAll("media.wasm", 0, hook.Route), Options{Dir: guestDir, Logger: quietLogger(), CacheDir: testCacheDir,
		features: hostFeatures &^ abi.FeatureMedia})
	if err == nil || !strings.Contains(err.Error(), "requires features 0x40 (media) that this host lacks") {
		t.Fatalf("err = %v", err)
	}
	if hostFeatures&abi.FeatureMedia == 0 {
		t.Fatal("this host does not offer media")
	}
	media := []string{abi.ImportCallPlayEx, abi.ImportCallCollectEx, abi.ImportCallRecordEx, abi.ImportCallConference, abi.ImportCallSendDigits}
	bin, err := os.ReadFile(filepath.Join(guestDir, "media.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	got := hostImports(t, bin)
	for _, name := range media {
		if !slices.Contains(got, name) {
			t.Errorf("media.wasm does not import %s (it imports %v)", name, got)
		}
	}
	others := map[string][]byte{}
	others["kitchen.wasm"], err = os.ReadFile(filepath.Join(guestDir, "kitchen.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dialplan.wasm", "billing.wasm"} {
		if others[name], err = plugins.FS.ReadFile(name); err != nil {
			t.Fatal(err)
		}
	}
	for name, bin := range others {
		for _, imp := range hostImports(t, bin) {
			if slices.Contains(media, imp) {
				t.Errorf("%s imports %s without using it: older hosts would refuse it", name, imp)
			}
		}
	}
}

// hostImports lists what a module imports from the host module.
func hostImports(t *testing.T, bin []byte) []string {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(mustCache(t)))
	defer rt.Close(ctx)
	m, err := rt.CompileModule(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range m.ImportedFunctions() {
		if mod, name, _ := d.Import(); mod == abi.ModuleName {
			out = append(out, name)
		}
	}
	return out
}

func mustCache(t *testing.T) wazero.CompilationCache {
	t.Helper()
	c, err := compilationCache(testCacheDir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
