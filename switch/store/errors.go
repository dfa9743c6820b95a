package store

import "errors"

var (
	// ErrNotFound means the record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists means a record with that key already exists.
	ErrExists = errors.New("already exists")
	// ErrLocked means another process holds the data directory.
	ErrLocked = errors.New("data dir locked")
	// ErrInvalid is wrapped by every validation error (see FieldError).
	ErrInvalid = errors.New("invalid")
	// ErrCorrupt means a stored record could not be decoded; the error names its key.
	ErrCorrupt = errors.New("corrupt record")
	// ErrClosed is returned by every method once Close has been called.
	ErrClosed = errors.New("store closed")
)

// FieldError is a validation error that names the offending field, so an API
// can point at it. It wraps ErrInvalid.
type FieldError struct {
	Field  string // JSON name of the field
	Reason string
}

func (e *FieldError) Error() string { return "invalid " + e.Field + ": " + e.Reason }

func (e *FieldError) Unwrap() error { return ErrInvalid }

func invalid(field, reason string) error { return &FieldError{Field: field, Reason: reason} }
