package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

// pluginsPath is the plugins directory serve uses ("" = the built-in set).
func (f serveFlags) pluginsPath() string {
	switch f.plugins {
	case "embedded":
		return ""
	case "":
		return filepath.Join(f.data, "plugins")
	}
	return f.plugins
}

// dataDirs are the directories of data files under a data dir, by their
// name in a backup (see web.DataDirNames).
func dataDirs(data, scripts, plugins string, keys bool) []web.DataDir {
	ds := []web.DataDir{{Name: "scripts", Path: scripts}, {Name: "plugins", Path: plugins}}
	for _, n := range []string{"voicemail", "recordings", "prompts", "moh"} {
		ds = append(ds, web.DataDir{Name: n, Path: filepath.Join(data, n)})
	}
	if keys {
		ds = append(ds, web.DataDir{Name: "tls", Path: filepath.Join(data, "tls")})
	}
	return ds
}

// The running switch's backups (web.Backups).

func (l live) BackupDirs(keys bool) []web.DataDir {
	return dataDirs(l.data, l.s.Hooks.Dir(), l.plugins, keys)
}
func (l live) TempDir() string                    { return l.data }
func (l live) BackupStore(w io.Writer) error      { return l.s.Store.Backup(w) }
func (l live) RestoreStore(r io.ReadSeeker) error { return l.s.Store.Restore(r, adminMeta) }
func (l live) Version() string                    { return version }

// Restored refreshes what the switch keeps in memory: the store emptied
// its own caches; here the prompt and music cache, the trunks, the
// queues and the scripts. Registrations are kept (phones registered now
// stay reachable); the admin credential is the running switch's.
func (l live) Restored() ([]string, error) {
	l.s.Audio.Forget()
	var errs []error
	if err := l.s.SyncTrunks(); err != nil {
		errs = append(errs, fmt.Errorf("trunks: %w", err))
	}
	if err := l.s.SyncQueues(); err != nil {
		errs = append(errs, fmt.Errorf("queues: %w", err))
	}
	if _, err := l.s.Hooks.Reload(); err != nil {
		errs = append(errs, fmt.Errorf("scripts: %w", err))
	}
	notes := []string{
		"the admin credential and the registrations are the running switch's, kept",
		"a restored TLS certificate and key (DATA/tls) take effect at the next start",
	}
	return notes, errors.Join(errs...)
}

// offline is a data dir no switch holds: backup and restore work on its
// store directly.
type offline struct {
	st   *store.Store
	data string
}

func (o offline) BackupDirs(keys bool) []web.DataDir {
	return dataDirs(o.data, filepath.Join(o.data, "scripts"), filepath.Join(o.data, "plugins"), keys)
}
func (o offline) TempDir() string                    { return o.data }
func (o offline) BackupStore(w io.Writer) error      { return o.st.Backup(w) }
func (o offline) RestoreStore(r io.ReadSeeker) error { return o.st.Restore(r, adminMeta) }
func (o offline) Restored() ([]string, error)        { return nil, nil }
func (o offline) Version() string                    { return version }

// backupCmd: `backup [--out FILE] [--include-keys]` writes a .tar.gz of
// the store and the data files, through the running switch or from the
// data dir.
func backupCmd(args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "list" {
		return backupListCmd(args[1:], stdout) // backuplist.go
	}
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	data := dataFlag(fs)
	out := fs.String("out", "", "archive to write (default hookswitch-backup-TIME.tar.gz; - for stdout)")
	keys := fs.Bool("include-keys", false, "include the TLS key directory (DATA/tls)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) != 0 {
		return errors.New("backup: takes no arguments (--out FILE)")
	}
	name := *out
	if name == "" {
		name = "hookswitch-backup-" + time.Now().UTC().Format("20060102T150405Z") + ".tar.gz"
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	write := func(w io.Writer) error {
		if b.st != nil {
			_, err := web.WriteBackup(w, offline{b.st, *data}, *keys)
			return err
		}
		q := ""
		if *keys {
			q = "?include_keys=1"
		}
		res, err := b.stream("GET", "/api/v1/backup"+q, nil)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if _, err := io.Copy(w, res.Body); err != nil {
			return fmt.Errorf("download: %w", err)
		}
		return nil
	}
	if name == "-" {
		if err := write(stdout); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		return nil
	}
	// Through a temporary file: a failed backup leaves no archive that
	// looks whole.
	tmp, err := os.CreateTemp(filepath.Dir(name), ".backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", name)
	return nil
}

// restoreCmd: `restore FILE [--force]` checks the archive whole, then
// replaces the store and the data files, through the running switch
// (which refreshes itself) or in the data dir.
func restoreCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	data := dataFlag(fs)
	force := fs.Bool("force", false, "restore even while calls are up (recordings in progress are lost)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("restore: want one FILE")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	var res web.RestoreResult
	if b.st != nil {
		if res, err = web.RestoreBackup(f, offline{b.st, *data}); err != nil {
			return err
		}
	} else {
		q := ""
		if *force {
			q = "?force=1"
		}
		r, err := b.stream("POST", "/api/v1/restore"+q, f)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		defer r.Body.Close()
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&res); err != nil {
			return fmt.Errorf("restore: the switch's answer: %w", err)
		}
	}
	fmt.Fprintf(stdout, "restored the backup of %s (hookswitch %s): the store and %s\n",
		res.Manifest.Created.Format(time.RFC3339), res.Manifest.Hookswitch, strings.Join(append([]string{}, res.Dirs...), ", "))
	for _, s := range res.Skipped {
		fmt.Fprintf(stdout, "skipped %s\n", s)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	if res.Warning != "" {
		fmt.Fprintf(stdout, "warning: %s\n", res.Warning)
	}
	return nil
}

// stream does a request over the control socket without the usual time
// limit (archives are large) and returns a 2xx answer's open body.
func (b *backend) stream(method, path string, body io.Reader) (*http.Response, error) {
	c := *b.http
	c.Timeout = 0
	req, err := http.NewRequest(method, "http://hookswitch"+path, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/gzip")
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("data dir is in use but the running switch does not answer on its control socket: %w", err)
	}
	if res.StatusCode >= 300 {
		defer res.Body.Close()
		var e struct{ Error string }
		json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&e)
		return nil, fmt.Errorf("switch: %s (HTTP %d)", e.Error, res.StatusCode)
	}
	return res, nil
}
