package audio

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/media/wav"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/voicemail"
)

func TestShippedPromptsAndOverrides(t *testing.T) {
	dir := t.TempDir()
	l := New(Options{PromptsDir: dir})
	pcm, err := l.Load("ivr/welcome")
	if err != nil || len(pcm) < 4000 {
		t.Fatalf("shipped ivr/welcome: %d samples, %v", len(pcm), err)
	}
	if again, _ := l.Load("ivr/welcome.wav"); len(again) != len(pcm) {
		t.Fatal("the .wav suffix names another sound")
	}
	// A file under the data dir replaces the shipped one (after Forget,
	// the cache holds the old).
	own := make([]int16, 16000) // 1 s at 16 kHz: resampled to 8000 samples
	if err := os.MkdirAll(filepath.Join(dir, "en", "ivr"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "en", "ivr", "welcome.wav"), wav.Encode(own, 16000, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	l.Forget()
	if got, err := l.Load("ivr/welcome"); err != nil || len(got) != 8000 {
		t.Fatalf("override: %d samples, %v; want 8000", len(got), err)
	}
	// A broken override is an error, not the shipped prompt in disguise.
	os.WriteFile(filepath.Join(dir, "en", "ivr", "goodbye.wav"), []byte("not a wav"), 0o644)
	if _, err := l.Load("ivr/goodbye"); err == nil {
		t.Fatal("a broken override loaded")
	}
	if _, err := l.Load("ivr/no_such_prompt"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing prompt: %v, want ErrNotExist", err)
	}
}

func TestBadNames(t *testing.T) {
	l := New(Options{})
	for _, name := range []string{"", "../etc/passwd", "ivr/../../x", "/abs", "a//b", "a/b/c/d/e", "ivr/wel come", "vm:1001/x"} {
		if _, err := l.Load(name); err == nil {
			t.Errorf("Load(%q) succeeded", name)
		}
	}
	if _, err := l.Music("../x"); !errors.Is(err, ErrBadName) {
		t.Errorf("Music(../x): %v", err)
	}
}

func TestMusic(t *testing.T) {
	dir := t.TempDir()
	l := New(Options{MusicDir: dir})
	tracks, err := l.Music("default")
	if err != nil || len(tracks) == 0 || len(tracks[0]) < 8000*10 {
		t.Fatalf("shipped music: %d tracks, %v", len(tracks), err)
	}
	if _, err := l.Music("jazz"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("unknown class: %v", err)
	}
	os.MkdirAll(filepath.Join(dir, "jazz"), 0o755)
	os.WriteFile(filepath.Join(dir, "jazz", "a.wav"), wav.Encode(make([]int16, 8000), 8000, 1), 0o644)
	if tracks, err := l.Music("jazz"); err != nil || len(tracks) != 1 || len(tracks[0]) != 8000 {
		t.Fatalf("data dir class: %d tracks, %v", len(tracks), err)
	}
}

func TestRecordingsAndTokens(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CreateExtension(store.Extension{Number: "1001", Password: "Secret-1001-pw"}); err != nil {
		t.Fatal(err)
	}
	rec, err := recording.Open(st, filepath.Join(dir, "rec"))
	if err != nil {
		t.Fatal(err)
	}
	vm, err := voicemail.Open(st, rec, filepath.Join(dir, "vm"))
	if err != nil {
		t.Fatal(err)
	}
	l := New(Options{Recordings: rec, Voicemail: vm})
	token, path, err := l.CreateRecording(call.RecordingInfo{CallID: "c1", Kind: "program", From: "1002", Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, wav.Encode(make([]int16, 4000), 8000, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := l.FinishRecording(token, 500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if pcm, err := l.Load(token); err != nil || len(pcm) != 4000 {
		t.Fatalf("Load(%s): %d samples, %v", token, len(pcm), err)
	}
	m, err := vm.Deposit("1001", token[len("rec:"):], "1002", "")
	if err != nil {
		t.Fatal(err)
	}
	if pcm, err := l.Load("vm:1001/" + m.ID); err != nil || len(pcm) != 4000 {
		t.Fatalf("the deposited message: %d samples, %v", len(pcm), err)
	}
	if _, err := l.Load("vm:1001/nope"); err == nil {
		t.Fatal("an unknown message loaded")
	}
	if err := l.FinishRecording("rec:nope", time.Second); err == nil {
		t.Fatal("finished an unknown recording")
	}
	// Aborting drops the reservation.
	token, _, err = l.CreateRecording(call.RecordingInfo{Kind: "call", Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	l.AbortRecording(token)
	if rec.InProgress() != 0 {
		t.Fatal("an aborted recording is still in progress")
	}
}
