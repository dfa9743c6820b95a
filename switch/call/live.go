package call

import (
	"slices"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// Live call states, as the admin API shows them.
const (
	StateRinging = "ringing" // the caller has no answer yet
	StateTalking = "talking" // answered, by a callee or by a program
)

// CallInfo is one call in progress, as the admin API lists it.
type CallInfo struct {
	CallID     string    `json:"call_id"` // the caller's Call-ID, as in the CDR
	Caller     string    `json:"caller"`
	CallerName string    `json:"caller_name"`
	Callee     string    `json:"callee"`               // the number dialed
	FinalDest  string    `json:"final_dest,omitempty"` // where the call went (an extension, a number)
	Direction  string    `json:"direction"`            // internal, inbound, outbound, transit
	State      string    `json:"state"`                // StateRinging or StateTalking
	StartTime  time.Time `json:"start_time"`
	AnswerTime time.Time `json:"answer_time,omitzero"`
	// Trunk is the trunk the callee was reached through, else the one the
	// caller came in on ("" for an internal call).
	Trunk  string `json:"trunk"`
	Tenant string `json:"tenant,omitempty"` // as in the CDR
}

// Snapshot lists the calls in progress, oldest first.
func (m *Manager) Snapshot() []CallInfo {
	out := []CallInfo{}
	for _, c := range m.liveCalls() {
		c.mu.Lock()
		if !c.ended {
			info := CallInfo{CallID: c.cdr.CallID, Caller: c.cdr.Caller, CallerName: c.cdr.CallerName,
				Callee: c.cdr.Callee, FinalDest: c.cdr.FinalDest, Direction: c.cdr.Direction, State: StateRinging,
				StartTime: c.cdr.StartTime, AnswerTime: c.cdr.AnswerTime, Trunk: c.trunk, Tenant: c.cdr.Tenant}
			if c.answered {
				info.State = StateTalking
			}
			if info.Trunk == "" {
				info.Trunk = c.cdr.InboundTrunk
			}
			out = append(out, info)
		}
		c.mu.Unlock()
	}
	slices.SortFunc(out, func(a, b CallInfo) int {
		if n := a.StartTime.Compare(b.StartTime); n != 0 {
			return n
		}
		return strings.Compare(a.CallID, b.CallID)
	})
	return out
}

// liveCalls copies the set of calls, so that no call's lock is taken under
// m.mu (win takes c.mu, then m.mu).
func (m *Manager) liveCalls() []*Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	calls := make([]*Call, 0, len(m.calls))
	for c := range m.calls {
		calls = append(calls, c)
	}
	return calls
}

// adminUnanswered is what a caller whose call an admin ends before any
// answer hears: 480 says "not reachable now", where 487 would tell its
// phone that it canceled the call itself, which it did not.
const adminUnanswered = 480

// answerGrace bounds how long Hangup waits for a callee's 2xx, already
// taken, to reach the caller, so that both get a BYE rather than a caller
// who was told 480 while its callee talks to no one.
const answerGrace = 2 * time.Second

// Hangup ends the call whose caller Call-ID is callID as an admin hang-up
// (CDR ended_reason "admin_hangup"): an answered call gets a BYE on both
// legs; a ringing call's caller gets 480 and its forks are canceled (CDR
// call_status "failed", fail_code 480). It reports false when no such call
// is in progress.
func (m *Manager) Hangup(callID string) bool {
	found := false
	for _, c := range m.liveCalls() {
		c.mu.Lock()
		match := c.cdr.CallID == callID && !c.ended
		c.mu.Unlock()
		if match {
			found = true
			c.adminHangup()
		}
	}
	return found
}

func (c *Call) adminHangup() {
	deadline := time.Now().Add(answerGrace)
	for {
		c.mu.Lock()
		ended, done, winning := c.ended, c.answered || c.final, c.b != nil
		c.mu.Unlock()
		switch {
		case ended:
			return
		case done:
			// Answered: BYE both sides. A final answer already went out
			// (failing): only the end is left.
			c.hangup("admin_hangup")
			return
		case winning && time.Now().Before(deadline):
			// A callee's 2xx won and is on its way to the caller (win, then
			// answer): once it is there, the BYEs go to both.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		// The a-leg (its local tag is the To tag of our answers) is written
		// by run before it registers the leg's dialog under m.mu: finding
		// that dialog both proves the leg exists and orders our read after
		// the write. A call caught before that gets run's own answer (503).
		a := c.m.registeredLegA(c)
		c.mu.Lock()
		if c.ended || c.answered || c.final || (c.b != nil) != winning {
			c.mu.Unlock()
			continue // it moved on meanwhile: look again
		}
		b := c.b
		if a != nil {
			c.final = true
			c.status = "failed"
			c.cdr.FailCode = adminUnanswered
		}
		c.mu.Unlock()
		if a != nil {
			res := gosip.NewResponseFromRequest(c.req, adminUnanswered, "Temporarily Unavailable", nil)
			res.To().Params.Add("tag", a.d.localTag)
			c.tx.Respond(res)
		}
		if b != nil {
			// A callee answered but its 2xx never reached the caller in
			// answerGrace: release it too, as hangup BYEs answered calls only.
			go c.m.bye(b)
		}
		// Ending the call closes c.done: the ringing forks are canceled and
		// run finds the final response already sent.
		c.hangup("admin_hangup")
		return
	}
}

// registeredLegA returns c's caller leg once run registered its dialog,
// else nil.
func (m *Manager) registeredLegA(c *Call) *leg {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, l := range m.dialogs {
		if l.call == c && l.d.callID == c.req.CallID().Value() && l.invite == c.req {
			return l
		}
	}
	return nil
}
