package call

import "github.com/hookswitch/hookswitch/switch/media"

// holdChanged plays music on hold to the party that was put on hold (the
// leg opposite the holder) and stops it on resume. A held leg with a
// program's endpoint is left alone.
func (c *Call) holdChanged(holder *leg, hold bool) {
	if c.m.cfg.MusicOnHold == "none" || c.m.audio == nil {
		return
	}
	held := c.other(holder)
	if !hold || held == nil {
		c.stopMOH()
		return
	}
	c.mu.Lock()
	busy := c.moh != nil || c.ended || (held == c.a && c.ep != nil)
	c.mu.Unlock()
	if busy {
		return
	}
	tracks, err := c.m.audio.Music(c.m.cfg.MusicOnHold)
	if err != nil {
		c.m.log.Warn("music on hold unavailable", "call_id", c.cdr.CallID, "class", c.m.cfg.MusicOnHold, "error", err)
		return
	}
	ep, err := c.terminate(held)
	if err != nil {
		c.m.log.Warn("music on hold: cannot terminate the held leg", "call_id", c.cdr.CallID, "error", err)
		return
	}
	ep.Play(media.NewPlaylist(tracks, c.m.cfg.MusicShuffle))
	c.mu.Lock()
	if c.moh != nil || c.ended {
		c.mu.Unlock()
		ep.Close()
		return
	}
	c.moh = ep
	c.mu.Unlock()
}

func (c *Call) stopMOH() {
	c.mu.Lock()
	ep := c.moh
	c.moh = nil
	c.mu.Unlock()
	if ep != nil {
		ep.Close()
	}
}

// stopMedia ends whatever the switch plays or records on the call.
func (c *Call) stopMedia() {
	c.dropEndpoint()
	c.stopMOH()
	c.stopRecording()
}
