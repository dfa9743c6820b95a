package call

import (
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
)

// errRecordingNever refuses recording on demand (*1, INFO Record: on) on a
// call of an extension whose recording setting is never (SPEC P1).
var errRecordingNever = &sip.Error{Code: 403, Reason: "Recording Not Allowed (extension policy)"}

// errRecordingAlways refuses to stop the recording of a call whose
// extension's setting is always.
var errRecordingAlways = &sip.Error{Code: 403, Reason: "Recording Required (extension policy)"}

// recordingPolicy is the recording setting that applies to the call's
// parties: never when either extension says never (privacy wins), else
// always when either says always, else on_demand.
func (c *Call) recordingPolicy() string {
	c.mu.Lock()
	exts := []string{c.callerExt, c.calleeExt}
	c.mu.Unlock()
	policy := store.RecordOnDemand
	for _, n := range exts {
		if n == "" {
			continue
		}
		e, err := c.m.st.GetExtension(n)
		if err != nil {
			continue
		}
		switch e.Recording {
		case store.RecordNever:
			return store.RecordNever
		case store.RecordAlways:
			policy = store.RecordAlways
		}
	}
	return policy
}

// recordAlways starts the call recording at answer when a party's
// setting is always: the same two-channel recording as *1, which only
// the call's end stops (*1 and Record: off do not).
func (c *Call) recordAlways() {
	if c.m.audio == nil || c.recordingPolicy() != store.RecordAlways {
		return
	}
	if err := c.startRecording(); err != nil {
		c.m.log.Warn("recording (always) failed", "call_id", c.cdr.CallID, "error", err)
	}
}
