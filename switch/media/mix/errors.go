package mix

import "errors"

var (
	// ErrFrameSize is wrapped when a Mixer is asked for a bad frame size.
	ErrFrameSize = errors.New("bad mix frame size")
	// ErrMismatch is wrapped when the slices given to Mix do not agree.
	ErrMismatch = errors.New("mix inputs do not match")
)
