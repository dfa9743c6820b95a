package call

import (
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/media"
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
	code := c.m.cfg.OneTouchRecord
	if code == "" || c.m.audio == nil {
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
	c.a.media.OnDigit(on)
	if b := c.callee(); b != nil {
		b.media.OnDigit(on)
	}
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
		c.stopRecording()
		return
	}
	c.mu.Lock()
	from, to, id := c.cdr.Caller, c.cdr.FinalDest, c.cdr.CallID
	c.mu.Unlock()
	token, path, err := c.m.audio.CreateRecording(RecordingInfo{CallID: id, Kind: "call", From: from, To: to, Channels: 2})
	if err != nil {
		c.m.log.Warn("one-touch recording refused", "call_id", id, "error", err)
		return
	}
	rec, err := media.NewRecorder(path, 2)
	if err != nil {
		c.m.audio.AbortRecording(token)
		c.m.log.Warn("one-touch recording failed", "call_id", id, "error", err)
		return
	}
	cr, err := c.m.media.RecordCall(c.sess, rec)
	if err != nil {
		rec.Close()
		c.m.audio.AbortRecording(token)
		c.m.log.Warn("one-touch recording failed", "call_id", id, "error", err)
		return
	}
	c.mu.Lock()
	if c.crec != nil || c.ended {
		c.mu.Unlock()
		cr.Stop()
		rec.Close()
		c.m.audio.AbortRecording(token)
		return
	}
	c.crec = &callRecording{token: token, rec: rec, cr: cr}
	c.mu.Unlock()
	c.m.log.Info("one-touch recording started", "call_id", id, "recording", token)
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
