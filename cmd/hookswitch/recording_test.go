package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/voicemail"
	"github.com/hookswitch/hookswitch/web"
)

// mediaDir is a data dir with extension 1001 and n finished recordings
// (1 s of 8 kHz mono each, "call" then "program" alternately), whose IDs
// and files it returns.
func mediaDir(t *testing.T, n int) (string, []string, [][]byte) {
	t.Helper()
	dir := t.TempDir()
	if _, errs, code := cli(t, "ext", "add", "1001", "--password", "Secret1234x", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec, err := recording.Open(st, filepath.Join(dir, recording.DirName))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var wavs [][]byte
	for i := range n {
		kind := recording.KindCall
		if i%2 == 1 {
			kind = recording.KindProgram
		}
		id, path, err := rec.Create(recording.Meta{Kind: kind, From: "1002", To: "1001", Started: time.Now().Add(time.Duration(i-n) * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		body := recording.AppendWAVHeader(nil, 1, 8000, 16000)
		body = append(body, bytes.Repeat([]byte{byte(i)}, 16000)...)
		os.WriteFile(path, body, 0o600)
		if err := rec.Finish(id, 0); err != nil {
			t.Fatal(err)
		}
		ids, wavs = append(ids, id), append(wavs, body)
	}
	return dir, ids, wavs
}

// holdMediaDir opens the data dir as the running switch does, with
// recordings and voicemail, and serves the admin API on its control socket.
func holdMediaDir(t *testing.T, dir string) *voicemail.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := recording.Open(st, filepath.Join(dir, recording.DirName))
	if err != nil {
		t.Fatal(err)
	}
	vm, err := voicemail.Open(st, rec, filepath.Join(dir, voicemail.DirName))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", filepath.Join(dir, socketName))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: (&web.API{B: st, VM: vm, Rec: rec}).Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); st.Close() })
	return vm
}

// fakePlayer puts a `play` on PATH that copies its stdin to the file it
// returns.
func fakePlayer(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	out := filepath.Join(t.TempDir(), "played.wav")
	script := "#!/bin/sh\n[ \"$*\" = \"-q -t wav -\" ] || exit 3\nexec /bin/cat > " + out + "\n"
	if err := os.WriteFile(filepath.Join(bin, "play"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	return out
}

func TestRecordingCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir, ids, wavs := mediaDir(t, 3)
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			rec := func(args ...string) (string, string, int) {
				return cli(t, append(append([]string{"recording"}, args...), "--data", dir)...)
			}
			out, errs, code := rec("list")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], "ID") || !strings.HasPrefix(lines[1], ids[2]) ||
				!strings.Contains(lines[1], "call") || !strings.Contains(lines[1], "0:01") || !strings.Contains(lines[1], "16044") {
				t.Fatalf("list: %q %q", out, errs)
			}
			out, _, _ = rec("list", "--kind", "program")
			if strings.Count(out, "\n") != 2 || !strings.Contains(out, ids[1]) {
				t.Fatalf("list --kind program: %q", out)
			}
			out, _, _ = rec("list", "--limit", "1", "--offset", "1")
			if !strings.Contains(out, ids[1]) || strings.Contains(out, ids[0]) || !strings.Contains(out, "(1 of 3") {
				t.Fatalf("list --limit 1 --offset 1: %q", out)
			}
			// Export to a file, to stdout; play through the fake player.
			file := filepath.Join(t.TempDir(), "x.wav")
			if out, errs, code := rec("export", ids[0], "-o", file); code != 0 || !strings.Contains(out, "16044 bytes") {
				t.Fatalf("export: %q %q", out, errs)
			}
			if b, _ := os.ReadFile(file); !bytes.Equal(b, wavs[0]) {
				t.Fatal("exported file differs")
			}
			if out, _, code := rec("export", ids[1], "-o", "-"); code != 0 || out != string(wavs[1]) {
				t.Fatalf("export to stdout: %d bytes", len(out))
			}
			played := fakePlayer(t)
			if _, errs, code := rec("play", ids[2]); code != 0 {
				t.Fatalf("play: %q", errs)
			}
			if b, _ := os.ReadFile(played); !bytes.Equal(b, wavs[2]) {
				t.Fatalf("played %d bytes", len(b))
			}
			t.Setenv("PATH", t.TempDir())
			if _, errs, code := rec("play", ids[2]); code == 0 || !strings.Contains(errs, "no audio player found") || !strings.Contains(errs, "recording export "+ids[2]) {
				t.Fatalf("play without a player: %q", errs)
			}
			if out, errs, code := rec("delete", ids[0]); code != 0 || !strings.Contains(out, "deleted") {
				t.Fatalf("delete: %q %q", out, errs)
			}
			if _, errs, code := rec("delete", ids[0]); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("delete twice: %q", errs)
			}
			if _, errs, code := rec("export", ids[0], "-o", "-"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("export a deleted one: %q", errs)
			}
		})
	}
}

func TestRecordingCLIRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"recording"}, {"recording", "burn"}, {"recording", "export"}, {"recording", "delete", "../../etc/passwd"},
		{"recording", "play", "a", "b"}, {"recording", "list", "--kind", "movie"}, {"recording", "list", "--limit", "-1"},
	} {
		if _, errs, code := cli(t, append(args, "--data", dir)...); code == 0 || errs == "" {
			t.Errorf("%q: accepted", args)
		}
	}
	if _, errs, _ := cli(t, "recording", "delete", "../x", "--data", dir); !strings.Contains(errs, "invalid id") {
		t.Errorf("bad id: %q", errs)
	}
}
