package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/web"
)

// serve with --backup-every writes backups into --backup-dir (the test
// waits for the files, not on time), lists them over the admin API, and
// the log view holds serve's own records.
func TestServeScheduledBackupsAndLogs(t *testing.T) {
	dir, bdir := t.TempDir(), filepath.Join(t.TempDir(), "bk")
	logs := &syncBuf{}
	done := make(chan error, 1)
	go func() {
		done <- serve([]string{"--data", dir, "--sip-udp", "127.0.0.1:0", "--sip-tcp", "", "--sip-tls", "",
			"--advertise", "127.0.0.1", "--rtp-ports", "0-0", "--rtp-ip", "127.0.0.1", "--http", "127.0.0.1:0",
			"--backup-every", "50ms", "--backup-dir", bdir, "--backup-keep", "2", "--drain-timeout", "1s"}, logs)
	}()
	defer func() {
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop after SIGTERM")
		}
	}()
	// Wait for three backups to have been written (the third prunes the
	// first: two kept).
	for written := map[string]bool{}; len(written) < 3; {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, logs.String())
		default:
		}
		ents, _ := os.ReadDir(bdir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "hookswitch-backup-") {
				written[e.Name()] = true
			}
		}
		time.Sleep(10 * time.Millisecond) // polling, not a timed assertion
	}
	get := func(path string, out any) int {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+adminAddr(t, logs.String())+path, nil)
		req.SetBasicAuth("admin", adminPassword(t, logs.String()))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if out != nil {
			json.NewDecoder(res.Body).Decode(out)
		}
		return res.StatusCode
	}
	var page web.BackupSchedulePage
	if code := get("/api/v1/backups", &page); code != 200 || !page.Enabled || page.Keep != 2 || page.Dir != bdir || len(page.Backups) < 1 || len(page.Backups) > 3 {
		t.Fatalf("backups: %d %+v", code, page)
	}
	if code := get("/api/v1/backups/"+page.Backups[len(page.Backups)-1].Name, nil); code != 200 && code != 404 { // 404: pruned meanwhile
		t.Errorf("download: %d", code)
	}
	var lp web.LogPage
	if code := get("/api/v1/logs?q=scheduled+backup+written&limit=5", &lp); code != 200 || len(lp.Records) == 0 || lp.Records[0].Level != "INFO" {
		t.Fatalf("log view: %d %+v", code, lp)
	}
}
