package actionurl

import (
	"fmt"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// maxPriority bounds the queue verb's priority, as Lua's call:queue.
const maxPriority = 100

// parseQueue reads the queue verb: the queue's number and the caller's
// priority (0 normal; higher waits ahead of lower).
func parseQueue(v *wireVerb) (hook.QueueSpec, error) {
	q := hook.QueueSpec{Queue: v.Queue, Priority: v.Priority}
	switch {
	case v.Queue == "":
		return q, fmt.Errorf("%w: field \"queue\": required", ErrResponse)
	case !hook.ValidUserPart(v.Queue):
		return q, fmt.Errorf("%w: field \"queue\": want a queue number (1-%d characters of a SIP user part), got %q", ErrResponse, hook.MaxCallerIDLen, clip(v.Queue))
	case v.Priority < 0 || v.Priority > maxPriority:
		return q, fmt.Errorf("%w: field \"priority\": want 0-%d, got %d", ErrResponse, maxPriority, v.Priority)
	}
	return q, nil
}
