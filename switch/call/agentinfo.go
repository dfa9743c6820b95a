package call

import (
	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
)

// tellAgent sends a browser caller the number of the agent who answered
// (desk phones have no use for it).
func (c *Call) tellAgent(agent string) {
	if agent == "" || !c.a.isWeb() {
		return
	}
	req := c.a.d.request(gosip.INFO, 0)
	req.AppendHeader(gosip.NewHeader("Content-Type", sip.AgentInfoType))
	req.SetBody([]byte(agent))
	c.m.send(req, gosip.Timer_F)
}
