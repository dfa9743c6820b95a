package web

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Backups is what a backup reads and a restore replaces. The running
// switch's Live implements it (a Live without it answers 501 on the backup
// routes); the CLI implements it over a data dir when no switch runs.
type Backups interface {
	// BackupDirs are the data directories a backup holds, by their name
	// in the archive (scripts, plugins, voicemail, recordings, prompts,
	// moh; tls, the key, only when keys). A Path of "" is not on disk
	// (the built-in scripts): left out of backups, skipped by restores.
	BackupDirs(keys bool) []DataDir
	// TempDir is where a backup spools the store and a restore unpacks
	// the archive before checking it: on the data dirs' file system.
	TempDir() string
	BackupStore(w io.Writer) error
	// RestoreStore replaces the store's content (store.Store.Restore).
	RestoreStore(r io.ReadSeeker) error
	// Restored refreshes what the running switch keeps in memory of the
	// data (caches, trunks, queues, scripts). It returns notes on what
	// only takes effect after a restart, and the error of a step that
	// failed (the data is restored all the same).
	Restored() (notes []string, err error)
	// Version is the hookswitch version, written into the manifest.
	Version() string
}

// DataDir is a directory of data files and its name in a backup.
type DataDir struct {
	Name string
	Path string
}

// DataDirNames are the directories a backup may hold, in archive order.
var DataDirNames = []string{"scripts", "plugins", "voicemail", "recordings", "prompts", "moh", "tls"}

const (
	// BackupFormat is the archive layout version in the manifest.
	BackupFormat = 1
	// ManifestName and StoreName are the archive's fixed entries; data
	// files are "files/DIR/PATH".
	ManifestName = "manifest.json"
	StoreName    = "store.badger"
	filesPrefix  = "files/"

	// maxRestoreBytes bounds what a restore unpacks to (a gzip bomb
	// stops there).
	maxRestoreBytes = 16 << 30
	maxRestoreFiles = 200_000
	maxManifestSize = 64 << 20
	maxEntryName    = 1024
)

// maxRestoreUpload bounds a restore's body (compressed); a variable so
// that a test can lower it.
var maxRestoreUpload int64 = 4 << 30

// ErrBadArchive: a restore's archive is malformed, tampered with or holds
// entries a restore refuses; nothing was changed.
var ErrBadArchive = errors.New("bad backup archive")

// Manifest describes a backup: it is the archive's last entry, and holds
// the size and SHA-256 of every other one.
type Manifest struct {
	Format      int             `json:"format"`
	Hookswitch  string          `json:"hookswitch"`
	Created     time.Time       `json:"created"`
	StoreSchema int             `json:"store_schema"`
	Keys        bool            `json:"keys"` // the TLS key directory is in
	Dirs        []string        `json:"dirs"`
	Files       []ManifestEntry `json:"files"`
}

// ManifestEntry is one archive entry.
type ManifestEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Manifest Manifest `json:"manifest"`
	Dirs     []string `json:"dirs"`              // data directories replaced
	Skipped  []string `json:"skipped,omitempty"` // in the backup, not restorable here (and why)
	Notes    []string `json:"notes,omitempty"`   // what needs a restart
	Warning  string   `json:"warning,omitempty"` // a refresh step that failed
}

func (a *API) backupRoutes(r chi.Router) {
	r.Get("/api/v1/backup", a.backup)
	r.Post("/api/v1/restore", a.restore)
}

func (a *API) backups(w http.ResponseWriter) (Backups, bool) {
	b, ok := a.L.(Backups)
	if !ok {
		writeErr(w, http.StatusNotImplemented, errors.New("this switch does not support backups"))
	}
	return b, ok
}

