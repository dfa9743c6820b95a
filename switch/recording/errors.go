package recording

import (
	"errors"

	"github.com/hookswitch/hookswitch/switch/store"
)

var (
	// ErrNotFound means no such recording. It is store.ErrNotFound, so
	// callers that map store errors to statuses need no new case.
	ErrNotFound = store.ErrNotFound
	// ErrInvalidID means an ID is not of the form NewID makes; such an ID
	// never reaches a path. It is a *store.FieldError (field "id"), so it
	// wraps store.ErrInvalid.
	ErrInvalidID error = &store.FieldError{Field: "id", Reason: "want a recording id YYYYMMDDTHHMMSSZ-<8 hex digits>"}
	// ErrNotReserved means Finish or Abort got an ID that Create did not
	// hand out, or that was already finished or aborted.
	ErrNotReserved = errors.New("recording not reserved (not created, or already finished or aborted)")
	// ErrFileMissing means an indexed recording's file is gone.
	ErrFileMissing = errors.New("recording file missing")
)
