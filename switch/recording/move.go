package recording

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Move renames the file src to dst (replacing dst) and syncs both
// directories, so that after a crash the file is in one place or the
// other, not lost. Across file systems it copies, syncs and removes.
func Move(src, dst string) error {
	err := os.Rename(src, dst)
	if errors.Is(err, syscall.EXDEV) {
		err = copyFile(src, dst)
		if err == nil {
			err = syncDir(filepath.Dir(dst))
		}
		if err == nil {
			err = os.Remove(src)
		}
	}
	if err == nil {
		err = syncDir(filepath.Dir(dst))
	}
	if err == nil && filepath.Dir(src) != filepath.Dir(dst) {
		err = syncDir(filepath.Dir(src))
	}
	if err != nil {
		return fmt.Errorf("move %s: %w", filepath.Base(src), TrimPaths(err))
	}
	return nil
}

// copyFile copies src to dst through a temporary file renamed into place.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) { // some file systems cannot sync a directory
		return err
	}
	return nil
}

// TrimPaths rewrites file system errors in err to name files by their base
// name only: scripts and API clients see why, never the data dir's layout.
// Other errors pass unchanged; the result still wraps the cause
// (errors.Is(err, fs.ErrNotExist) holds as before).
func TrimPaths(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("%s %s: %w", pe.Op, filepath.Base(pe.Path), pe.Err)
	case errors.As(err, &le):
		return fmt.Errorf("%s %s %s: %w", le.Op, filepath.Base(le.Old), filepath.Base(le.New), le.Err)
	}
	return err
}