// backup streams the archive. An error after the first byte aborts the
// connection: the client sees a broken download, never a short archive
// that looks whole (and a restore would refuse one: its manifest is last).
func (a *API) backup(w http.ResponseWriter, r *http.Request) {
	b, ok := a.backups(w)
	if !ok {
		return
	}
	keys, err := boolParam(r, "include_keys")
	if err != nil {
		writeErr(w, 400, err)
		return
	}
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="hookswitch-backup-%s.tar.gz"`, time.Now().UTC().Format("20060102T150405Z")))
	// No lock against script saves: they replace files by rename, so a
	// backup has a file's old or new version, and a slow download holds
	// nothing up.
	if _, err := WriteBackup(w, b, keys); err != nil {
		panic(http.ErrAbortHandler)
	}
}

// restore takes an archive as the body: 200 with what was restored; 422
// when the archive is refused (nothing changed); 409 while calls are up,
// unless ?force=1 (recordings being made would be lost).
func (a *API) restore(w http.ResponseWriter, r *http.Request) {
	b, ok := a.backups(w)
	if !ok {
		return
	}
	force, err := boolParam(r, "force")
	if err != nil {
		writeErr(w, 400, err)
		return
	}
	if n := a.L.ActiveCalls(); n > 0 && !force {
		writeErr(w, http.StatusConflict, fmt.Errorf("%d calls are up: a restore replaces the recordings they write; wait, or restore with ?force=1", n))
		return
	}
	body := http.MaxBytesReader(w, r.Body, maxRestoreUpload)
	res, err := RestoreBackup(body, b)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeErr(w, http.StatusRequestEntityTooLarge, fmt.Errorf("body: a backup is at most %d bytes", maxRestoreUpload))
	case errors.Is(err, ErrBadArchive), errors.Is(err, store.ErrBadBackup):
		writeErr(w, http.StatusUnprocessableEntity, err)
	case err != nil:
		writeErr(w, 500, err)
	default:
		writeJSON(w, 200, res)
	}
}

func boolParam(r *http.Request, name string) (bool, error) {
	switch v := r.URL.Query().Get(name); v {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	default:
		return false, fmt.Errorf("%s=%q: want 1 or 0", name, v)
	}
}

// WriteBackup writes a .tar.gz of the store and the data directories to
// w: the store, then the files, then the manifest.
func WriteBackup(w io.Writer, b Backups, keys bool) (Manifest, error) {
	m := Manifest{Format: BackupFormat, Hookswitch: b.Version(), Created: time.Now().UTC(),
		StoreSchema: store.SchemaVersion(), Keys: keys, Dirs: []string{}, Files: []ManifestEntry{}}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	if err := backupStore(tw, b, &m); err != nil {
		return m, err
	}
	for _, d := range b.BackupDirs(keys) {
		if d.Path == "" || (d.Name == "tls" && !keys) || !slices.Contains(DataDirNames, d.Name) {
			continue
		}
		m.Dirs = append(m.Dirs, d.Name) // listed even when absent: a restore empties it
		if st, err := os.Stat(d.Path); errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return m, fmt.Errorf("backup %s: %w", d.Name, err)
		} else if !st.IsDir() {
			return m, fmt.Errorf("backup %s: %s is not a directory", d.Name, d.Path)
		}
		if err := backupDir(tw, d, &m); err != nil {
			return m, err
		}
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("backup manifest: %w", err)
	}
	hdr := &tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(mb)), ModTime: m.Created, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return m, fmt.Errorf("backup manifest: %w", err)
	}
	if _, err := tw.Write(mb); err != nil {
		return m, fmt.Errorf("backup manifest: %w", err)
	}
	if err := tw.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := gz.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// backupStore spools the store's stream to a temporary file: a tar header
// needs the size first.
func backupStore(tw *tar.Writer, b Backups, m *Manifest) error {
	f, err := os.CreateTemp(b.TempDir(), ".backup-store-*")
	if err != nil {
		return fmt.Errorf("backup store: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := b.BackupStore(f); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("backup store: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup store: %w", err)
	}
	return addEntry(tw, StoreName, f, st.Size(), 0o600, m.Created, m)
}

// backupDir adds every regular file under d; symlinks, sockets and the
// temporary files of uploads in progress are left out.
func backupDir(tw *tar.Writer, d DataDir, m *Manifest) error {
	return filepath.WalkDir(d.Path, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("backup %s: %w", d.Name, err)
		}
		if !e.Type().IsRegular() || isTempName(e.Name()) {
			return nil
		}
		rel, err := filepath.Rel(d.Path, p)
		if err != nil {
			return fmt.Errorf("backup %s: %w", d.Name, err)
		}
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) { // deleted since the listing
			return nil
		} else if err != nil {
			return fmt.Errorf("backup %s: %w", d.Name, err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("backup %s: %w", d.Name, err)
		}
		// A file still growing (a recording) is taken as long as it was.
		return addEntry(tw, filesPrefix+d.Name+"/"+filepath.ToSlash(rel), f, st.Size(), st.Mode().Perm(), st.ModTime(), m)
	})
}

func addEntry(tw *tar.Writer, name string, r io.Reader, size int64, perm fs.FileMode, mod time.Time, m *Manifest) error {
	hdr := &tar.Header{Name: name, Mode: int64(perm), Size: size, ModTime: mod, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(tw, h), r, size); err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	m.Files = append(m.Files, ManifestEntry{Name: name, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// isTempName: the temporary files of writes in progress (script saves,
// plugin uploads, backups and restores).
func isTempName(n string) bool {
	for _, p := range []string{".edit-", ".upload-", ".backup-", ".restore-"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// RestoreBackup unpacks an archive into a staging directory, checks it
// whole (every entry against the manifest, the store stream), and only
// then replaces the store and the data directories and refreshes the
// switch. An archive refused is an ErrBadArchive (or store.ErrBadBackup)
// error, and nothing changed.
func RestoreBackup(r io.Reader, b Backups) (RestoreResult, error) {
	var res RestoreResult
	staging, err := os.MkdirTemp(b.TempDir(), ".restore-*")
	if err != nil {
		return res, fmt.Errorf("restore: staging dir: %w", err)
	}
	defer os.RemoveAll(staging)
	m, err := unpack(r, staging, b)
	if err != nil {
		return res, err
	}
	res.Manifest = m
	sf, err := os.Open(filepath.Join(staging, StoreName))
	if err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	defer sf.Close()
	if err := store.CheckBackup(sf); err != nil {
		return res, fmt.Errorf("restore: %s: %w", StoreName, err)
	}
	if _, err := sf.Seek(0, io.SeekStart); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}

	// Checked: from here on, the switch changes, one restore or script
	// save at a time.
	scriptEdits.Lock()
	defer scriptEdits.Unlock()
	if err := b.RestoreStore(sf); err != nil {
		return res, err
	}
	targets := map[string]string{}
	for _, d := range b.BackupDirs(true) {
		targets[d.Name] = d.Path
	}
	res.Dirs = []string{}
	for _, name := range m.Dirs {
		dst := targets[name]
		if dst == "" {
			res.Skipped = append(res.Skipped, name+": not on disk here (the switch runs the built-in set)")
			continue
		}
		if err := replaceDir(filepath.Join(staging, "files", name), dst); err != nil {
			return res, fmt.Errorf("restore %s (the store and %v are restored): %w", name, res.Dirs, err)
		}
		res.Dirs = append(res.Dirs, name)
	}
	notes, err := b.Restored()
	res.Notes = notes
	if err != nil {
		res.Warning = err.Error()
	}
	return res, nil
}

// unpack reads the archive into staging (store as StoreName, data files
// under files/) and checks it against its manifest.
func unpack(r io.Reader, staging string, b Backups) (Manifest, error) {
	var m Manifest
	bad := func(f string, a ...any) error {
		return fmt.Errorf("restore: %w: %s", ErrBadArchive, fmt.Sprintf(f, a...))
	}
	gz, err := gzip.NewReader(r)
	if err != nil {
		return m, bad("not a gzip file: %v", err)
	}
	defer gz.Close()
	known := map[string]bool{}
	for _, d := range b.BackupDirs(true) {
		known[d.Name] = true
	}
	tr := tar.NewReader(gz)
	got := map[string]ManifestEntry{}
	var manifest []byte
	var total int64
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return m, err
		}
		if err != nil {
			return m, bad("entry %d: %v", n, err)
		}
		if n >= maxRestoreFiles {
			return m, bad("more than %d entries", maxRestoreFiles)
		}
		name := hdr.Name
		if err := checkEntryName(name); err != nil {
			return m, bad("entry %q: %v", name, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return m, bad("entry %q: not a regular file (type %q): links and special files are refused", name, hdr.Typeflag)
		}
		if _, dup := got[name]; dup || (name == ManifestName && manifest != nil) {
			return m, bad("entry %q: twice", name)
		}
		if hdr.Size < 0 || total+hdr.Size > maxRestoreBytes {
			return m, bad("entry %q: the archive unpacks to more than %d bytes", name, int64(maxRestoreBytes))
		}
		total += hdr.Size
		if name == ManifestName {
			if hdr.Size > maxManifestSize {
				return m, bad("manifest: %d bytes (max %d)", hdr.Size, maxManifestSize)
			}
			if manifest, err = io.ReadAll(tr); err != nil {
				return m, readErr(err, bad, name)
			}
			continue
		}
		var dst string
		switch {
		case name == StoreName:
			dst = filepath.Join(staging, StoreName)
		case strings.HasPrefix(name, filesPrefix):
			dir, rel, _ := strings.Cut(strings.TrimPrefix(name, filesPrefix), "/")
			if !known[dir] || rel == "" {
				return m, bad("entry %q: not a data directory a backup holds", name)
			}
			dst = filepath.Join(staging, "files", dir, filepath.FromSlash(rel))
		default:
			return m, bad("entry %q: unexpected", name)
		}
		sum, err := extract(tr, dst, hdr)
		if err != nil {
			return m, readErr(err, bad, name)
		}
		got[name] = ManifestEntry{Name: name, Size: hdr.Size, SHA256: sum}
	}
	if manifest == nil {
		return m, bad("no %s", ManifestName)
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return m, bad("manifest: %v", err)
	}
	switch {
	case m.Format != BackupFormat:
		return m, bad("manifest: format %d, this hookswitch reads %d", m.Format, BackupFormat)
	case m.StoreSchema > store.SchemaVersion():
		return m, bad("manifest: store schema %d, newer than this hookswitch's (%d)", m.StoreSchema, store.SchemaVersion())
	case len(m.Files) != len(got):
		return m, bad("manifest lists %d files, the archive holds %d", len(m.Files), len(got))
	}
	dirs := map[string]bool{}
	for _, d := range m.Dirs {
		if !known[d] || dirs[d] {
			return m, bad("manifest: directory %q: unknown or twice", d)
		}
		dirs[d] = true
	}
	for _, e := range m.Files {
		g, ok := got[e.Name]
		if !ok {
			return m, bad("manifest: %q is not in the archive", e.Name)
		}
		if g.Size != e.Size || g.SHA256 != strings.ToLower(e.SHA256) {
			return m, bad("%q: size or SHA-256 differs from the manifest (tampered with or damaged)", e.Name)
		}
		delete(got, e.Name) // a name listed twice is then "not in the archive"
		if dir, _, ok := strings.Cut(strings.TrimPrefix(e.Name, filesPrefix), "/"); ok && strings.HasPrefix(e.Name, filesPrefix) && !dirs[dir] {
			return m, bad("%q: its directory is not in the manifest's list", e.Name)
		}
	}
	if _, err := os.Stat(filepath.Join(staging, StoreName)); err != nil {
		return m, bad("no %s", StoreName)
	}
	return m, nil
}

// readErr keeps an oversize body (413) apart from a damaged archive.
func readErr(err error, bad func(string, ...any) error, name string) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("restore: unpack %q: %w", name, err)
	}
	return bad("entry %q: %v", name, err)
}

// checkEntryName refuses what could land outside the staging directory
// or be read two ways: absolute paths, "..", empty or "." elements,
// backslashes, control characters.
func checkEntryName(name string) error {
	switch {
	case name == "" || len(name) > maxEntryName:
		return fmt.Errorf("name of %d bytes (1-%d)", len(name), maxEntryName)
	case strings.HasPrefix(name, "/"):
		return errors.New("an absolute path")
	case strings.Contains(name, "\\"):
		return errors.New("a backslash")
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return errors.New("a control character")
	case path.Clean(name) != name || !filepath.IsLocal(filepath.FromSlash(name)):
		return errors.New("not a clean relative path (.., . or //)")
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." || el == "." {
			return errors.New("a .. or . element")
		}
	}
	return nil
}

// extract writes one entry to dst (new parents 0700) and returns its
// SHA-256.
func extract(r io.Reader, dst string, hdr *tar.Header) (string, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", err
	}
	perm := fs.FileMode(hdr.Mode).Perm() &^ 0o022 // never group/world-writable
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o600)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != hdr.Size {
		err = fmt.Errorf("%d bytes, the header says %d", n, hdr.Size)
	}
	if err != nil {
		return "", err
	}
	if !hdr.ModTime.IsZero() { // listings show when a file was made, not restored
		os.Chtimes(dst, hdr.ModTime, hdr.ModTime)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// replaceDir gives dst the content of src: dst's entries move aside, src's
// move in, the old ones are removed. dst itself stays (the scripts and
// plugins watchers watch it), so the swap is per entry: an entry is old or
// new, never half-written. A failure moves the old entries back; if even
// that fails they are left in the .restore-old directory the error names.
func replaceDir(src, dst string) (err error) {
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	if err := os.MkdirAll(src, 0o700); err != nil { // a directory backed up empty
		return err
	}
	trash, err := os.MkdirTemp(filepath.Dir(dst), ".restore-old-*")
	if err != nil {
		return err
	}
	var aside, in []string // entries moved to the trash, and in from src
	defer func() {
		if err == nil {
			os.RemoveAll(trash)
			return
		}
		var undo []error
		for _, n := range in {
			undo = append(undo, os.RemoveAll(filepath.Join(dst, n)))
		}
		for _, n := range aside {
			undo = append(undo, os.Rename(filepath.Join(trash, n), filepath.Join(dst, n)))
		}
		if uerr := errors.Join(undo...); uerr != nil {
			err = fmt.Errorf("%w; putting the old files back failed too (they are in %s): %w", err, trash, uerr)
			return
		}
		os.RemoveAll(trash)
	}()
	old, err := os.ReadDir(dst)
	if err != nil {
		return err
	}
	for _, e := range old {
		if err := os.Rename(filepath.Join(dst, e.Name()), filepath.Join(trash, e.Name())); err != nil {
			return err
		}
		aside = append(aside, e.Name())
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		in = append(in, e.Name()) // a half-copied tree is removed too
		if err := moveTree(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// moveTree renames, or copies where a rename cannot cross file systems
// (a --scripts directory outside the data dir).
func moveTree(src, dst string) error {
	err := os.Rename(src, dst)
	if !errors.Is(err, syscall.EXDEV) {
		return err
	}
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return writeFileAtomic(to, b, info.Mode().Perm())
	})
}
