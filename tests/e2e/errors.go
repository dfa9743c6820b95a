package e2e

import "errors"

var (
	// ErrNotWAV reports input that is not a RIFF/WAVE file.
	ErrNotWAV = errors.New("not a RIFF/WAVE file")
	// ErrUnsupportedWAV reports a WAV file that is not 16-bit mono PCM.
	ErrUnsupportedWAV = errors.New("unsupported WAV format: need 16-bit mono PCM")
	// ErrInvalidArgument reports a bad parameter to a helper.
	ErrInvalidArgument = errors.New("invalid argument")
)
