package voicemail

import (
	"fmt"
	"strings"
)

// Audio tokens name audio for scripts, which never see paths:
// "rec:<id>" a recording, "vm:<box>/<id>" a message, "vmg:<box>/<kind>" a
// greeting.
const (
	TokenRecording = "rec:"
	TokenMessage   = "vm:"
	TokenGreeting  = "vmg:"
)

// Resolve returns the WAV file a token names, or an error wrapping
// ErrNotFound (nothing there) or ErrInvalid (not a token).
func (s *Store) Resolve(token string) (string, error) {
	switch {
	case strings.HasPrefix(token, TokenRecording):
		return s.rec.Path(token[len(TokenRecording):])
	case strings.HasPrefix(token, TokenMessage):
		box, id, ok := strings.Cut(token[len(TokenMessage):], "/")
		if ok {
			return s.Path(box, id)
		}
	case strings.HasPrefix(token, TokenGreeting):
		box, kind, ok := strings.Cut(token[len(TokenGreeting):], "/")
		if ok {
			if _, err := s.file(box, "", kind); err != nil {
				return "", fmt.Errorf("voicemail: %w", err)
			}
			if p, ok := s.Greeting(box, kind); ok {
				return p, nil
			}
			return "", fmt.Errorf("voicemail: no %s greeting for %s: %w", kind, box, ErrNotFound)
		}
	}
	return "", fmt.Errorf("voicemail: %w", invalid("token", fmt.Sprintf("%q: want rec:<id>, vm:<box>/<id> or vmg:<box>/<kind>", truncate(token))))
}
