package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

// sockLive serves backups of a held data dir on its control socket, as the
// running switch does (the rest of web.Live is never called here).
type sockLive struct {
	web.Live
	offline
}

func (sockLive) ActiveCalls() int { return 0 }

// holdForBackups opens dir's store and serves the API on its control
// socket, so the CLI goes through the socket.
func holdForBackups(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", filepath.Join(dir, socketName))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: (&web.API{B: st, L: sockLive{offline: offline{st, dir}}}).Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); st.Close() })
	return st
}

func TestBackupRestoreCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			src, ids, wavs := mediaDir(t, 2)
			if err := os.MkdirAll(filepath.Join(src, "tls"), 0o700); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(src, "tls", "key.pem"), []byte("KEY"), 0o600)
			dst := t.TempDir()
			if _, errs, code := cli(t, "ext", "add", "9999", "--password", "Secret1234x", "--data", dst); code != 0 {
				t.Fatal(errs)
			}
			if mode == "control socket" {
				holdForBackups(t, src)
				holdForBackups(t, dst)
			}
			archive := filepath.Join(t.TempDir(), "b.tar.gz")
			if out, errs, code := cli(t, "backup", "--out", archive, "--data", src); code != 0 || !strings.Contains(out, archive) {
				t.Fatalf("backup: %q %q", out, errs)
			}
			out, errs, code := cli(t, "restore", archive, "--data", dst)
			if code != 0 || !strings.Contains(out, "recordings") {
				t.Fatalf("restore: %q %q", out, errs)
			}
			list, _, _ := cli(t, "ext", "list", "--data", dst)
			if !strings.Contains(list, "1001") || strings.Contains(list, "9999") {
				t.Fatalf("extensions after restore: %q", list)
			}
			for i, id := range ids {
				b, err := os.ReadFile(filepath.Join(dst, recording.DirName, id+".wav"))
				if err != nil || !bytes.Equal(b, wavs[i]) {
					t.Fatalf("recording %s after restore: %v", id, err)
				}
			}
			if _, err := os.Stat(filepath.Join(dst, "tls", "key.pem")); err == nil {
				t.Fatal("the TLS key was restored from a backup without keys")
			}
			// A damaged archive is refused.
			b, _ := os.ReadFile(archive)
			b[len(b)/2] ^= 1
			os.WriteFile(archive, b, 0o600)
			if _, errs, code := cli(t, "restore", archive, "--data", dst); code == 0 || !strings.Contains(errs, "bad backup archive") {
				t.Fatalf("damaged archive: %q", errs)
			}
		})
	}
}

func TestBackupCLIUsage(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := cli(t, "restore", "--data", dir); code == 0 || !strings.Contains(errs, "want one FILE") {
		t.Errorf("restore without a file: %q", errs)
	}
	if _, errs, code := cli(t, "restore", filepath.Join(dir, "nosuch.tar.gz"), "--data", dir); code == 0 || !strings.Contains(errs, "no such file") {
		t.Errorf("restore of a missing file: %q", errs)
	}
	if _, errs, code := cli(t, "backup", "extra", "--data", dir); code == 0 || !strings.Contains(errs, "no arguments") {
		t.Errorf("backup with an argument: %q", errs)
	}
}
