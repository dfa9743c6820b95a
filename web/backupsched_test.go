package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestScheduledBackups runs the schedule with a short interval and waits
// for the backups to appear (not on time), then lists and downloads them.
func TestScheduledBackups(t *testing.T) {
	_, l := newBackupAPI(t, map[string]string{"scripts/dialplan.lua": "return {}"}, "1001")
	dir := filepath.Join(t.TempDir(), "backups")
	// A stale temporary file and a foreign file: neither listed nor pruned.
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600)
	s := &BackupSchedule{B: l, Dir: dir, Every: 20 * time.Millisecond, Keep: 2}
	srv := httptest.NewServer((&API{B: l.st, L: l, Schedule: s}).Handler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	// Wait for the first backup to appear, then for it to be pruned: at
	// least three written, two kept.
	var page BackupSchedulePage
	first := ""
	for {
		if code, _, body := liveGet(t, srv.URL+"/api/v1/backups", &page); code != 200 {
			t.Fatalf("list: %d %s", code, body)
		}
		names := map[string]bool{}
		for _, b := range page.Backups {
			names[b.Name] = true
		}
		if first == "" && len(page.Backups) > 0 {
			first = page.Backups[len(page.Backups)-1].Name
		}
		if first != "" && !names[first] && len(names) >= 2 {
			break
		}
		time.Sleep(5 * time.Millisecond) // polling, not a timed assertion
	}
	cancel()
	<-done
	if code, _, body := liveGet(t, srv.URL+"/api/v1/backups", &page); code != 200 {
		t.Fatalf("list: %d %s", code, body)
	}
	if !page.Enabled || page.Keep != 2 || page.LastError != "" || page.LastRun.IsZero() || len(page.Backups) != 2 {
		t.Fatalf("page %+v", page)
	}
	if !page.Backups[0].Time.After(page.Backups[1].Time) || page.Backups[0].Size == 0 {
		t.Errorf("not newest first, or empty: %+v", page.Backups)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("a foreign file was pruned: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if isTempName(e.Name()) {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	// Download one, and restore it: a whole archive.
	res, err := http.Get(srv.URL + "/api/v1/backups/" + page.Backups[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	arch, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/gzip" || int64(len(arch)) != page.Backups[0].Size {
		t.Fatalf("download: %d %s, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(arch))
	}
	names := map[string]bool{}
	for _, e := range readArchive(t, arch) {
		names[e.hdr.Name] = true
	}
	if !names[ManifestName] || !names[StoreName] || !names["files/scripts/dialplan.lua"] {
		t.Errorf("archive entries %v", names)
	}
	for path, want := range map[string]int{
		"/api/v1/backups/notes.txt":                                     400,
		"/api/v1/backups/..%2Fetc":                                      400,
		"/api/v1/backups/hookswitch-backup-20000101T000000.000Z.tar.gz": 404,
	} {
		if code, _, body := liveGet(t, srv.URL+path, nil); code != want {
			t.Errorf("%s: %d %s, want %d", path, code, body, want)
		}
	}
}

// TestScheduledBackupFailure: a failure is logged, shown, and the next
// run works again.
func TestScheduledBackupFailure(t *testing.T) {
	_, l := newBackupAPI(t, nil)
	base := t.TempDir()
	blocker := filepath.Join(base, "file")
	os.WriteFile(blocker, []byte("x"), 0o600)
	s := &BackupSchedule{B: l, Dir: filepath.Join(blocker, "backups"), Every: time.Hour, Keep: 1}
	srv := httptest.NewServer((&API{B: l.st, L: l, Schedule: s}).Handler())
	defer srv.Close()
	if _, err := s.RunOnce(); err == nil {
		t.Fatal("a backup under a file succeeded")
	}
	var page BackupSchedulePage
	liveGet(t, srv.URL+"/api/v1/backups", &page)
	if page.LastError == "" || len(page.Backups) != 0 {
		t.Fatalf("failure not shown: %+v", page)
	}
	s.Dir = filepath.Join(base, "ok")
	for range 3 {
		if _, err := s.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	page = BackupSchedulePage{} // absent fields must not keep the last answer's
	liveGet(t, srv.URL+"/api/v1/backups", &page)
	if page.LastError != "" || len(page.Backups) != 1 {
		t.Fatalf("after recovery: %+v", page)
	}
	// Without a schedule: an empty list, not null.
	bare := httptest.NewServer((&API{B: l.st, L: l}).Handler())
	defer bare.Close()
	_, _, body := liveGet(t, bare.URL+"/api/v1/backups", nil)
	if body != `{"enabled":false,"every_seconds":0,"keep":0,"backups":[]}`+"\n" {
		t.Errorf("no schedule: %s", body)
	}
}
