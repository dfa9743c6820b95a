package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The plugin history: earlier versions of each plugin file, kept under
// DIR/.history/NAME/VERSION as the script editor keeps scripts' (the dot
// keeps it out of the loader and the file watcher). A version is named by
// the time it was replaced: fixed width, so names sort as times do.
const (
	HistoryDir = ".history"
	// MaxVersions are kept per plugin; older ones are dropped.
	MaxVersions   = 5
	versionLayout = "20060102T150405.000000000Z"
)

// Version is an earlier version of a plugin.
type Version struct {
	Version string    `json:"version"`
	Size    int64     `json:"size"`
	Saved   time.Time `json:"saved"`
	SHA256  string    `json:"sha256"`
}

// SaveVersion keeps bin as name's newest earlier version and drops the
// versions beyond MaxVersions; it answers the version's name.
func SaveVersion(dir, name string, bin []byte) (string, error) {
	hdir := filepath.Join(dir, HistoryDir, name)
	if err := os.MkdirAll(hdir, 0o755); err != nil {
		return "", fmt.Errorf("plugin history: %w", err)
	}
	t := time.Now().UTC()
	v := t.Format(versionLayout)
	for {
		if _, err := os.Lstat(filepath.Join(hdir, v)); errors.Is(err, fs.ErrNotExist) {
			break
		}
		t = t.Add(time.Nanosecond) // two saves within a clock tick
		v = t.Format(versionLayout)
	}
	tmp, err := os.CreateTemp(hdir, ".upload-*")
	if err != nil {
		return "", fmt.Errorf("plugin history: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(bin); err != nil {
		tmp.Close()
		return "", fmt.Errorf("plugin history: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("plugin history: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(hdir, v)); err != nil {
		return "", fmt.Errorf("plugin history: %w", err)
	}
	if vs, err := Versions(dir, name); err == nil {
		for _, old := range vs[min(len(vs), MaxVersions):] {
			os.Remove(filepath.Join(hdir, old.Version))
		}
	}
	return v, nil
}

// Versions lists name's earlier versions, newest first.
func Versions(dir, name string) ([]Version, error) {
	ents, err := os.ReadDir(filepath.Join(dir, HistoryDir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return []Version{}, nil
	} else if err != nil {
		return nil, fmt.Errorf("history of %s: %w", name, err)
	}
	vs := []Version{}
	for _, e := range ents {
		t, err := time.Parse(versionLayout, e.Name())
		if err != nil || !e.Type().IsRegular() {
			continue // not ours
		}
		b, err := os.ReadFile(filepath.Join(dir, HistoryDir, name, e.Name()))
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		vs = append(vs, Version{Version: e.Name(), Size: int64(len(b)), Saved: t, SHA256: hex.EncodeToString(sum[:])})
	}
	slices.SortFunc(vs, func(a, b Version) int { return strings.Compare(b.Version, a.Version) })
	return vs, nil
}

// VersionPath is where version v of name is kept.
func VersionPath(dir, name, v string) string { return filepath.Join(dir, HistoryDir, name, v) }
