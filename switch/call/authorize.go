package call

import (
	"context"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// authorize asks the authorize hook, once per call, whether the call may
// be bridged, and for how long (billing: the balance buys so many
// seconds). A call whose generation binds no authorize hook is allowed.
func (c *Call) authorize() error {
	c.mu.Lock()
	done, refused := c.authorized, c.refused
	c.authorized = true
	c.mu.Unlock()
	if done {
		return refused // a refusal holds for every later bridge of the call
	}
	if !c.snap.Bound(hook.Authorize) {
		return nil
	}
	info := c.routeInfo()
	d, err := c.snap.Invoke(context.Background(), hook.AuthorizeRequest{
		CallID: info.CallID, From: info.From, To: info.To})
	if err != nil {
		c.m.log.Warn("authorize hook failed; policy applied", "call_id", c.cdr.CallID, "error", err)
	}
	dec := d.(hook.AuthorizeDecision)
	if !dec.Allow {
		code := dec.Code
		if code < 400 || code > 699 {
			code = 403
		}
		err := &sip.Error{Code: code, Reason: dec.Reason}
		c.mu.Lock()
		c.refused = err
		c.mu.Unlock()
		c.setStatus("rejected")
		return err
	}
	c.mu.Lock()
	c.limit = dec.MaxDuration
	c.mu.Unlock()
	return nil
}

// startLimit arms the authorized duration once the callee has answered:
// the call is hung up when it runs out.
func (c *Call) startLimit() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.limit <= 0 || c.limitTimer != nil || c.ended {
		return
	}
	c.limitTimer = time.AfterFunc(c.limit, func() { c.hangup("time_limit") })
}
