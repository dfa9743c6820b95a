// Package filehist keeps earlier versions of the files of one directory,
// as the script editor and the plugin uploads do: DIR/.history/NAME/VERSION,
// the newest few per file. The dot keeps the history out of the Lua
// loader, the plugin loader and the file watchers. A version is named by
// the time it was saved, at fixed width, so that names sort as times do.
package filehist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DirName is the history's directory inside the files' directory.
const DirName = ".history"

// layout names a version by its save time.
const layout = "20060102T150405.000000000Z"

// Version is an earlier version of a file.
type Version struct {
	Version string    `json:"version"`
	Size    int64     `json:"size"`
	Saved   time.Time `json:"saved"`
}

// History is the history of the files in Dir, Keep versions per file
// (older ones are dropped on save). It holds no state: two Histories of
// one directory are the same history. Callers serialise a save with the
// rollback that may read it.
type History struct {
	Dir  string
	Keep int
}

// ValidVersion says whether v is a version's name (and so safe in a path).
func ValidVersion(v string) bool {
	_, err := time.Parse(layout, v)
	return err == nil && len(v) == len(layout)
}

// checkName refuses a name that is not one plain file name of the
// directory: the history must not reach outside it.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("history: file name %q: want a plain file name", name)
	}
	return nil
}

// Save files b as name's newest earlier version, synced, and drops the
// versions beyond Keep; it answers the version's name.
func (h History) Save(name string, b []byte) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	hdir := filepath.Join(h.Dir, DirName, name)
	if err := os.MkdirAll(hdir, 0o755); err != nil {
		return "", fmt.Errorf("history of %s: %w", name, err)
	}
	t := time.Now().UTC()
	v := t.Format(layout)
	for {
		if _, err := os.Lstat(filepath.Join(hdir, v)); errors.Is(err, fs.ErrNotExist) {
			break
		}
		t = t.Add(time.Nanosecond) // two saves within a clock tick
		v = t.Format(layout)
	}
	if err := WriteAtomic(filepath.Join(hdir, v), b, 0o644); err != nil {
		return "", fmt.Errorf("history of %s: %w", name, err)
	}
	if vs, err := h.List(name); err == nil { // else pruning waits for the next save
		for _, old := range vs[min(len(vs), max(h.Keep, 1)):] {
			os.Remove(filepath.Join(hdir, old.Version))
		}
	}
	return v, nil
}

// List lists name's earlier versions, newest first; none is an empty
// list, not nil. Entries that are not versions are skipped.
func (h History) List(name string) ([]Version, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(filepath.Join(h.Dir, DirName, name))
	if errors.Is(err, fs.ErrNotExist) {
		return []Version{}, nil
	} else if err != nil {
		return nil, fmt.Errorf("history of %s: %w", name, err)
	}
	vs := []Version{}
	for _, e := range ents {
		t, err := time.Parse(layout, e.Name())
		if err != nil || !e.Type().IsRegular() {
			continue // not ours (a temporary file, say)
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		vs = append(vs, Version{Version: e.Name(), Size: info.Size(), Saved: t})
	}
	slices.SortFunc(vs, func(a, b Version) int { return strings.Compare(b.Version, a.Version) })
	return vs, nil
}

// Path is where version v of name is kept. Callers check name and v
// (ValidVersion) when a client gave them.
func (h History) Path(name, v string) string { return filepath.Join(h.Dir, DirName, name, v) }

// WriteAtomic replaces path through a synced temporary file and a rename,
// so neither a reader nor a crash sees half a file. The temporary name
// starts with a dot (the loaders and watchers skip it) and is no
// version's (List skips it).
func WriteAtomic(path string, b []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".edit-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
