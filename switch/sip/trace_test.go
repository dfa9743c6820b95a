package sip

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
)

var (
	traceLocal  = netip.MustParseAddrPort("127.0.0.1:5060")
	traceRemote = netip.MustParseAddrPort("127.0.0.1:6000")
)

func traceMsg(first, callID, method string, body int) []byte {
	return []byte(fmt.Sprintf("%s\r\nVia: SIP/2.0/UDP 127.0.0.1:6000;branch=z9hG4bK1\r\nCall-ID: %s\r\nCSeq: 1 %s\r\nContent-Length: %d\r\n\r\n%s",
		first, callID, method, body, strings.Repeat("x", body)))
}

func TestTracerGroupsAndLinksLegs(t *testing.T) {
	tr := NewTracer(10, 1<<20)
	tr.Record(false, "udp", traceLocal, traceRemote, traceMsg("INVITE sip:1002@h SIP/2.0", "a-leg", "INVITE", 0))
	tr.Link("a-leg", "b-leg")
	tr.Record(true, "udp", traceLocal, traceRemote, traceMsg("INVITE sip:1002@p SIP/2.0", "b-leg", "INVITE", 0))
	tr.Record(false, "udp", traceLocal, traceRemote, traceMsg("SIP/2.0 180 Ringing", "b-leg", "INVITE", 0))
	tr.Record(false, "udp", traceLocal, traceRemote, traceMsg("REGISTER sip:h SIP/2.0", "reg", "REGISTER", 0))
	tr.Record(false, "udp", traceLocal, traceRemote, []byte("\r\n\r\n")) // keepalive
	msgs, ids, ok := tr.Call("b-leg")
	if !ok || len(msgs) != 3 || strings.Join(ids, ",") != "a-leg,b-leg" {
		t.Fatalf("call by leg: ok %v, %d messages, ids %v; want 3 messages of a-leg,b-leg", ok, len(msgs), ids)
	}
	if m := msgs[1]; !m.Out || m.CallID != "b-leg" || m.Method != "INVITE" || m.First != "INVITE sip:1002@p SIP/2.0" || m.Src() != traceLocal || m.Dst() != traceRemote {
		t.Fatalf("second message %+v", m)
	}
	if _, _, ok := tr.Call("reg"); ok {
		t.Fatal("a REGISTER opened a call")
	}
	if o := tr.Other(); len(o) != 1 || o[0].Method != "REGISTER" {
		t.Fatalf("other ring %+v, want the REGISTER", o)
	}
}

func TestTracerBounds(t *testing.T) {
	tr := NewTracer(3, 1<<20)
	for i := range 5 {
		tr.Record(false, "udp", traceLocal, traceRemote, traceMsg("INVITE sip:x@h SIP/2.0", fmt.Sprint("c", i), "INVITE", 0))
	}
	if n, _ := tr.Stats(); n != 3 {
		t.Fatalf("%d calls held, want 3", n)
	}
	for i, want := range []bool{false, false, true, true, true} {
		if _, _, ok := tr.Call(fmt.Sprint("c", i)); ok != want {
			t.Fatalf("call c%d held %v, want %v (the oldest go first)", i, ok, want)
		}
	}
	// Bytes: each call ~10 KB, a 25 KB cap keeps the two newest.
	tr = NewTracer(100, 25<<10)
	for i := range 4 {
		tr.Record(false, "udp", traceLocal, traceRemote, traceMsg("INVITE sip:x@h SIP/2.0", fmt.Sprint("c", i), "INVITE", 10<<10))
	}
	if n, b := tr.Stats(); n != 2 || b > 25<<10 {
		t.Fatalf("%d calls, %d bytes held, want 2 within 25 KiB", n, b)
	}
	if _, _, ok := tr.Call("c1"); ok {
		t.Fatal("c1 kept past the byte cap")
	}
	// A registration storm lives in its own ring and evicts no call.
	for i := range 10 * traceOther {
		tr.Record(false, "udp", traceLocal, traceRemote, traceMsg("REGISTER sip:h SIP/2.0", fmt.Sprint("r", i), "REGISTER", 1<<10))
	}
	if _, _, ok := tr.Call("c3"); !ok {
		t.Fatal("REGISTERs evicted a call")
	}
	if o := tr.Other(); len(o) != traceOther || o[len(o)-1].CallID != fmt.Sprint("r", 10*traceOther-1) {
		t.Fatalf("other ring holds %d, last %q", len(o), o[len(o)-1].CallID)
	}
	// Linking to a call that was evicted opens it again rather than crash.
	tr.Link("gone", "leg")
	if _, ids, ok := tr.Call("leg"); !ok || len(ids) != 2 {
		t.Fatalf("link to an unknown call: %v %v", ids, ok)
	}
	var nilT *Tracer
	nilT.Record(true, "udp", traceLocal, traceRemote, traceMsg("INVITE sip:x@h SIP/2.0", "n", "INVITE", 0))
	nilT.Link("a", "b")
	if _, _, ok := nilT.Call("n"); ok {
		t.Fatal("a nil tracer holds a call")
	}
}

