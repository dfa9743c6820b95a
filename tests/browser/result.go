package browser

import (
	"encoding/json"
	"fmt"
)

// Result is what a finished run reported.
type Result struct {
	Events []Event // every event, in order
	OK     bool    // the scenario succeeded and the runner exited cleanly
	Err    error   // why not OK (wraps ErrScenario); nil when OK
}

// Value decodes the last result named name into v.
func (r *Result) Value(name string, v any) error {
	for i := len(r.Events) - 1; i >= 0; i-- {
		ev := r.Events[i]
		if ev.Type != EventResult || ev.Name != name {
			continue
		}
		if len(ev.Value) == 0 {
			return fmt.Errorf("result %q has no value", name)
		}
		if err := json.Unmarshal(ev.Value, v); err != nil {
			return fmt.Errorf("result %q: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("%w %q", ErrNoResult, name)
}

// Of returns the events of one type, in order.
func (r *Result) Of(typ EventType) []Event {
	var out []Event
	for _, ev := range r.Events {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// Screenshots returns the paths of the failure screenshots taken.
func (r *Result) Screenshots() []string {
	var out []string
	for _, ev := range r.Of(EventScreenshot) {
		out = append(out, ev.Path)
	}
	return out
}
