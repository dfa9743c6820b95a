// Package audio is the switch's sound library: the prompts (shipped in the
// binary, overridable file by file under the data dir), music on hold, and
// the recordings and voicemail that programs name by token. It decodes
// every sound once to 8 kHz PCM and keeps prompts in memory.
package audio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/prompts"
	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/media/wav"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/voicemail"
)

// Bounds: the prompt cache, and the size of one decoded sound (an hour of
// 8 kHz PCM is 57 MiB; a file that decodes to more is refused).
const (
	cacheBytes  = 64 << 20
	maxSamples  = 3600 * 8000
	maxFileSize = 256 << 20
)

// ErrBadName means a sound name is not a prompt name nor a token.
var ErrBadName = errors.New("bad sound name")

// Library implements call.Audio.
type Library struct {
	dir  string           // DATA/prompts: per-file overrides of the shipped set ("" = none)
	moh  string           // DATA/moh: music classes (folders of WAVs) ("" = none)
	lang string           // prompt language directory ("en")
	rec  *recording.Store // nil: programs cannot record
	vm   *voicemail.Store // nil: no voicemail tokens

	mu     sync.Mutex
	cache  map[string][]int16 // prompts by relative file name
	cached int                // bytes in cache
	music  map[string][][]int16
}

// Options locate the library's files.
type Options struct {
	PromptsDir string // overrides of the shipped prompts, by the same relative name
	MusicDir   string // music-on-hold classes: MusicDir/<class>/*.wav
	Language   string // default "en"
	Recordings *recording.Store
	Voicemail  *voicemail.Store
}

// New makes a library.
func New(o Options) *Library {
	if o.Language == "" {
		o.Language = "en"
	}
	return &Library{dir: o.PromptsDir, moh: o.MusicDir, lang: o.Language, rec: o.Recordings, vm: o.Voicemail,
		cache: map[string][]int16{}, music: map[string][][]int16{}}
}

var _ call.Audio = (*Library)(nil)

// Load returns the PCM of a prompt ("ivr/welcome", ".wav" optional) or of
// a token (rec:, vm:, vmg:).
func (l *Library) Load(name string) ([]int16, error) {
	if isToken(name) {
		if l.vm == nil {
			return nil, fmt.Errorf("load %q: %w: no voicemail store", name, ErrBadName)
		}
		p, err := l.vm.Resolve(name)
		if err != nil {
			return nil, fmt.Errorf("load %q: %w", name, err)
		}
		return readFile(p)
	}
	rel, err := promptPath(name)
	if err != nil {
		return nil, err
	}
	return l.cachedPrompt(rel, func() ([]int16, error) { return l.promptIn(l.lang, rel) })
}

// cachedPrompt answers key from the prompt cache, else loads it and keeps
// it while the cache has room.
func (l *Library) cachedPrompt(key string, load func() ([]int16, error)) ([]int16, error) {
	l.mu.Lock()
	pcm, ok := l.cache[key]
	l.mu.Unlock()
	if ok {
		return pcm, nil
	}
	pcm, err := load()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	if l.cached+2*len(pcm) <= cacheBytes {
		l.cache[key] = pcm
		l.cached += 2 * len(pcm)
	}
	l.mu.Unlock()
	return pcm, nil
}

// Forget empties the prompt cache (after prompts were replaced on disk).
func (l *Library) Forget() {
	l.mu.Lock()
	clear(l.cache)
	clear(l.music)
	l.cached = 0
	l.mu.Unlock()
}

// Music returns a class's tracks: the data dir's folder if it has one,
// else the shipped class.
func (l *Library) Music(class string) ([][]int16, error) {
	if !validSegment(class) {
		return nil, fmt.Errorf("music class %q: %w", class, ErrBadName)
	}
	l.mu.Lock()
	if tracks, ok := l.music[class]; ok {
		l.mu.Unlock()
		return tracks, nil
	}
	l.mu.Unlock()
	var tracks [][]int16
	var err error
	if l.moh != "" {
		tracks, err = l.musicFrom(os.DirFS(filepath.Join(l.moh, class)), ".")
	}
	if len(tracks) == 0 {
		tracks, err = l.musicFrom(prompts.FS, path.Join("moh", class))
	}
	if err != nil {
		return nil, fmt.Errorf("music class %q: %w", class, err)
	}
	if len(tracks) == 0 {
		return nil, fmt.Errorf("music class %q: %w", class, fs.ErrNotExist)
	}
	l.mu.Lock()
	l.music[class] = tracks
	l.mu.Unlock()
	return tracks, nil
}

func (l *Library) musicFrom(fsys fs.FS, dir string) ([][]int16, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.wav"))
	if err != nil || len(names) == 0 {
		return nil, nil
	}
	sort.Strings(names)
	var tracks [][]int16
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		pcm, err := wav.Load(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		tracks = append(tracks, pcm)
	}
	return tracks, nil
}

// CreateRecording reserves a recording's file.
func (l *Library) CreateRecording(r call.RecordingInfo) (string, string, error) {
	if l.rec == nil {
		return "", "", errors.New("create recording: no recordings store")
	}
	id, p, err := l.rec.Create(store.Recording{CallID: r.CallID, Kind: r.Kind, From: r.From, To: r.To, Channels: r.Channels, Started: time.Now()})
	if err != nil {
		return "", "", fmt.Errorf("create recording: %w", err)
	}
	return voicemail.TokenRecording + id, p, nil
}

// FinishRecording indexes a finished recording.
func (l *Library) FinishRecording(token string, d time.Duration) error {
	id, ok := strings.CutPrefix(token, voicemail.TokenRecording)
	if !ok || l.rec == nil {
		return fmt.Errorf("finish recording %q: %w", token, ErrBadName)
	}
	return l.rec.Finish(id, d)
}

// AbortRecording drops a recording.
func (l *Library) AbortRecording(token string) {
	if id, ok := strings.CutPrefix(token, voicemail.TokenRecording); ok && l.rec != nil {
		l.rec.Abort(id)
	}
}

func isToken(name string) bool {
	return strings.HasPrefix(name, voicemail.TokenRecording) || strings.HasPrefix(name, voicemail.TokenMessage) ||
		strings.HasPrefix(name, voicemail.TokenGreeting)
}

// promptPath checks a prompt name and returns its relative file name.
func promptPath(name string) (string, error) {
	rel := strings.TrimSuffix(name, ".wav")
	parts := strings.Split(rel, "/")
	if len(rel) == 0 || len(rel) > 200 || len(parts) > 4 {
		return "", fmt.Errorf("prompt %q: %w: want names like \"ivr/welcome\"", name, ErrBadName)
	}
	for _, p := range parts {
		if !validSegment(p) {
			return "", fmt.Errorf("prompt %q: %w: want letters, digits, '_', '-' and '/' only", name, ErrBadName)
		}
	}
	return rel + ".wav", nil
}

func validSegment(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return !strings.Contains(s, "..")
}

// readFile decodes a WAV file from disk.
func readFile(p string) ([]int16, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxFileSize {
		return nil, fmt.Errorf("%s: %d bytes: too large", filepath.Base(p), fi.Size())
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	pcm, err := wav.Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
	}
	if len(pcm) > maxSamples {
		pcm = pcm[:maxSamples]
	}
	return pcm, nil
}