func TestCutMessageFramesAStream(t *testing.T) {
	a := traceMsg("INVITE sip:x@h SIP/2.0", "s1", "INVITE", 5)
	b := traceMsg("SIP/2.0 200 OK", "s1", "INVITE", 0)
	stream := append(append([]byte("\r\n\r\n"), a...), b...)
	c := &tracedConn{t: NewTracer(0, 0), transport: "tcp", local: traceLocal, remote: traceRemote}
	// Byte by byte: TCP may cut anywhere.
	for i := range stream {
		c.in = append(c.in, stream[i])
		for {
			msg, rest, ok := cutMessage(c.in)
			if !ok {
				break
			}
			c.t.Record(false, "tcp", traceLocal, traceRemote, msg)
			c.in = rest
		}
	}
	msgs, _, ok := c.t.Call("s1")
	if !ok || len(msgs) != 2 || string(msgs[0].Raw) != string(a) || string(msgs[1].Raw) != string(b) {
		t.Fatalf("framed %d messages, want the INVITE and its 200 whole", len(msgs))
	}
}

// BenchmarkTraceRecord is the cost per message of tracing: Record on (a
// call's message, copied and filed) against a nil tracer (off).
func BenchmarkTraceRecord(b *testing.B) {
	msg := traceMsg("INVITE sip:1002@127.0.0.1 SIP/2.0", "bench", "INVITE", 300)
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "off", true: "on"}[on], func(b *testing.B) {
			var tr *Tracer
			if on {
				tr = NewTracer(0, 0)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(msg)))
			for i := 0; b.Loop(); i++ {
				tr.Record(false, "udp", traceLocal, traceRemote, msg)
				if on && i%20 == 0 { // a new call every 20 messages
					msg = traceMsg("INVITE sip:1002@127.0.0.1 SIP/2.0", fmt.Sprint("bench", i), "INVITE", 300)
				}
			}
		})
	}
}

// BenchmarkTraceUDP is a datagram sent and received on loopback through
// the stack's socket, with the tracer wrapping the sender (on) or not
// (off): the ratio is what tracing adds to each message's socket path.
func BenchmarkTraceUDP(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "off", true: "on"}[on], func(b *testing.B) {
			raw, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer raw.Close()
			peer, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer peer.Close()
			var c net.PacketConn = raw
			if on {
				c = &tracedPacket{PacketConn: raw, t: NewTracer(0, 0), local: addrPort(raw.LocalAddr())}
			}
			buf := make([]byte, 4096)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				msg := traceMsg("INVITE sip:1002@127.0.0.1 SIP/2.0", fmt.Sprint("bench", i/20), "INVITE", 300)
				if _, err := c.WriteTo(msg, peer.LocalAddr()); err != nil {
					b.Fatal(err)
				}
				if _, _, err := peer.ReadFrom(buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
