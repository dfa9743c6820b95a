package ua

import "strings"

// AutoAnswer says whether an incoming call asks to be answered at once
// (intercom, paging): RFC 5373's Answer-Mode, Call-Info answer-after=0, or
// the Alert-Info common phones read; the switch sends all of them.
func (c *Call) AutoAnswer() bool {
	if c.outgoing || c.req == nil {
		return false
	}
	for _, h := range c.req.GetHeaders("Answer-Mode") {
		if strings.EqualFold(strings.TrimSpace(h.Value()), "Auto") {
			return true
		}
	}
	for _, h := range c.req.GetHeaders("Call-Info") {
		if strings.Contains(strings.ToLower(h.Value()), "answer-after=0") {
			return true
		}
	}
	for _, h := range c.req.GetHeaders("Alert-Info") {
		v := strings.ToLower(h.Value())
		if strings.Contains(v, "alert-autoanswer") || strings.Contains(v, "auto answer") {
			return true
		}
	}
	return false
}
