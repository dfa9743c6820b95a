package rating

import (
	"errors"
	"fmt"
)

var (
	// ErrDuplicate: a rate with the same prefix and direction already
	// exists (in the table, or earlier in the same CSV file).
	ErrDuplicate = errors.New("duplicate rate")

	// ErrTooLarge: a CSV input over MaxCSVBytes or MaxCSVRows.
	ErrTooLarge = errors.New("too large")
)

// FieldError is one invalid field of a rate. Field is the CSV column
// name ("interval_n"), so the same message serves the API and the import.
type FieldError struct {
	Field  string // CSV column name
	Value  string // the offending value as written (strings quoted)
	Reason string // what is wrong with it
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Field, e.Value, e.Reason)
}

// LineError is an error of a CSV import at a line of the input (1-based,
// the header is line 1).
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("rating: csv line %d: %v", e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }
