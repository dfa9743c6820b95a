package hook

import (
	"context"
	"errors"
	"time"
)

// Program drives one call with blocking primitives, on the call's own
// goroutine. It ends when Run returns; a call still up then is hung up.
type Program interface {
	Run(ctx context.Context, c Call) error
}

// ProgramFunc adapts a function to Program.
type ProgramFunc func(ctx context.Context, c Call) error

// Run calls f.
func (f ProgramFunc) Run(ctx context.Context, c Call) error { return f(ctx, c) }

// Call is what a program can do with its call. Every method blocks until
// done; ctx ends a wait early. ErrHungUp means the caller has gone.
type Call interface {
	Info() RouteRequest
	// Answer answers the caller (200 OK with our SDP); media is then
	// terminated by the switch until a bridge connects it.
	Answer(ctx context.Context) error
	// Hangup ends the call: before answer it rejects with code (400-699),
	// after answer it sends BYE (code ignored).
	Hangup(code int, reason string) error
	// Bridge rings targets and, when one answers, connects the caller to it
	// until either side hangs up. It returns when the bridge is over.
	Bridge(ctx context.Context, s BridgeSpec) (BridgeResult, error)
	// Transfer hands the call to another destination and ends the program.
	Transfer(ctx context.Context, target string) error
	Sleep(ctx context.Context, d time.Duration) error
	Play(ctx context.Context, s PlaySpec) error
	Collect(ctx context.Context, s CollectSpec) (string, error)
	Record(ctx context.Context, s RecordSpec) (string, error)
}

// BridgeSpec is what to ring.
type BridgeSpec struct {
	Targets  []string
	Mode     BridgeMode
	Timeout  time.Duration // per attempt; 0 = the core default
	CallerID string
}

// BridgeResult says how a bridge ended.
type BridgeResult struct {
	Answered bool // someone answered; the bridge ran until a hang-up
	Code     int  // when not answered: 486, 480, 404, ...
	Reason   string
	Target   string        // the extension that answered
	Talk     time.Duration // how long the bridge was up
	HungUp   bool          // the caller hung up (the call is over)
}

// PlaySpec, CollectSpec and RecordSpec are the media primitives' arguments.
type PlaySpec struct {
	File  string
	Loops int
}

// CollectSpec gathers digits.
type CollectSpec struct {
	Max        int
	Timeout    time.Duration
	Terminator string
	Prompt     string // a file played while waiting
}

// RecordSpec records the caller.
type RecordSpec struct {
	MaxDuration time.Duration
	Terminator  string
}

var (
	// ErrNotAvailable is returned by primitives a later release completes.
	ErrNotAvailable = errors.New("primitive not yet available")
	// ErrHungUp means the caller hung up; the program should return.
	ErrHungUp = errors.New("caller hung up")
	// ErrState means the primitive does not fit the call's state (answer twice...).
	ErrState = errors.New("not possible in the call's state")
)
