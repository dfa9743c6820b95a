package ua

import (
	"testing"

	"github.com/hookswitch/hookswitch/switch/media"
)

// The SDP edit every offer and answer goes through.
func BenchmarkEditSDP(b *testing.B) {
	in := sdpAt(30000, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := editSDP(in, media.DirectionSendOnly, 2); err != nil {
			b.Fatal(err)
		}
	}
}

// A whole call between two accounts through a real switch: INVITE with
// digest, answer, ACK, BYE; each side sees it end.
func BenchmarkCallSetupTeardown(b *testing.B) {
	sw := newSwitch(b)
	s := newStack(b, sw.sip)
	a, ra := register(b, s, "1001")
	_, rb := register(b, s, "1002")
	offer, answer := sdpAt(30000, 1), sdpAt(30002, 1)
	b.ReportAllocs()
	for b.Loop() {
		c, err := a.Call(ctxWait(b), "1002", "", offer)
		if err != nil {
			b.Fatal(err)
		}
		in := next(b, rb.incoming, "incoming call")
		if err := in.Answer(answer); err != nil {
			b.Fatal(err)
		}
		ra.waitState(b, c, CallConnected)
		if err := c.Hangup(ctxWait(b)); err != nil {
			b.Fatal(err)
		}
		rb.waitState(b, in, CallDisconnected)
		drain(ra)
		drain(rb)
	}
}

// drain empties a recorder between benchmark rounds.
func drain(r *recorder) {
	for {
		select {
		case <-r.states:
		case <-r.sdps:
		default:
			return
		}
	}
}
