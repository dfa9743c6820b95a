package jitter

import "errors"

// ErrBadConfig is wrapped by every Config validation error.
var ErrBadConfig = errors.New("bad jitter buffer config")
