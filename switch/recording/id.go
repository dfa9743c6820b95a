package recording

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// IDs are the UTC start second and 32 random bits: "20261122T180102Z-1a2b3c4d".
// They sort by time (to the second), name files and index keys, and are not
// guessable from another recording's ID. ValidID accepts exactly this shape,
// so an ID can never carry a '/' or ".." into a path.
const (
	idTimeLayout = "20060102T150405Z"
	idLen        = len(idTimeLayout) + 1 + 8
)

// NewID returns a fresh ID for a recording started at t.
func NewID(t time.Time) string {
	var r [4]byte
	rand.Read(r[:]) // never fails (Go 1.24+)
	return t.UTC().Format(idTimeLayout) + "-" + hex.EncodeToString(r[:])
}

// ValidID reports whether id has NewID's shape.
func ValidID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for i := 0; i < idLen; i++ {
		c := id[i]
		var ok bool
		switch {
		case i == 8:
			ok = c == 'T'
		case i == 15:
			ok = c == 'Z'
		case i == 16:
			ok = c == '-'
		case i < 15:
			ok = c >= '0' && c <= '9'
		default:
			ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
		}
		if !ok {
			return false
		}
	}
	return true
}
