package call

import "github.com/hookswitch/hookswitch/switch/store"

// busyNoWaiting reports whether extension e turned call waiting off (SPEC
// P1) and is on a call: a new call to it is then busy (486) instead of
// ringing, so the dial plan's busy forwarding or voicemail takes it.
func (m *Manager) busyNoWaiting(e store.Extension) bool {
	return !e.CallWaitingOn() && m.InUse(e.Number)
}
