package ua

import (
	"context"

	gosip "github.com/emiago/sipgo/sip"
)

// Record starts (on) or stops the switch's on-demand recording of the
// connected call: an INFO with the header "Record: on" or "Record: off"
// and no body, as Yealink and Grandstream phones send. nil on 200; a
// *StatusError otherwise: 403 when the switch's recording policy refuses,
// 481 when the switch knows no such call (the call then ends).
func (c *Call) Record(ctx context.Context, on bool) error {
	c.mu.Lock()
	ended, answered := c.ended, c.answered
	c.mu.Unlock()
	switch {
	case ended:
		return ErrCallEnded
	case !answered:
		return ErrCallState
	}
	v := "off"
	if on {
		v = "on"
	}
	req := c.d.request(gosip.INFO, 0)
	req.AppendHeader(gosip.NewHeader("Record", v))
	return c.info(ctx, req)
}
