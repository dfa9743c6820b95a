package abi

import "time"

// The queue primitive (FeatureQueue), an addition to version 1: the
// caller waits in a call queue until an agent answers and that call ends,
// or the queue gives up.

// Reasons a queue ends (QueueResult.Reason).
const (
	QueueAnswered = "answered"  // an agent answered; the call ran until a hang-up
	QueueTimeout  = "timeout"   // the queue's maximum wait passed
	QueueFull     = "full"      // the queue holds its maximum of callers
	QueueEmpty    = "empty"     // no agent logged in
	QueueHangup   = "hangup"    // the caller hung up while waiting
	QueueNotFound = "not_found" // no queue has this number
)

// QueueSpec (ImportCallQueue): str queue (the queue's number), u32
// priority (0 normal, up to MaxQueuePriority; higher waits ahead of
// lower).
type QueueSpec struct {
	Queue    string
	Priority uint32
}

func (m *QueueSpec) Append(w *Writer) {
	w.Str(m.Queue)
	w.U32(m.Priority)
}

func (m *QueueSpec) Decode(r *Reader) {
	m.Queue = r.Text("queue")
	m.Priority = r.U32("priority")
}

// QueueResult (ImportCallQueue): str reason (a Queue* reason), str agent
// (the extension that answered, "" if none), u32 position (the caller's
// place on joining, 1 = first; 0 if it never joined), u32 waited
// (milliseconds in the queue), u32 talk (milliseconds of the agent's
// call), bool hung_up (the caller has gone: the program should end).
// Hanging up while waiting is a result (reason "hangup"), not ErrHungUp;
// the next primitive then returns ErrHungUp.
type QueueResult struct {
	Reason   string
	Agent    string
	Position uint32
	Waited   time.Duration
	Talk     time.Duration
	HungUp   bool
}

func (m *QueueResult) Append(w *Writer) {
	w.Str(m.Reason)
	w.Str(m.Agent)
	w.U32(m.Position)
	w.U32(ms(m.Waited))
	w.U32(ms(m.Talk))
	w.Bool(m.HungUp)
}

func (m *QueueResult) Decode(r *Reader) {
	m.Reason = r.Text("reason")
	m.Agent = r.Text("agent")
	m.Position = r.U32("position")
	m.Waited = r.millis("waited")
	m.Talk = r.millis("talk")
	m.HungUp = r.Bool("hung_up")
}
