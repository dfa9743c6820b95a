package integration

import (
	"testing"
)

// BenchmarkRegister measures one authenticated REGISTER (401 challenge,
// then credentials, then 200) through the switch over loopback UDP.
func BenchmarkRegister(b *testing.B) {
	sw := newSwitch(b)
	p := newPhone(b, sw, "1001")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if res := p.register(b, 600, true); res.StatusCode != 200 {
			b.Fatalf("REGISTER: %d", res.StatusCode)
		}
	}
}

// BenchmarkCallSetup measures one call: INVITE (with its 407 round), 180,
// 200, ACK, then BYE from the caller until the callee has it.
func BenchmarkCallSetup(b *testing.B) {
	sw := newSwitch(b)
	caller, callee := newPhone(b, sw, "1001"), newPhone(b, sw, "1002")
	caller.mustRegister(b)
	callee.mustRegister(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c := caller.dial(b, "1002")
		d := c.answered(b)
		in := callee.waitIncoming(b)
		db := in.dialog(b)
		if res := d.bye(b); res.StatusCode != 200 {
			b.Fatalf("BYE: %d", res.StatusCode)
		}
		db.waitBye(b)
	}
}
