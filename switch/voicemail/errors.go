package voicemail

import "github.com/hookswitch/hookswitch/switch/store"

var (
	// ErrNoBox means there is no such box: no extension has the number.
	// It wraps store.ErrNotFound, so APIs answer 404 without a new case.
	ErrNoBox error = &notFound{"no such voicemail box"}
	// ErrNotFound means no such message. It is store.ErrNotFound.
	ErrNotFound = store.ErrNotFound
	// ErrBoxFull means the box holds its maximum of messages.
	ErrBoxFull = store.ErrBoxFull
	// ErrInvalid is wrapped by every error about bad input (a box that is
	// not a number, a PIN of letters, an unknown folder or greeting kind,
	// a malformed token). It is store.ErrInvalid.
	ErrInvalid = store.ErrInvalid
)

type notFound struct{ msg string }

func (e *notFound) Error() string { return e.msg }

func (e *notFound) Unwrap() error { return store.ErrNotFound }

// invalid is a validation error naming the field, as the store's are.
func invalid(field, reason string) error { return &store.FieldError{Field: field, Reason: reason} }
