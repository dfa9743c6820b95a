package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
)

const (
	// DefaultBackupKeep is how many scheduled backups are kept by default.
	DefaultBackupKeep = 7
	// scheduledPrefix and scheduledLayout name a scheduled backup by its
	// time: fixed width, so that names sort as times do.
	scheduledPrefix = "hookswitch-backup-"
	scheduledLayout = "20060102T150405.000Z"
	scheduledSuffix = ".tar.gz"
)

// scheduledName is a scheduled backup's file name, as the download route
// takes it (nothing else in the directory is served).
var scheduledName = regexp.MustCompile(`^hookswitch-backup-[0-9]{8}T[0-9]{6}\.[0-9]{3}Z\.tar\.gz$`)

// BackupSchedule writes a backup (without TLS keys) into Dir every Every,
// atomically (a temporary file renamed), and keeps the newest Keep.
type BackupSchedule struct {
	B     Backups
	Dir   string
	Every time.Duration
	Keep  int
	Log   *slog.Logger

	run     sync.Mutex // one backup at a time
	mu      sync.Mutex // guards the status: a listing never waits for a backup
	lastRun time.Time
	lastErr string
	next    time.Time
}

// BackupFile is a scheduled backup on disk.
type BackupFile struct {
	Name string    `json:"name"`
	Size int64     `json:"size"`
	Time time.Time `json:"time"`
}

// BackupSchedulePage is the answer of GET /api/v1/backups.
type BackupSchedulePage struct {
	Enabled      bool         `json:"enabled"`
	Dir          string       `json:"dir,omitempty"`
	EverySeconds int64        `json:"every_seconds"`
	Keep         int          `json:"keep"`
	LastRun      time.Time    `json:"last_run,omitzero"`
	LastError    string       `json:"last_error,omitempty"`
	NextRun      time.Time    `json:"next_run,omitzero"`
	Backups      []BackupFile `json:"backups"`
}

// Run writes backups until ctx ends. The first is due one interval after
// the newest one in Dir (at once when that is past), so that restarts
// neither skip nor double backups.
func (s *BackupSchedule) Run(ctx context.Context) {
	if s.Every <= 0 {
		return
	}
	next := time.Now()
	if list, err := s.List(); err == nil && len(list) > 0 {
		next = list[0].Time.Add(s.Every)
	}
	for {
		s.mu.Lock()
		s.next = next
		s.mu.Unlock()
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		s.RunOnce()
		next = time.Now().Add(s.Every)
	}
}

// RunOnce writes one backup and prunes the old ones; a failure is logged
// and kept for the status.
func (s *BackupSchedule) RunOnce() (string, error) {
	s.run.Lock()
	defer s.run.Unlock()
	name, err := s.write()
	if err == nil {
		err = s.prune()
	}
	s.mu.Lock()
	s.lastRun, s.lastErr = time.Now().UTC(), ""
	if err != nil {
		s.lastErr = err.Error()
	}
	s.mu.Unlock()
	if err != nil {
		if s.Log != nil {
			s.Log.Error("scheduled backup failed", "dir", s.Dir, "err", err)
		}
		return name, err
	}
	if s.Log != nil {
		s.Log.Info("scheduled backup written", "file", filepath.Join(s.Dir, name))
	}
	return name, nil
}

// write writes the archive to a temporary file, syncs it and renames it
// into place: a backup in Dir is always whole.
func (s *BackupSchedule) write() (string, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return "", fmt.Errorf("backup dir: %w", err)
	}
	name := scheduledPrefix + time.Now().UTC().Format(scheduledLayout) + scheduledSuffix
	f, err := os.CreateTemp(s.Dir, ".backup-*")
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if _, err := WriteBackup(f, s.B, false); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("backup %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("backup %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(s.Dir, name)); err != nil {
		return "", fmt.Errorf("backup %s: %w", name, err)
	}
	return name, nil
}

// prune removes the scheduled backups beyond the newest Keep.
func (s *BackupSchedule) prune() error {
	keep := s.Keep
	if keep < 1 {
		keep = 1
	}
	list, err := s.List()
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range list[min(keep, len(list)):] {
		if err := os.Remove(filepath.Join(s.Dir, f.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("prune: %w", err))
		}
	}
	return errors.Join(errs...)
}

// List answers the scheduled backups in Dir, newest first.
func (s *BackupSchedule) List() ([]BackupFile, error) {
	ents, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []BackupFile{}, nil
	} else if err != nil {
		return nil, fmt.Errorf("backup dir: %w", err)
	}
	out := []BackupFile{}
	for _, e := range ents {
		if !scheduledName.MatchString(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		t, err := time.Parse(scheduledLayout, e.Name()[len(scheduledPrefix):len(e.Name())-len(scheduledSuffix)])
		if err != nil {
			continue
		}
		out = append(out, BackupFile{Name: e.Name(), Size: info.Size(), Time: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name > out[j].Name })
	return out, nil
}

// page is the schedule's status; a directory that cannot be read is shown
// as the error (the admin must see it), with no backups.
func (s *BackupSchedule) page() BackupSchedulePage {
	list, err := s.List()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := BackupSchedulePage{Enabled: s.Every > 0, Dir: s.Dir, EverySeconds: int64(s.Every / time.Second), Keep: s.Keep,
		LastRun: s.lastRun, LastError: s.lastErr, NextRun: s.next, Backups: list}
	if err != nil {
		p.Backups = []BackupFile{}
		p.LastError = strings.TrimPrefix(p.LastError+"; "+err.Error(), "; ")
	}
	return p
}

func (a *API) scheduledBackupRoutes(r chi.Router) {
	r.Get("/api/v1/backups", a.listBackups)
	r.Get("/api/v1/backups/{name}", a.getBackup)
}

// listBackups answers the schedule, its last outcome and the backups kept.
func (a *API) listBackups(w http.ResponseWriter, r *http.Request) {
	if a.Schedule == nil {
		writeJSON(w, 200, BackupSchedulePage{Backups: []BackupFile{}})
		return
	}
	writeJSON(w, 200, a.Schedule.page())
}

// getBackup downloads one scheduled backup.
func (a *API) getBackup(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "name")
	if !scheduledName.MatchString(name) {
		writeErr(w, 400, fmt.Errorf("name %q: want a scheduled backup's file name (%sTIME%s)", name, scheduledPrefix, scheduledSuffix))
		return
	}
	if a.Schedule == nil {
		writeErr(w, 404, fmt.Errorf("backup %s: not found (no scheduled backups)", name))
		return
	}
	f, err := os.Open(filepath.Join(a.Schedule.Dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		writeErr(w, 404, fmt.Errorf("backup %s: not found", name))
		return
	} else if err != nil {
		writeErr(w, 500, fmt.Errorf("backup %s: %w", name, err))
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		writeErr(w, 500, fmt.Errorf("backup %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	http.ServeContent(w, r, name, info.ModTime(), f)
}
