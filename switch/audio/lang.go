package audio

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/hookswitch/hookswitch/prompts"
	"github.com/hookswitch/hookswitch/switch/media/wav"
)

// LoadIn is Load for a caller whose extension has a language (SPEC P1):
// a prompt comes from <prompts dir>/<lang>/ or the shipped <lang>/ set
// when that language has it, else from the default language, so a
// partly translated set still plays every prompt. Tokens (recordings,
// voicemail) have no language.
func (l *Library) LoadIn(lang, name string) ([]int16, error) {
	if lang == "" || lang == l.lang || isToken(name) || !validLanguage(lang) {
		return l.Load(name)
	}
	rel, err := promptPath(name)
	if err != nil {
		return nil, err
	}
	pcm, err := l.cachedPrompt("\x00"+lang+"/"+rel, func() ([]int16, error) { return l.promptIn(lang, rel) }) // apart from the default language's keys
	if errors.Is(err, fs.ErrNotExist) {
		return l.Load(name)
	}
	return pcm, err
}

// promptIn reads a prompt of one language: the data dir's file, else the
// shipped one; fs.ErrNotExist when neither has it.
func (l *Library) promptIn(lang, rel string) ([]int16, error) {
	full := path.Join(lang, rel)
	if l.dir != "" {
		pcm, err := readFile(filepath.Join(l.dir, filepath.FromSlash(full)))
		if err == nil || !errors.Is(err, fs.ErrNotExist) {
			return pcm, err
		}
	}
	data, err := fs.ReadFile(prompts.FS, full)
	if err != nil {
		return nil, fmt.Errorf("prompt %q in %s: %w", strings.TrimSuffix(rel, ".wav"), lang, fs.ErrNotExist)
	}
	pcm, err := wav.Load(data)
	if err != nil {
		return nil, fmt.Errorf("prompt %q in %s: %w", rel, lang, err)
	}
	return pcm, nil
}

// validLanguage accepts a language tag used as a directory name: "de",
// "pt-BR", "en_GB" (letters, digits, '-', '_', at most 16).
func validLanguage(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
