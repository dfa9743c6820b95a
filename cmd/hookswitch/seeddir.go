package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// seededDir picks a directory of built-in files (scripts, plugins): the
// flag's value, or DATA/sub, which the first run fills from the embedded
// set so an admin can edit it. "embedded" runs the built-in set read-only
// (returned as "").
func seededDir(flagName, flagDir, data, sub string, builtin fs.FS, log *slog.Logger, wrote string) (string, error) {
	switch flagDir {
	case "embedded":
		return "", nil
	case "":
		dir := filepath.Join(data, sub)
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			if err := copyFS(dir, builtin); err != nil {
				return "", fmt.Errorf("%s: %w", sub, err)
			}
			log.Info(wrote, "dir", dir)
		}
		return dir, nil
	}
	if st, err := os.Stat(flagDir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("--%s %q: not a directory", flagName, flagDir)
	}
	return flagDir, nil
}

// copyFS writes every file of fsys under dir.
func copyFS(dir string, fsys fs.FS) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
}
