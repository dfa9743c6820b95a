package server

import (
	"fmt"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/queue"
)

// openQueues starts the call-queue engine over the stored queues and the
// agents' saved login and pause states. inUse says whether an extension
// is on a call (the call manager, built later).
func (s *Server) openQueues(inUse func(ext string) bool) error {
	st := s.Store
	s.Queues = queue.New(queue.Options{
		InUse:      inUse,
		Registered: func(ext string) bool { return len(s.Registrar.Lookup(ext)) > 0 },
		Persist:    st.PutQueueAgent,
		Logger:     s.log,
		Events: func(e queue.Event) {
			if !s.queueEvents.push(queueEvent(e)) {
				s.log.Warn("queue event dropped: the event hook is behind", "queue", e.Queue, "change", e.Change)
			}
		},
	})
	s.queueEvents.deliver = func(ev hook.EventRequest) { notifyEvent(s.Hooks, s.log, ev) }
	return s.SyncQueues()
}

// QueueEventsTopic is the event hook topic of queue changes (seed 001
// chapter 15): data "event" is "queue_status", "change" says what
// changed (a caller joined or left, an agent's state).
const QueueEventsTopic = "queue_events"

func queueEvent(e queue.Event) hook.EventRequest {
	d := map[string]any{"event": queue.EventName, "queue": e.Queue, "change": e.Change,
		"time": e.At.UTC().Format(time.RFC3339)}
	for k, v := range map[string]string{"call_id": e.CallID, "caller": e.Caller, "reason": e.Reason,
		"agent": e.Agent, "state": e.State} {
		if v != "" {
			d[k] = v
		}
	}
	if e.Position > 0 {
		d["position"] = e.Position
	}
	if e.Change == queue.ChangeLeft {
		d["waited"] = e.Waited
	}
	return hook.EventRequest{Topic: QueueEventsTopic, Data: d}
}

// SyncQueues gives the engine the stored queues again (after a change).
func (s *Server) SyncQueues() error {
	qs, err := s.Store.ListQueues()
	if err != nil {
		return fmt.Errorf("queues: %w", err)
	}
	agents, err := s.Store.ListQueueAgents()
	if err != nil {
		return fmt.Errorf("queue agents: %w", err)
	}
	s.Queues.Sync(qs, agents)
	return nil
}
