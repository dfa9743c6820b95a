package browser

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// EventType names what a runner event reports.
type EventType string

// The events run.mjs writes, one JSON object per line.
const (
	// EventReady: Chromium started; Version is its version.
	EventReady EventType = "ready"
	// EventConsole: a console message of a page (Level, Text, URL, Line).
	EventConsole EventType = "console"
	// EventPageError: an uncaught exception in a page (Text, Stack).
	EventPageError EventType = "pageerror"
	// EventRequestFailed: a page's request failed (URL, Text).
	EventRequestFailed EventType = "requestfailed"
	// EventResult: a named value reported by the page or scenario.
	EventResult EventType = "result"
	// EventLog: a note from the runner or scenario (Text).
	EventLog EventType = "log"
	// EventScreenshot: a screenshot taken on failure (Path).
	EventScreenshot EventType = "screenshot"
	// EventError: why the scenario failed (Text, Stack).
	EventError EventType = "error"
	// EventDone: the last event; OK tells whether the scenario succeeded.
	EventDone EventType = "done"
	// EventStdout: a runner output line that is not an event (never
	// parsed, made by Session for Node warnings and such).
	EventStdout EventType = "stdout"
)

// Event is one line of the runner's output.
type Event struct {
	Type    EventType       `json:"type"`
	Level   string          `json:"level,omitempty"`
	Text    string          `json:"text,omitempty"`
	URL     string          `json:"url,omitempty"`
	Line    int             `json:"line,omitempty"`
	Stack   string          `json:"stack,omitempty"`
	Name    string          `json:"name,omitempty"`
	Value   json.RawMessage `json:"value,omitempty"`
	Path    string          `json:"path,omitempty"`
	Version string          `json:"version,omitempty"`
	OK      bool            `json:"ok,omitempty"`
}

// MaxEventLine bounds one event line; a longer one is an error, not a
// reason to buffer without limit.
const MaxEventLine = 4 << 20

// ParseEvent decodes one runner line (without its newline).
func ParseEvent(line []byte) (Event, error) {
	if len(line) > MaxEventLine {
		return Event{}, fmt.Errorf("%w: line of %d bytes exceeds %d", ErrBadEvent, len(line), MaxEventLine)
	}
	var e Event
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&e); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrBadEvent, err)
	}
	if dec.More() {
		return Event{}, fmt.Errorf("%w: trailing data after the object", ErrBadEvent)
	}
	switch e.Type {
	case EventReady, EventConsole, EventPageError, EventRequestFailed, EventLog, EventError, EventDone:
	case EventResult:
		if e.Name == "" {
			return Event{}, fmt.Errorf("%w: result without a name", ErrBadEvent)
		}
	case EventScreenshot:
		if e.Path == "" {
			return Event{}, fmt.Errorf("%w: screenshot without a path", ErrBadEvent)
		}
	case "":
		return Event{}, fmt.Errorf("%w: no type", ErrBadEvent)
	default:
		return Event{}, fmt.Errorf("%w: unknown type %q", ErrBadEvent, e.Type)
	}
	if e.Line < 0 {
		return Event{}, fmt.Errorf("%w: negative line %d", ErrBadEvent, e.Line)
	}
	// A "value": null is no value; keep RawMessage nil so callers test len.
	if bytes.Equal(bytes.TrimSpace(e.Value), []byte("null")) {
		e.Value = nil
	}
	return e, nil
}

// String renders the event for a test log.
func (e Event) String() string {
	var b strings.Builder
	switch e.Type {
	case EventConsole:
		fmt.Fprintf(&b, "console.%s: %s", e.Level, e.Text)
		if e.URL != "" {
			fmt.Fprintf(&b, " (%s:%d)", e.URL, e.Line)
		}
	case EventResult:
		fmt.Fprintf(&b, "result %s = %s", e.Name, e.Value)
	case EventScreenshot:
		fmt.Fprintf(&b, "screenshot: %s", e.Path)
	case EventRequestFailed:
		fmt.Fprintf(&b, "requestfailed: %s: %s", e.URL, e.Text)
	case EventReady:
		fmt.Fprintf(&b, "ready: chromium %s", e.Version)
	case EventDone:
		fmt.Fprintf(&b, "done: ok=%t", e.OK)
	default:
		fmt.Fprintf(&b, "%s: %s", e.Type, e.Text)
	}
	if e.Stack != "" && !strings.Contains(b.String(), e.Stack) {
		b.WriteString("\n")
		b.WriteString(e.Stack)
	}
	return b.String()
}
