package main

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/hookswitch/hookswitch/web"
)

// backupSchedule starts the scheduled backups of --backup-every (nil and
// a no-op stop when off); stop waits for a backup being written.
func (f serveFlags) backupSchedule(l live, log *slog.Logger) (*web.BackupSchedule, func()) {
	if f.backupEvery <= 0 {
		return nil, func() {}
	}
	dir := f.backupDir
	if dir == "" {
		dir = filepath.Join(f.data, "backups")
	}
	s := &web.BackupSchedule{B: l, Dir: dir, Every: f.backupEvery, Keep: f.backupKeep, Log: log}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	log.Info("scheduled backups", "every", f.backupEvery, "dir", dir, "keep", f.backupKeep)
	return s, func() {
		cancel()
		<-done
	}
}
