package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/voicemail"
)

// depositAll opens the data dir and deposits the recordings into box 1001.
func depositAll(t *testing.T, dir string, ids []string) {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec, _ := recording.Open(st, filepath.Join(dir, recording.DirName))
	vm, err := voicemail.Open(st, rec, filepath.Join(dir, voicemail.DirName))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, err := vm.Deposit("1001", id, "1002", "Bob"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVoicemailCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir, ids, wavs := mediaDir(t, 2)
			depositAll(t, dir, ids)
			var vm *voicemail.Store
			if mode == "control socket" {
				vm = holdMediaDir(t, dir)
			}
			vmc := func(args ...string) (string, string, int) {
				return cli(t, append(append([]string{"voicemail"}, args...), "--data", dir)...)
			}
			for _, args := range [][]string{{"list"}, {"list", "1001"}} {
				out, errs, code := vmc(args...)
				lines := strings.Split(strings.TrimSpace(out), "\n")
				if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "BOX") || !strings.HasPrefix(lines[1], "1001") ||
					!strings.Contains(lines[1], ids[0]) || !strings.Contains(lines[1], "new") || !strings.Contains(lines[1], "1002 (Bob)") || !strings.Contains(lines[1], "0:01") {
					t.Fatalf("%q: %q %q", args, out, errs)
				}
			}
			if _, errs, code := vmc("list", "1003"); code == 0 || !strings.Contains(errs, "no such voicemail box") {
				t.Fatalf("list of no box: %q", errs)
			}
			file := filepath.Join(t.TempDir(), "m.wav")
			if out, errs, code := vmc("export", "1001", ids[0], "-o", file); code != 0 || !strings.Contains(out, "wrote") {
				t.Fatalf("export: %q %q", out, errs)
			}
			if b, _ := os.ReadFile(file); !bytes.Equal(b, wavs[0]) {
				t.Fatal("exported file differs")
			}
			// Default output: ID.wav in the current directory.
			t.Chdir(t.TempDir())
			if _, errs, code := vmc("export", "1001", ids[1]); code != 0 {
				t.Fatalf("export to ID.wav: %q", errs)
			}
			if b, _ := os.ReadFile(ids[1] + ".wav"); !bytes.Equal(b, wavs[1]) {
				t.Fatal("ID.wav differs")
			}
			played := fakePlayer(t)
			if _, errs, code := vmc("play", "1001", ids[1]); code != 0 {
				t.Fatalf("play: %q", errs)
			}
			if b, _ := os.ReadFile(played); !bytes.Equal(b, wavs[1]) {
				t.Fatalf("played %d bytes", len(b))
			}
			t.Setenv("PATH", t.TempDir())
			if _, errs, code := vmc("play", "1001", ids[1]); code == 0 || !strings.Contains(errs, "voicemail export 1001 "+ids[1]) {
				t.Fatalf("play without a player: %q", errs)
			}
			for _, args := range [][]string{
				{"export", "1001", "../../recordings/" + ids[0], "-o", "-"},
				{"export", "../1001", ids[0], "-o", "-"},
				{"delete", "1001", ".."},
				{"pin", "1001", "12ab"},
			} {
				if _, errs, code := vmc(args...); code == 0 || !strings.Contains(errs, "invalid") {
					t.Errorf("%q: %q", args, errs)
				}
			}
			if out, errs, code := vmc("pin", "1001", "2468"); code != 0 || !strings.Contains(out, "PIN of 1001 set") {
				t.Fatalf("pin: %q %q", out, errs)
			}
			if out, errs, code := vmc("delete", "1001", ids[0]); code != 0 || !strings.Contains(out, "deleted") {
				t.Fatalf("delete: %q %q", out, errs)
			}
			if _, errs, code := vmc("delete", "1001", ids[0]); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("delete twice: %q", errs)
			}
			out, _, _ := vmc("list")
			if strings.Contains(out, ids[0]) || !strings.Contains(out, ids[1]) {
				t.Fatalf("list after delete: %q", out)
			}
			if vm != nil && !vm.CheckPIN("1001", "2468") {
				t.Fatal("the PIN set through the switch does not match")
			}
		})
	}
}

func TestVoicemailCLIRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"voicemail"}, {"voicemail", "listen"}, {"voicemail", "export", "1001"}, {"voicemail", "pin", "1001"},
		{"voicemail", "list", "1001", "1002"}, {"voicemail", "delete", "1001", "x", "y"},
	} {
		if _, errs, code := cli(t, append(args, "--data", dir)...); code == 0 || errs == "" {
			t.Errorf("%q: accepted", args)
		}
	}
}
