package voicemail

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/lua"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
)

// The Lua engine's voicemail module takes *Store as it is.
var _ lua.Voicemail = (*Store)(nil)

type fixture struct {
	st  *store.Store
	rec *recording.Store
	vm  *Store
	dir string
}

// open is a voicemail store over an in-memory store with extensions 1001
// and 1002, under a temporary data dir.
func open(t testing.TB) *fixture {
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
	f := &fixture{st: st, dir: t.TempDir()}
	f.reopen(t)
	return f
}

func (f *fixture) reopen(t testing.TB) {
	t.Helper()
	var err error
	if f.rec, err = recording.Open(f.st, filepath.Join(f.dir, "recordings")); err != nil {
		t.Fatal(err)
	}
	if f.vm, err = Open(f.st, f.rec, filepath.Join(f.dir, "voicemail")); err != nil {
		t.Fatal(err)
	}
}

// record makes a finished recording of d of silence.
func (f *fixture) record(t *testing.T, d time.Duration) string {
	t.Helper()
	id, path, err := f.rec.Create(recording.Meta{Kind: recording.KindProgram, From: "1002", To: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	n := uint32(d.Milliseconds() * 16)
	if err := os.WriteFile(path, append(recording.AppendWAVHeader(nil, 1, 8000, n), make([]byte, n)...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.rec.Finish(id, 0); err != nil {
		t.Fatal(err)
	}
	return id
}

// changes records the boxes OnChange reports.
type changes struct {
	mu    sync.Mutex
	boxes []string
}

func (c *changes) add(box string) { c.mu.Lock(); c.boxes = append(c.boxes, box); c.mu.Unlock() }
func (c *changes) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.boxes, ",")
}

func TestDepositAndRetrieve(t *testing.T) {
	f := open(t)
	var c1, c2 changes
	f.vm.OnChange(c1.add)
	f.vm.OnChange(c2.add)
	r1, r2 := f.record(t, 1500*time.Millisecond), f.record(t, time.Second)
	m1, err := f.vm.Deposit("1001", r1, "1002", "Bob")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(f.dir, "voicemail", "1001", r1+".wav")
	if m1.ID != r1 || m1.Box != "1001" || m1.Folder != FolderNew || m1.Caller != "1002" || m1.CallerName != "Bob" ||
		m1.Duration != 1500*time.Millisecond || m1.Path != want || time.Since(m1.Received) > time.Minute {
		t.Fatalf("deposit = %+v", m1)
	}
	if _, err := os.Stat(want); err != nil {
		t.Fatalf("message file: %v", err)
	}
	if _, err := f.rec.Get(r1); !errors.Is(err, recording.ErrNotFound) {
		t.Fatalf("the recording is still a recording: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "recordings", r1+".wav")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the recording's file stays: %v", err)
	}
	if _, err := f.vm.Deposit("1001", r2, "", ""); err != nil {
		t.Fatal(err)
	}
	if c1.String() != "1001,1001" || c2.String() != "1001,1001" {
		t.Fatalf("change notices %q %q", c1.String(), c2.String())
	}
	ms, err := f.vm.Messages("1001", "")
	if err != nil || len(ms) != 2 || ms[0].ID != r1 || ms[1].ID != r2 {
		t.Fatalf("messages = %+v, %v (want oldest first)", ms, err)
	}
	if n, s, err := f.vm.Counts("1001"); n != 2 || s != 0 || err != nil {
		t.Fatalf("counts = %d %d %v", n, s, err)
	}
	if err := f.vm.MarkSaved("1001", r1); err != nil {
		t.Fatal(err)
	}
	if err := f.vm.MarkSaved("1001", r1); err != nil {
		t.Fatal(err)
	}
	if c1.String() != "1001,1001,1001" {
		t.Fatalf("saving twice notified twice: %q", c1.String())
	}
	if n, s, _ := f.vm.Counts("1001"); n != 1 || s != 1 {
		t.Fatalf("counts after save = %d %d", n, s)
	}
	for folder, want := range map[string]string{FolderNew: r2, FolderSaved: r1} {
		ms, err := f.vm.Messages("1001", folder)
		if err != nil || len(ms) != 1 || ms[0].ID != want {
			t.Errorf("%s: %+v %v", folder, ms, err)
		}
	}
	if m, err := f.vm.Message("1001", r1); err != nil || m.Folder != FolderSaved || m.Path != want {
		t.Fatalf("message = %+v %v", m, err)
	}
	if p, err := f.vm.Path("1001", r1); err != nil || p != want {
		t.Fatalf("path = %q %v", p, err)
	}
	all, err := f.vm.AllMessages()
	if err != nil || len(all) != 2 {
		t.Fatalf("all = %+v %v", all, err)
	}
	if err := f.vm.Delete("1001", r1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(want); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file after delete: %v", err)
	}
	if err := f.vm.Delete("1001", r1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if n, s, _ := f.vm.Counts("1001"); n != 1 || s != 0 {
		t.Fatalf("counts after delete = %d %d", n, s)
	}
	if _, err := f.vm.Messages("1001", "trash"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad folder: %v", err)
	}
}

func TestDepositRefused(t *testing.T) {
	f := open(t)
	var c changes
	f.vm.OnChange(c.add)
	r := f.record(t, time.Second)
	for _, tc := range []struct {
		box, rec string
		want     error
	}{
		{"1003", r, ErrNoBox},
		{"1001", recording.NewID(time.Now()), recording.ErrNotFound},
		{"1001", "../recordings/" + r, ErrInvalid},
		{"../1001", r, ErrInvalid},
		{"1001/..", r, ErrInvalid},
	} {
		if _, err := f.vm.Deposit(tc.box, tc.rec, "1002", ""); !errors.Is(err, tc.want) {
			t.Errorf("deposit %q %q: %v, want %v", tc.box, tc.rec, err, tc.want)
		}
	}
	if !errors.Is(ErrNoBox, store.ErrNotFound) {
		t.Error("ErrNoBox does not wrap store.ErrNotFound")
	}
	if _, err := f.vm.Deposit("1001", r, "a\nb", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("caller with a newline: %v", err)
	}
	// Full: refused before the recording is taken.
	if err := f.vm.SetMaxMessages("1001", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.vm.Deposit("1001", f.record(t, time.Second), "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.vm.Deposit("1001", r, "", ""); !errors.Is(err, ErrBoxFull) {
		t.Fatalf("deposit into a full box: %v", err)
	}
	// A recording whose file is not a WAV (any more) stays a recording.
	bad := f.record(t, time.Second)
	p, _ := f.rec.Path(bad)
	os.WriteFile(p, []byte("garbage"), 0o600)
	if _, err := f.vm.Deposit("1002", bad, "", ""); err == nil || strings.Contains(err.Error(), f.dir) {
		t.Fatalf("deposit of a broken file: %v", err)
	}
	for _, id := range []string{r, bad} {
		if _, err := f.rec.Path(id); err != nil {
			t.Errorf("refused recording %s is lost: %v", id, err)
		}
	}
	if c.String() != "1001" {
		t.Fatalf("change notices %q, want only the one deposit", c.String())
	}
}

// TestConcurrentDeposits: deposits racing into a box with room for 4 of
// 10: exactly 4 land, the others are refused as full and stay recordings.
func TestConcurrentDeposits(t *testing.T) {
	f := open(t)
	f.vm.SetMaxMessages("1001", 4)
	var recs []string
	for range 10 {
		recs = append(recs, f.record(t, 100*time.Millisecond))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(recs))
	for i, r := range recs {
		wg.Go(func() { _, errs[i] = f.vm.Deposit("1001", r, "1002", "") })
	}
	// Deposits into another box meanwhile are not held up by the full one.
	other := f.record(t, 100*time.Millisecond)
	if _, err := f.vm.Deposit("1002", other, "", ""); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrBoxFull):
			if _, err := f.rec.Path(recs[i]); err != nil {
				t.Errorf("refused recording lost: %v", err)
			}
		default:
			t.Errorf("deposit: %v", err)
		}
	}
	if n, _, _ := f.vm.Counts("1001"); ok != 4 || n != 4 {
		t.Fatalf("%d deposits succeeded, %d messages; want 4", ok, n)
	}
	ents, _ := os.ReadDir(filepath.Join(f.dir, "voicemail", "1001"))
	if len(ents) != 4 {
		t.Fatalf("%d files in the box", len(ents))
	}
}

func TestPIN(t *testing.T) {
	f := open(t)
	if f.vm.HasPIN("1001") || f.vm.CheckPIN("1001", "1234") || f.vm.CheckPIN("1001", "") {
		t.Fatal("a box without a PIN matched")
	}
	for _, bad := range []string{"", "123", "12345678901", "12a4", "１２３４", "12 34"} {
		var fe *store.FieldError
		if err := f.vm.SetPIN("1001", bad); !errors.As(err, &fe) || fe.Field != "pin" {
			t.Errorf("SetPIN(%q): %v", bad, err)
		}
	}
	if err := f.vm.SetPIN("1003", "1234"); !errors.Is(err, ErrNoBox) {
		t.Fatalf("no box: %v", err)
	}
	if err := f.vm.SetPIN("1001", "0042"); err != nil {
		t.Fatal(err)
	}
	if !f.vm.HasPIN("1001") || f.vm.HasPIN("1002") {
		t.Fatal("HasPIN")
	}
	for pin, want := range map[string]bool{"0042": true, "42": false, "00042": false, "0043": false, "": false} {
		if got := f.vm.CheckPIN("1001", pin); got != want {
			t.Errorf("CheckPIN(%q) = %v", pin, got)
		}
	}
	b, _ := f.st.GetVoicemailBox("1001")
	if strings.Contains(string(b.PINHash), "0042") || len(b.PINHash) != 32 || len(b.PINSalt) != 16 {
		t.Fatalf("stored pin material: %+v", b)
	}
	if s, err := f.vm.Settings("1001"); err != nil || !s.HasPIN || s.MaxMessages != store.DefaultMaxMessages {
		t.Fatalf("settings = %+v %v", s, err)
	}
	if f.vm.CheckPIN("../1001", "0042") {
		t.Fatal("odd box matched")
	}
}

func TestGreetings(t *testing.T) {
	f := open(t)
	for _, k := range []string{GreetingUnavailable, GreetingBusy, GreetingTemp} {
		if _, ok := f.vm.Greeting("1001", k); ok {
			t.Fatalf("%s greeting before any", k)
		}
	}
	r := f.record(t, time.Second)
	if err := f.vm.SetGreeting("1001", GreetingUnavailable, r); err != nil {
		t.Fatal(err)
	}
	p, ok := f.vm.Greeting("1001", GreetingUnavailable)
	if !ok || p != filepath.Join(f.dir, "voicemail", "1001", "greeting-unavailable.wav") {
		t.Fatalf("greeting = %q %v", p, ok)
	}
	if _, err := f.rec.Get(r); !errors.Is(err, recording.ErrNotFound) {
		t.Fatalf("greeting recording still a recording: %v", err)
	}
	// Replacing keeps one file.
	if err := f.vm.SetGreeting("1001", GreetingUnavailable, f.record(t, 2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if info, _, err := recording.StatWAV(p); err != nil || info.Duration() != 2*time.Second {
		t.Fatalf("replaced greeting: %+v %v", info, err)
	}
	if err := f.vm.SetGreeting("1001", GreetingTemp, f.record(t, time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.vm.Greeting("1001", GreetingTemp); !ok {
		t.Fatal("temp greeting not active")
	}
	if err := f.vm.SetTempGreeting("1001", false); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.vm.Greeting("1001", GreetingTemp); ok {
		t.Fatal("temp greeting active after turning it off")
	}
	if err := f.vm.SetTempGreeting("1001", true); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.vm.Settings("1001"); !s.TempGreeting {
		t.Fatal("settings: temp greeting off")
	}
	if err := f.vm.RemoveGreeting("1001", GreetingTemp); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.vm.Greeting("1001", GreetingTemp); ok {
		t.Fatal("temp greeting after removal")
	}
	if err := f.vm.SetTempGreeting("1001", true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("activate a missing temp greeting: %v", err)
	}
	if err := f.vm.RemoveGreeting("1001", GreetingBusy); err != nil {
		t.Fatalf("remove a missing greeting: %v", err)
	}
	r = f.record(t, time.Second)
	for _, tc := range []struct{ box, kind, rec string }{
		{"1001", "vacation", r}, {"1001", "../greeting-busy", r}, {"1001", "", r},
		{"1001", GreetingBusy, "../" + r}, {"1003", GreetingBusy, r}, {"1001/../1002", GreetingBusy, r},
	} {
		if err := f.vm.SetGreeting(tc.box, tc.kind, tc.rec); err == nil {
			t.Errorf("SetGreeting(%q, %q, %q) accepted", tc.box, tc.kind, tc.rec)
		}
	}
	if _, err := f.rec.Path(r); err != nil {
		t.Fatalf("a refused greeting's recording is lost: %v", err)
	}
	if _, ok := f.vm.Greeting("1001", "../../recordings/"+r); ok {
		t.Fatal("greeting kind reached a path")
	}
}

func TestResolve(t *testing.T) {
	f := open(t)
	r := f.record(t, time.Second)
	if p, err := f.vm.Resolve("rec:" + r); err != nil || p != filepath.Join(f.dir, "recordings", r+".wav") {
		t.Fatalf("rec: %q %v", p, err)
	}
	if _, err := f.vm.Deposit("1001", r, "", ""); err != nil {
		t.Fatal(err)
	}
	if p, err := f.vm.Resolve("vm:1001/" + r); err != nil || p != filepath.Join(f.dir, "voicemail", "1001", r+".wav") {
		t.Fatalf("vm: %q %v", p, err)
	}
	g := f.record(t, time.Second)
	f.vm.SetGreeting("1001", GreetingBusy, g)
	if p, err := f.vm.Resolve("vmg:1001/busy"); err != nil || filepath.Base(p) != "greeting-busy.wav" {
		t.Fatalf("vmg: %q %v", p, err)
	}
	for tok, want := range map[string]error{
		"rec:" + r:                 recording.ErrNotFound, // deposited: not a recording any more
		"vm:1002/" + r:             ErrNotFound,
		"vmg:1001/temp":            ErrNotFound,
		"vm:1001/../../etc/passwd": ErrInvalid,
		"vm:../1001/" + r:          ErrInvalid,
		"vmg:1001/../greeting":     ErrInvalid,
		"rec:../voicemail/1001/x":  recording.ErrInvalidID,
		"file:/etc/passwd":         ErrInvalid,
		"vm:1001":                  ErrInvalid,
		"":                         ErrInvalid,
	} {
		if _, err := f.vm.Resolve(tok); !errors.Is(err, want) {
			t.Errorf("Resolve(%q): %v, want %v", tok, err, want)
		}
	}
}

func TestPathTraversal(t *testing.T) {
	f := open(t)
	r := f.record(t, time.Second)
	f.vm.Deposit("1001", r, "", "")
	for _, box := range []string{"../1001", "1001/..", "..", "/etc", "1001/../1001", "", "1"} {
		if _, err := f.vm.Messages(box, ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("messages %q: %v", box, err)
		}
		if _, _, err := f.vm.Counts(box); !errors.Is(err, ErrInvalid) {
			t.Errorf("counts %q: %v", box, err)
		}
		if err := f.vm.SetPIN(box, "1234"); !errors.Is(err, ErrInvalid) {
			t.Errorf("set pin %q: %v", box, err)
		}
	}
	for _, id := range []string{"../" + r, r + "/..", "..", "../../recordings/" + r, r[:20]} {
		if _, err := f.vm.Message("1001", id); !errors.Is(err, ErrInvalid) {
			t.Errorf("message %q: %v", id, err)
		}
		if _, err := f.vm.Path("1001", id); !errors.Is(err, ErrInvalid) {
			t.Errorf("path %q: %v", id, err)
		}
		if err := f.vm.Delete("1001", id); !errors.Is(err, ErrInvalid) {
			t.Errorf("delete %q: %v", id, err)
		}
		if err := f.vm.MarkSaved("1001", id); !errors.Is(err, ErrInvalid) {
			t.Errorf("save %q: %v", id, err)
		}
	}
	if n, _, _ := f.vm.Counts("1001"); n != 1 {
		t.Fatalf("the message is gone: %d", n)
	}
}

// TestSweep: at Open, a message file without entry (a deposit interrupted
// between move and index) over an hour old goes, as do entries without a
// file; greetings and young files stay.
func TestSweep(t *testing.T) {
	f := open(t)
	kept := f.record(t, time.Second)
	gone := f.record(t, time.Second)
	f.vm.Deposit("1001", kept, "", "")
	f.vm.Deposit("1001", gone, "", "")
	f.vm.SetGreeting("1001", GreetingBusy, f.record(t, time.Second))
	box := filepath.Join(f.dir, "voicemail", "1001")
	os.Remove(filepath.Join(box, gone+".wav"))
	old := time.Now().Add(-2 * time.Hour)
	orphan, young := recording.NewID(old), recording.NewID(time.Now())
	for _, name := range []string{orphan + ".wav", young + ".wav", "greeting-busy.wav", "readme"} {
		p := filepath.Join(box, name)
		if name != "greeting-busy.wav" {
			os.WriteFile(p, []byte("x"), 0o600)
		}
		os.Chtimes(p, old, old)
	}
	os.Chtimes(filepath.Join(box, young+".wav"), time.Now(), time.Now())
	os.Chtimes(filepath.Join(box, kept+".wav"), old, old)
	os.MkdirAll(filepath.Join(f.dir, "voicemail", "not-a-box"), 0o700)
	var c changes
	f.vm.OnChange(c.add)
	res, err := f.vm.Sweep(recording.SweepAge)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(res.Files) != "[1001/"+orphan+"]" || fmt.Sprint(res.Entries) != "[1001/"+gone+"]" {
		t.Fatalf("sweep = %+v", res)
	}
	if c.String() != "1001" {
		t.Fatalf("change notices %q", c.String())
	}
	var names []string
	ents, _ := os.ReadDir(box)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := []string{kept + ".wav", young + ".wav", "greeting-busy.wav", "readme"}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("left %v, want %v", names, want)
	}
	// Open sweeps too.
	os.WriteFile(filepath.Join(box, orphan+".wav"), []byte("x"), 0o600)
	os.Chtimes(filepath.Join(box, orphan+".wav"), old, old)
	f.reopen(t)
	if _, err := os.Stat(filepath.Join(box, orphan+".wav")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("open did not sweep: %v", err)
	}
	if ms, _ := f.vm.Messages("1001", ""); len(ms) != 1 || ms[0].ID != kept {
		t.Fatalf("messages after reopen: %+v", ms)
	}
}
