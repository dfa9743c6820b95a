package sip

import (
	gosip "github.com/emiago/sipgo/sip"
)

// NewTag returns a random From/To tag (RFC 3261 19.3).
func NewTag() string { return gosip.GenerateTagN(16) }

// NewCallID returns a random Call-ID for a dialog we start.
func NewCallID() string { return gosip.GenerateTagN(24) }
