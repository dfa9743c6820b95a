package web

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/hookswitch/hookswitch/prompts"
)

// Prompt is a sound a call program can play by name (GET /api/v1/prompts):
// the shipped set (package prompts) merged with the files under the data
// dir's prompts directory, which override shipped ones of the same
// <lang>/<name>.wav and add new ones (switch/audio resolves them so).
type Prompt struct {
	Name      string   `json:"name"`      // as programs play it: "ivr/welcome"
	Languages []string `json:"languages"` // the language directories that have it, sorted
	// Source: "shipped" (only the shipped files), "override" (a shipped
	// name the admin's file replaces in some language) or "added" (only the
	// admin's files).
	Source   string  `json:"source"`
	Duration float64 `json:"duration"`        // seconds, of the version callers of the default language hear (else the first language's)
	Error    string  `json:"error,omitempty"` // an admin's file whose header the switch cannot read
}

const (
	// promptDefaultLang is the switch's prompt language (audio.New's default).
	promptDefaultLang = "en"
	// maxPromptFiles bounds one listing: a prompts directory is a few
	// hundred files; a runaway one must not make the answer unbounded.
	maxPromptFiles = 5000
	// maxPromptDepth is promptPath's: at most four name segments.
	maxPromptDepth = 4
)

// promptFile is one <lang>/<name>.wav found.
type promptFile struct {
	lang, name string
	admin      bool
	dur        float64
	err        error
}

func (a *API) listPrompts(w http.ResponseWriter, r *http.Request) {
	files := scanPrompts(prompts.FS, false)
	if a.PromptsDir != "" {
		files = append(files, scanPrompts(os.DirFS(a.PromptsDir), true)...)
	}
	writeJSON(w, http.StatusOK, mergePrompts(files))
}

// scanPrompts lists fsys's <lang>/.../<name>.wav files with their
// durations. moh/ (music on hold) is not a language.
func scanPrompts(fsys fs.FS, admin bool) []promptFile {
	langs, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil // no prompts directory yet: nothing of the admin's
	}
	var out []promptFile
	for _, l := range langs {
		if !l.IsDir() || l.Name() == "moh" || !promptLanguage(l.Name()) {
			continue
		}
		lang := l.Name()
		fs.WalkDir(fsys, lang, func(p string, d fs.DirEntry, err error) error {
			if err != nil || len(out) >= maxPromptFiles {
				return fs.SkipDir
			}
			rel := strings.TrimPrefix(p, lang+"/")
			if d.IsDir() {
				if p != lang && (strings.Count(rel, "/")+1 >= maxPromptDepth || !promptSegment(d.Name())) {
					return fs.SkipDir // a name no program can play
				}
				return nil
			}
			name, ok := strings.CutSuffix(rel, ".wav")
			if !ok || !promptSegment(path.Base(name)) {
				return nil
			}
			f := promptFile{lang: lang, name: name, admin: admin}
			f.dur, f.err = promptDuration(fsys, p)
			out = append(out, f)
			return nil
		})
	}
	return out
}

