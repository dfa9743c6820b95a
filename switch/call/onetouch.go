package call

import (
	"fmt"
	"strings"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
)

// featureWindow is how long a feature code may take to type during a
// bridge ("*" then "1").
const featureWindow = 3 * time.Second

// callRecording is a one-touch recording of a bridged call, both parties
// on their own channel.
type callRecording struct {
	token string
	rec   *media.Recorder
	cr    *media.CallRecorder
}

// watchFeatures listens to the digits both parties send during a bridge
// (they are still relayed) for the one-touch recording code.
func (c *Call) watchFeatures() {
	c.recordAlways() // recpolicy.go
	code := c.m.cfg.OneTouchRecord
	if code == "" || c.m.audio == nil {
		c.watchDTMF(nil) // INFO-mode phones still hear digits (dtmfmode.go)
		return
	}
	var mu sync.Mutex
	typed, last := "", time.Time{}
	on := func(d byte) {
		mu.Lock()
		now := time.Now()
		if now.Sub(last) > featureWindow {
			typed = ""
		}
		last = now
		typed += string(d)
		if len(typed) > len(code) {
			typed = typed[len(typed)-len(code):]
		}
		hit := typed == code
		if hit {
			typed = ""
		}
		mu.Unlock()
		if hit {
			go c.toggleRecording()
		}
	}
	c.watchDTMF(on)
}

// toggleRecording starts or stops the one-touch recording.
func (c *Call) toggleRecording() {
	c.mu.Lock()
	cur, ended := c.crec, c.ended
	c.mu.Unlock()
	if ended {
		return
	}
	if cur != nil {
		if c.recordingPolicy() != store.RecordAlways { // always: only the call's end stops it
			c.stopRecording()
		}
		return
	}
	if err := c.startRecording(); err != nil {
		c.m.log.Warn("one-touch recording failed", "call_id", c.cdr.CallID, "error", err)
	}
}

// errNotRecording: recording on demand is off (no audio store, or the call
// has no bridge to record).
var errNotRecording = &sip.Error{Code: 403, Reason: "Recording Not Available"}

// startRecording starts the one-touch recording; one already running is
// left alone.
func (c *Call) startRecording() error {
	if c.m.audio == nil {
		return errNotRecording
	}
	if c.recordingPolicy() == store.RecordNever {
		return errRecordingNever
	}
	c.mu.Lock()
	from, to, id, ended, running := c.cdr.Caller, c.cdr.FinalDest, c.cdr.CallID, c.ended, c.crec != nil
	c.mu.Unlock()
	if ended || running {
		return nil
	}
	token, path, err := c.m.audio.CreateRecording(RecordingInfo{CallID: id, Kind: "call", From: from, To: to, Channels: 2})
	if err != nil {
		return &sip.Error{Code: 403, Reason: "Recording Not Allowed", Err: fmt.Errorf("recording refused: %w", err)}
	}
	rec, err := media.NewRecorder(path, 2)
	if err != nil {
		c.m.audio.AbortRecording(token)
		return &sip.Error{Code: 500, Err: fmt.Errorf("recording: %w", err)}
	}
	cr, err := c.m.media.RecordCall(c.sess, rec)
	if err != nil {
		rec.Close()
		c.m.audio.AbortRecording(token)
		return &sip.Error{Code: 500, Err: fmt.Errorf("recording: %w", err)}
	}
	c.mu.Lock()
	if c.crec != nil || c.ended {
		c.mu.Unlock()
		cr.Stop()
		rec.Close()
		c.m.audio.AbortRecording(token)
		return nil
	}
	c.crec = &callRecording{token: token, rec: rec, cr: cr}
	c.mu.Unlock()
	c.m.log.Info("one-touch recording started", "call_id", id, "recording", token)
	return nil
}

// infoRecord answers an INFO carrying "Record: on|off", the on-demand
// recording request phones (Yealink, Grandstream) and the web phone send.
// It reports whether req was one.
func (c *Call) infoRecord(req *gosip.Request, tx gosip.ServerTransaction) bool {
	h := req.GetHeader("Record")
	if h == nil {
		return false
	}
	var err error
	switch strings.ToLower(strings.TrimSpace(h.Value())) {
	case "on":
		c.mu.Lock()
		bridged := c.b != nil && !c.ended
		c.mu.Unlock()
		if !bridged {
			err = errNotRecording
			break
		}
		err = c.startRecording()
	case "off":
		if c.recordingPolicy() == store.RecordAlways {
			err = errRecordingAlways
			break
		}
		c.stopRecording()
	default:
		err = &sip.Error{Code: 400, Reason: "Bad Record Header"}
	}
	if err != nil {
		code, reason := sip.StatusOf(err)
		c.m.log.Warn("recording on demand refused", "call_id", c.cdr.CallID, "error", err)
		sip.Respond(tx, req, code, reason, nil)
		return true
	}
	sip.Respond(tx, req, 200, "", nil)
	return true
}

// stopRecording ends the one-touch recording, if any, and keeps it.
func (c *Call) stopRecording() {
	c.mu.Lock()
	r := c.crec
	c.crec = nil
	c.mu.Unlock()
	if r == nil {
		return
	}
	r.cr.Stop()
	d, err := r.rec.Close()
	if err == nil {
		err = c.m.audio.FinishRecording(r.token, d)
	}
	if err != nil {
		c.m.log.Warn("one-touch recording lost", "call_id", c.cdr.CallID, "recording", r.token, "error", err)
		c.m.audio.AbortRecording(r.token)
		return
	}
	c.m.log.Info("one-touch recording saved", "call_id", c.cdr.CallID, "recording", r.token, "duration", d)
}
