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
	// Play plays a prompt or a tone to the caller (answering it first is
	// the program's job: before answer it is early media).
	Play(ctx context.Context, s PlaySpec) error
	// Collect gathers the caller's digits, optionally over a prompt that a
	// first digit interrupts.
	Collect(ctx context.Context, s CollectSpec) (string, error)
	// Record records the caller. A recording ended by the caller hanging
	// up is returned without error (HungUp set), so a program can still
	// keep it (a voicemail); the next primitive then returns ErrHungUp.
	Record(ctx context.Context, s RecordSpec) (RecordResult, error)
	// Conference puts the caller in a conference room until it leaves
	// (hangs up, is kicked, or presses the leave key). Hanging up is a
	// result (HungUp), not ErrHungUp, as for Record.
	Conference(ctx context.Context, s ConferenceSpec) (ConferenceResult, error)
	// SendDigits sends DTMF to the caller.
	SendDigits(ctx context.Context, digits string) error
	// Queue puts the caller in a call queue until an agent answers and
	// that call ends, or the queue gives up (Reason says why). Hanging up
	// while waiting is a result (HungUp), not ErrHungUp, as for Record.
	Queue(ctx context.Context, s QueueSpec) (QueueResult, error)
}

// BridgeSpec is what to ring.
type BridgeSpec struct {
	Targets  []string
	Mode     BridgeMode
	Timeout  time.Duration // per attempt; 0 = the core default
	CallerID string
	// CallerName, when set, is the display name the callee sees instead of
	// the caller's own (a ring group's "Sales: Alice").
	CallerName string
	// AutoAnswer asks the callee's phone to answer at once (paging,
	// intercom): Alert-Info and Call-Info answer-after=0 headers.
	AutoAnswer bool
	// Trunks, when set, make Targets outside numbers dialled through these
	// trunks in order, as RouteDecision.Trunks; TimeLimit likewise.
	Trunks    []string
	TimeLimit time.Duration
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

// PlaySpec is what to play: a file (a prompt name such as "ivr/welcome",
// or a token such as "rec:ID" or "vm:BOX/ID") or a tone ("ringback", or
// an indications spec like "350+440/1000,0/3000").
type PlaySpec struct {
	File     string
	Tone     string
	Loops    int           // 0 or 1 once; a file or tone repeats this often
	Duration time.Duration // cuts the play short (a tone plays until then); 0 = no limit
}

// CollectSpec gathers digits: it ends at Max digits, on the terminator
// (not returned), or on a timeout, returning what it has.
type CollectSpec struct {
	Max        int
	Timeout    time.Duration // for the first digit, after the prompt (0 = 5 s)
	InterDigit time.Duration // between digits (0 = 3 s)
	Terminator string
	Prompt     []string // played in turn while waiting; a digit interrupts them
	Flush      bool     // forget digits typed before the collect
}

// RecordSpec records the caller.
type RecordSpec struct {
	MaxDuration time.Duration // 0 = 1 hour
	Terminator  string        // keys that end the recording (not recorded)
	Beep        bool          // a beep first
	Silence     time.Duration // ends after this long without speech; 0 = never
}

// RecordResult is a finished recording.
type RecordResult struct {
	File     string // "rec:ID", playable and keepable (voicemail.deposit)
	Duration time.Duration
	Reason   string // "terminator", "max", "silence", "hangup"
	Digit    string // the terminator pressed
	HungUp   bool
}

// ConferenceSpec is how the caller joins a room.
type ConferenceSpec struct {
	Room       string // the room's name or number
	Admin      bool   // a leader: may lock, kick, mute others; starts a waiting room
	Muted      bool   // joins muted (listen only)
	WaitLeader bool   // hears music until a leader is in the room
	Name       string // a recording of the member's name, announced on join and leave
	Record     bool   // record the room (when not already recorded)
	MaxMembers int    // refuse beyond this (0 = no limit)
}

// ConferenceResult says how the caller left.
type ConferenceResult struct {
	Reason string // "left", "kicked", "locked", "full", "ended", "hangup"
	HungUp bool
}

// QueueSpec names the queue to join.
type QueueSpec struct {
	Queue    string // the queue's number
	Priority int    // higher waits ahead of lower (VIP callers); 0 normal
}

// Reasons a queue ends (QueueResult.Reason).
const (
	QueueAnswered = "answered"  // an agent answered; the call ran until a hang-up
	QueueTimeout  = "timeout"   // the queue's maximum wait passed
	QueueFull     = "full"      // the queue holds its maximum of callers
	QueueEmpty    = "empty"     // no agent logged in (join-empty off, or leave-when-empty)
	QueueHangup   = "hangup"    // the caller hung up while waiting (abandoned)
	QueueNotFound = "not_found" // no queue has this number
)

// QueueResult says how the caller left the queue.
type QueueResult struct {
	Reason   string        // one of the Queue* reasons
	Agent    string        // the agent that answered
	Position int           // the caller's position on joining (1 = first)
	Waited   time.Duration // time in the queue until answered or given up
	Talk     time.Duration // how long the agent's call lasted
	HungUp   bool          // the caller has gone (the program should end)
}

var (
	// ErrNotAvailable is returned by primitives a later release completes.
	ErrNotAvailable = errors.New("primitive not yet available")
	// ErrHungUp means the caller hung up; the program should return.
	ErrHungUp = errors.New("caller hung up")
	// ErrState means the primitive does not fit the call's state (answer twice...).
	ErrState = errors.New("not possible in the call's state")
)