// mergePrompts folds the files into one entry per name, sorted by name;
// an admin's file wins over the shipped one of its language.
func mergePrompts(files []promptFile) []Prompt {
	type acc struct {
		shipped, admin bool
		byLang         map[string]promptFile
	}
	all := map[string]*acc{}
	for _, f := range files {
		a := all[f.name]
		if a == nil {
			a = &acc{byLang: map[string]promptFile{}}
			all[f.name] = a
		}
		if f.admin {
			a.admin = true
		} else {
			a.shipped = true
		}
		if cur, ok := a.byLang[f.lang]; !ok || f.admin && !cur.admin {
			a.byLang[f.lang] = f
		}
	}
	out := make([]Prompt, 0, len(all))
	for name, a := range all {
		p := Prompt{Name: name, Source: "shipped"}
		switch {
		case a.admin && a.shipped:
			p.Source = "override"
		case a.admin:
			p.Source = "added"
		}
		var errs []string
		for lang, f := range a.byLang {
			p.Languages = append(p.Languages, lang)
			if f.err != nil {
				errs = append(errs, lang+": "+f.err.Error())
			}
		}
		slices.Sort(p.Languages)
		slices.Sort(errs)
		p.Error = strings.Join(errs, "; ")
		lang := p.Languages[0]
		if _, ok := a.byLang[promptDefaultLang]; ok {
			lang = promptDefaultLang
		}
		p.Duration = a.byLang[lang].dur
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y Prompt) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// promptDuration reads a WAV's length from its header: the data chunk's
// size over the fmt chunk's bytes per second, without reading the audio.
func promptDuration(fsys fs.FS, name string) (float64, error) {
	fi, err := fs.Stat(fsys, name) // follows a symlink, as the player's read does
	if err != nil {
		return 0, err
	}
	if !fi.Mode().IsRegular() {
		return 0, errors.New("not a regular file") // opening a FIFO would block
	}
	f, err := fsys.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	ra, ok := f.(io.ReaderAt) // os.File and embed's files both are
	if !ok {
		return 0, errors.New("wav: file cannot be read at offsets")
	}
	return wavDuration(ra, fi.Size())
}

// wavDuration walks the RIFF chunk headers (at most 64 chunks) for the
// fmt and data chunks, in either order. A data size of 0 or 0xFFFFFFFF
// (a streaming writer's, or RF64's) or past the end runs to the end of
// the file, as switch/media/wav reads it.
func wavDuration(r io.ReaderAt, size int64) (float64, error) {
	var hdr [12]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return 0, errors.New("wav: too short for a RIFF header")
	}
	if id := string(hdr[:4]); id != "RIFF" && id != "RF64" || string(hdr[8:]) != "WAVE" {
		return 0, errors.New("wav: not a RIFF/WAVE file")
	}
	var perSec, data int64
	haveData := false
	for off, n := int64(12), 0; off+8 <= size && n < 64 && (perSec == 0 || !haveData); n++ {
		var ch [8]byte
		if _, err := r.ReadAt(ch[:], off); err != nil {
			break
		}
		id, sz := string(ch[:4]), int64(binary.LittleEndian.Uint32(ch[4:]))
		body := off + 8
		switch {
		case id == "fmt " && perSec == 0:
			var b [16]byte
			if sz < 16 {
				return 0, fmt.Errorf("wav: fmt chunk is %d bytes: want at least 16", sz)
			}
			if _, err := r.ReadAt(b[:], body); err != nil {
				return 0, fmt.Errorf("wav: fmt chunk: %w", err)
			}
			tag := binary.LittleEndian.Uint16(b[0:])
			channels := int64(binary.LittleEndian.Uint16(b[2:]))
			rate := int64(binary.LittleEndian.Uint32(b[4:]))
			bits := int64(binary.LittleEndian.Uint16(b[14:]))
			if tag != 1 && tag != 6 && tag != 7 && tag != 0xFFFE {
				return 0, fmt.Errorf("wav: format 0x%04x not supported: want PCM, mu-law or A-law", tag)
			}
			if channels < 1 || channels > 8 || rate < 1 || rate > 192000 || bits != 8 && bits != 16 {
				return 0, fmt.Errorf("wav: %d channels, %d Hz, %d bits not supported", channels, rate, bits)
			}
			perSec = rate * channels * bits / 8
		case id == "data" && !haveData:
			haveData, data = true, sz
			if sz == 0 || sz == 0xFFFFFFFF || body+sz > size {
				data, sz = size-body, size-body
			}
		}
		off = body + sz + sz&1 // RIFF pads odd chunks to even
	}
	switch {
	case perSec == 0:
		return 0, errors.New("wav: no fmt chunk")
	case !haveData:
		return 0, errors.New("wav: no data chunk")
	}
	return math.Round(float64(data)/float64(perSec)*1000) / 1000, nil
}

// promptLanguage and promptSegment are switch/audio's rules for a
// language directory and a name segment: what they refuse never plays.
func promptLanguage(s string) bool {
	return s != "" && len(s) <= 16 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == ""
}

func promptSegment(s string) bool {
	return s != "" && s != "." && len(s) <= 64 && !strings.Contains(s, "..") &&
		strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == ""
}
