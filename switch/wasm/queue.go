package wasm

import (
	"context"
	"fmt"
	"math"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// callQueue is the queue primitive (abi.FeatureQueue): it checks the spec
// with Lua's bounds (a bad one is ErrFailed with the reason, and the call
// is not touched), then blocks in hook.Call.Queue while the caller waits
// and talks to the agent.
func callQueue(inst *instance, s []uint64) {
	var m abi.QueueSpec
	if err := inst.decodeSpec(s[0], s[1], abi.ImportCallQueue, &m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallQueue, err)
		return
	}
	if err := checkQueue(&m); err != nil {
		inst.badArg(s, "%s: %v", abi.ImportCallQueue, err)
		return
	}
	spec := hook.QueueSpec{Queue: m.Queue, Priority: int(m.Priority)}
	inst.primitive(s, u32(s[2]), u32(s[3]), func(ctx context.Context, c hook.Call) ([]byte, error) {
		res, err := c.Queue(ctx, spec)
		if err != nil {
			return nil, err
		}
		out := abi.QueueResult{Reason: res.Reason, Agent: res.Agent, Position: uint32(min(max(int64(res.Position), 0), math.MaxUint32)),
			Waited: clampMillis(res.Waited), Talk: clampMillis(res.Talk), HungUp: res.HungUp}
		var w abi.Writer
		out.Append(&w)
		return w.B, nil
	})
}

func checkQueue(m *abi.QueueSpec) error {
	switch {
	case !hook.ValidUserPart(m.Queue):
		return fmt.Errorf("queue must be a queue number (1-%d characters of a SIP user part), got %q", hook.MaxCallerIDLen, truncate(m.Queue))
	case m.Priority > abi.MaxQueuePriority:
		return fmt.Errorf("priority must be 0-%d, got %d", abi.MaxQueuePriority, m.Priority)
	}
	return nil
}
