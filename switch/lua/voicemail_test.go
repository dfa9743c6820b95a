package lua

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/voicemail"
)

// voicemailFixture is the real voicemail store (extensions 1001 and 1002)
// and a way to make finished recordings.
func voicemailFixture(t *testing.T) (*voicemail.Store, func() string) {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, n := range []string{"1001", "1002"} {
		if err := st.CreateExtension(store.Extension{Number: n, Password: "Secret-" + n + "-pw"}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	rec, err := recording.Open(st, filepath.Join(dir, "recordings"))
	if err != nil {
		t.Fatal(err)
	}
	vm, err := voicemail.Open(st, rec, filepath.Join(dir, "voicemail"))
	if err != nil {
		t.Fatal(err)
	}
	record := func() string {
		id, path, err := rec.Create(recording.Meta{Kind: recording.KindProgram})
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, append(recording.AppendWAVHeader(nil, 1, 8000, 12000), make([]byte, 12000)...), 0o600)
		if err := rec.Finish(id, 0); err != nil {
			t.Fatal(err)
		}
		return id
	}
	return vm, record
}

func TestVoicemailModule(t *testing.T) {
	vm, record := voicemailFixture(t)
	o := Options{Voicemail: vm}
	r1, r2, g := record(), record(), record()
	// Each step returns at most a reject reason's 128 bytes; the store
	// carries the state from one to the next.
	for _, step := range []struct{ body, want string }{
		{`local b = voicemail.box("1001")
return table.concat({tostring(voicemail.box("1003")), b.number, tostring(b.exists), tostring(b.has_pin), b.new, b.saved, tostring(next(b.greeting))}, " ")`,
			"nil 1001 true false 0 0 nil"},
		{fmt.Sprintf(`return voicemail.deposit("1001", "rec:%s", "1002", "Bob") .. " " .. voicemail.deposit(1001, "rec:%s")`, r1, r2), r1 + " " + r2},
		{fmt.Sprintf(`return tostring(voicemail.set_greeting("1001", "busy", "rec:%s")) .. tostring(voicemail.set_pin("1001", 2468))`, g), "truetrue"},
		{`local b = voicemail.box("1001")
return b.new .. "/" .. b.saved .. " " .. tostring(b.has_pin) .. " " .. b.greeting.busy .. " " .. tostring(b.greeting.temp) .. " " .. tostring(b.greeting.unavailable)`,
			"2/0 true vmg:1001/busy nil nil"},
		{`return tostring(voicemail.check_pin("1001", "2468")) .. tostring(voicemail.check_pin("1001", "1111"))`, "truefalse"},
		{`local ms = voicemail.messages("1001") local m = ms[1]
return table.concat({#ms, m.id, m.folder, m.caller, m.caller_name, m.duration, m.file, ms[2].caller .. "."}, " ")`,
			fmt.Sprintf("2 %s new 1002 Bob 0.75 vm:1001/%s .", r1, r1)},
		{`local m = voicemail.messages("1001")[1] return tostring(m.received == math.floor(m.received) and os_time_ok(m.received))`, "true"},
		{fmt.Sprintf(`assert(voicemail.save("1001", "%s")) return #voicemail.messages("1001", "new") .. #voicemail.messages("1001", "saved")`, r1), "11"},
		{fmt.Sprintf(`assert(voicemail.delete("1001", "%s")) assert(voicemail.remove_greeting("1001", "busy"))
local b = voicemail.box("1001") return b.new .. "/" .. b.saved .. " " .. tostring(b.greeting.busy)`, r2), "0/1 nil"},
	} {
		body := strings.Replace(step.body, "os_time_ok(m.received)", fmt.Sprintf("m.received > %d", time.Now().Add(-time.Minute).Unix()), 1)
		if got := eval(t, o, body); got != step.want {
			t.Fatalf("%s:\n got %q\nwant %q", step.body, got, step.want)
		}
	}
}

func TestVoicemailModuleFailures(t *testing.T) {
	vm, record := voicemailFixture(t)
	o := Options{Voicemail: vm}
	r := record()
	for _, tc := range []struct{ body, want string }{
		{`local v, err = voicemail.deposit("1001", "` + r + `") return tostring(v) .. " " .. err`, `nil voicemail.deposit: want a recording token rec:<id>`},
		{`local v, err = voicemail.deposit("1003", "rec:` + r + `") return err`, `voicemail.deposit: voicemail: deposit: no such voicemail box 1003`},
		{`local v, err = voicemail.deposit("1001", "rec:20261122T180102Z-0a0b0c0d") return err`, `not found`},
		{`local v, err = voicemail.deposit("1001", "rec:../../x") return err`, `voicemail.deposit: voicemail: deposit: invalid id`},
		{`local v, err = voicemail.set_pin("1001", "12") return tostring(v) .. " " .. err`, `nil voicemail.set_pin: voicemail: set pin: invalid pin: must be 4-10 digits`},
		{`local v, err = voicemail.messages("1001", "trash") return err`, `invalid folder`},
		{`local v, err = voicemail.save("1001", "20261122T180102Z-0a0b0c0d") return err`, `not found`},
		{`local v, err = voicemail.set_greeting("1001", "party", "rec:` + r + `") return err`, `invalid kind`},
		{`local v, err = voicemail.remove_greeting("1001/..", "busy") return err`, `invalid box`},
		{`return tostring(voicemail.check_pin("1003", "1234"))`, `false`},
		{`return tostring(pcall(voicemail.box, {}))`, `false`},
		{`return tostring(pcall(voicemail.check_pin, "1001"))`, `false`},
		{`return tostring(pcall(voicemail.messages, "1001", {}))`, `false`},
	} {
		if got := eval(t, o, tc.body); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.body, got, tc.want)
		}
	}
	// The recording a failed deposit tried to take is still there.
	if got := eval(t, o, `return voicemail.deposit("1001", "rec:`+r+`")`); got != r {
		t.Fatalf("deposit after failures: %q", got)
	}
	// Scripts never see paths, not even in errors.
	if got := eval(t, o, `local v, err = voicemail.deposit("1002", "rec:`+r+`") return err`); strings.Contains(got, "/tmp") || strings.Contains(got, string(os.PathSeparator)+"recordings") {
		t.Fatalf("error shows a path: %q", got)
	}
}

func TestVoicemailNotConfigured(t *testing.T) {
	for _, body := range []string{
		`return select(2, voicemail.box("1001"))`,
		`return select(2, voicemail.check_pin("1001", "1234"))`,
		`return select(2, voicemail.messages("1001"))`,
		`return select(2, voicemail.deposit("1001", "rec:x"))`,
		`return select(2, voicemail.remove_greeting("1001", "busy"))`,
	} {
		if got := eval(t, Options{}, body); got != "voicemail: not configured" {
			t.Errorf("%s: %q", body, got)
		}
	}
	if got := eval(t, Options{}, `return tostring(pcall(voicemail.box, {}))`); got != "false" {
		t.Errorf("a table box without voicemail: %q", got)
	}
	if got := eval(t, Options{}, `return tostring(require("voicemail") == voicemail)`); got != "true" {
		t.Errorf("require: %q", got)
	}
}
