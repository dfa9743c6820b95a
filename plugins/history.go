package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"time"

	"github.com/hookswitch/hookswitch/switch/filehist"
)

// The plugin history: earlier versions of each plugin file, kept as the
// script editor keeps scripts' (package filehist: DIR/.history/NAME/VERSION).
const (
	HistoryDir = filehist.DirName
	// MaxVersions are kept per plugin; older ones are dropped.
	MaxVersions = 5
)

// Version is an earlier version of a plugin: a script's, with the hash
// that tells an upload's binaries apart.
type Version struct {
	Version string    `json:"version"`
	Size    int64     `json:"size"`
	Saved   time.Time `json:"saved"`
	SHA256  string    `json:"sha256"`
}

func history(dir string) filehist.History { return filehist.History{Dir: dir, Keep: MaxVersions} }

// SaveVersion keeps bin as name's newest earlier version and drops the
// versions beyond MaxVersions; it answers the version's name.
func SaveVersion(dir, name string, bin []byte) (string, error) {
	return history(dir).Save(name, bin)
}

// Versions lists name's earlier versions, newest first.
func Versions(dir, name string) ([]Version, error) {
	fvs, err := history(dir).List(name)
	if err != nil {
		return nil, err
	}
	vs := make([]Version, 0, len(fvs))
	for _, v := range fvs {
		b, err := os.ReadFile(history(dir).Path(name, v.Version))
		if err != nil {
			continue // removed meanwhile
		}
		sum := sha256.Sum256(b)
		vs = append(vs, Version{Version: v.Version, Size: int64(len(b)), Saved: v.Saved, SHA256: hex.EncodeToString(sum[:])})
	}
	return vs, nil
}

// VersionPath is where version v of name is kept.
func VersionPath(dir, name, v string) string { return history(dir).Path(name, v) }
