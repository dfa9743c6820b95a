package wcp

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// callPhone has the page call p's extension to, p answering with its SDP
// on port; it returns the call's cid once the page saw it connected.
func callPhone(t *testing.T, cl *client, br *browser, p *phone, to string, port int) (string, *ua.Call) {
	t.Helper()
	cid := cl.ask(callproto.OpCall, 0, f("to", to), f("sdp", br.offer())).Get("cid")
	pc := recv(t, p.calls, "the phone's incoming call")
	if err := pc.Answer(plainSDP(port)); err != nil {
		t.Fatal(err)
	}
	for {
		m := cl.next()
		switch {
		case m.Op == callproto.EvMediaChange && m.Get("cid") == cid:
			br.setAnswer(m.Get("sdp"))
		case m.Op == callproto.EvCallState && m.Get("cid") == cid && m.Get("state") == "1":
		case m.Op == callproto.EvCallState && m.Get("cid") == cid && m.Get("state") == "2":
			br.connected()
			return cid, pc
		default:
			t.Fatalf("unexpected %s", m)
		}
	}
}

// 1013 starts and stops the switch's recording of the call: a call
// recording appears in the switch's recording store; a refusal would be a
// 9004 with a cause before the next ACK.
func TestRecordOnDemand(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	cid, _ := callPhone(t, cl, newBrowser(t), p, "1002", 30020)

	cl.ask(callproto.OpRecord, -2, f("cid", cid), f("rec", "2"))
	cl.ask(callproto.OpRecord, -2, f("cid", cid))
	cl.ask(callproto.OpRecord, -4, f("cid", "nosuchcall"), f("rec", "1"))
	cl.ask(callproto.OpRecord, 0, f("cid", cid), f("rec", "1"))
	waitFor(t, "the recording started", func() bool { return sw.srv.Recordings.InProgress() == 1 })
	cl.ask(callproto.OpRecord, 0, f("cid", cid), f("rec", "0"))
	waitFor(t, "the recording kept", func() bool {
		list, n, err := sw.srv.Recordings.List(recording.Filter{Kind: recording.KindCall})
		return err == nil && n == 1 && list[0].From == "1001" && sw.srv.Recordings.InProgress() == 0
	})
	cl.ask(callproto.OpDisconnect, 0, f("cid", cid)) // no refusal came before it
	cl.event(callproto.EvCallState, "cid="+cid, "state=0")
	cl.ask(callproto.OpRecord, -4, f("cid", cid), f("rec", "1"))
}

// 1009 sends a MESSAGE to a SIP phone (9006 code=0), the phone's answer
// comes back as 9005, and a message to an extension nobody registered is
// 9006 code=-480.
func TestMessages(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")

	cl.ask(callproto.OpSendMessage, -2, f("to", "1002"), f("msg", "no mid"))
	cl.ask(callproto.OpSendMessage, -2, f("to", "sip:"), f("mid", "m0"), f("msg", "x"))
	cl.ask(callproto.OpSendMessage, -2, f("to", "10,02"), f("mid", "m0"), f("msg", "x"))
	cl.ask(callproto.OpSendMessage, 0, f("to", "sip:1002@127.0.0.1"), f("mid", "m1"), f("msg", "hello\nthere"))
	cl.event(callproto.EvMessageReport, "mid=m1", "code=0")
	got := recv(t, p.msgs, "the phone's message")
	if got.From != "1001" || string(got.Body) != "hello\nthere" {
		t.Fatalf("the phone got %+v", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := p.a.Message(ctx, "1001", "hi back\r\nline 2"); err != nil {
		t.Fatal(err)
	}
	cl.event(callproto.EvMessage, "from=1002", "to=1001", "msg=hi back\r\nline 2")

	cl.ask(callproto.OpSendMessage, 0, f("to", "1003"), f("mid", "m2"), f("msg", "anyone?"))
	cl.event(callproto.EvMessageReport, "mid=m2", "code=-480")
}

// blfStates reads 9012s until ext's dialog states included want in
// order; other extensions' 9012s are skipped, any other frame fails.
func blfStates(t *testing.T, cl *client, ext string, want ...string) {
	t.Helper()
	var seen []string
	for len(want) > 0 {
		m := cl.next()
		if m.Op != callproto.EvBLFState {
			t.Fatalf("unexpected %s (waiting for %s of %s)", m, want[0], ext)
		}
		if m.Get("ext") != ext {
			continue
		}
		if m.Get("state") != "0" {
			t.Fatalf("BLF error %s", m)
		}
		st := dialogState(m.Get("blfxml"))
		seen = append(seen, st)
		if st == want[0] {
			want = want[1:]
		}
	}
	t.Logf("%s: %v", ext, seen)
}

// dialogState is the state of the first dialog of a dialog-info
// document; "terminated" without any dialog (idle).
func dialogState(doc string) string {
	i := strings.Index(doc, "<state")
	if i < 0 {
		return "terminated"
	}
	rest := doc[i:]
	j := strings.IndexByte(rest, '>')
	k := strings.Index(rest, "</state>")
	if j < 0 || k < j {
		return "?"
	}
	return strings.TrimSpace(rest[j+1 : k])
}

// 1014 watches extensions: each one's dialog-info comes as 9012 at once
// and on every change of a call between two SIP phones (early, confirmed,
// terminated); an unknown extension is a negative state; the cap is -1.
func TestBLF(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, func(c *Config) { c.MaxBLF = 3 })
	p2 := newPhone(t, sw, "1002")
	p3 := newPhone(t, sw, "1003")
	cl := dial(t, sw)
	cl.connect()
	cl.ask(callproto.OpBLF, -1, f("blf", "1"), f("ext", "1002"))
	cl.register("1001")

	cl.ask(callproto.OpBLF, -2, f("blf", "1"))
	cl.ask(callproto.OpBLF, -2, f("blf", "2"), f("ext", "1002"))
	cl.ask(callproto.OpBLF, -2, f("blf", "3"))
	cl.ask(callproto.OpBLF, -2, f("blf", "1"), f("ext", "1002,,1003"))
	if m := cl.ask(callproto.OpBLF, 0, f("blf", "2")); m.Get("ext") != "" {
		t.Fatalf("monitoring before any 1014: %s", m)
	}
	cl.ask(callproto.OpBLF, 0, f("blf", "1"), f("ext", "1002"))
	blfStates(t, cl, "1002", "terminated") // idle at once
	if m := cl.ask(callproto.OpBLF, 0, f("blf", "2")); m.Get("ext") != "1002" {
		t.Fatalf("list: %s", m)
	}
	cl.ask(callproto.OpBLF, -1, f("blf", "1"), f("ext", "1002,1003,1004,1005")) // 4 over a cap of 3
	cl.ask(callproto.OpBLF, 0, f("blf", "1"), f("ext", "1999"))
	if m := cl.event(callproto.EvBLFState, "ext=1999"); m.Get("state") == "0" || m.Get("blfxml") != "" {
		t.Fatalf("an unknown extension: %s", m)
	}
	if m := cl.ask(callproto.OpBLF, 0, f("blf", "2")); m.Get("ext") != "1002" {
		t.Fatalf("list after a refusal: %s", m)
	}

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	pc, err := p2.a.Call(ctx, "1003", "", plainSDP(30030))
	if err != nil {
		t.Fatal(err)
	}
	in := recv(t, p3.calls, "1003's incoming call")
	if err := in.Ringing(); err != nil {
		t.Fatal(err)
	}
	blfStates(t, cl, "1002", "early")
	if err := in.Answer(plainSDP(30032)); err != nil {
		t.Fatal(err)
	}
	blfStates(t, cl, "1002", "confirmed")
	hctx, hcancel := context.WithTimeout(context.Background(), wait)
	defer hcancel()
	if err := pc.Hangup(hctx); err != nil {
		t.Fatal(err)
	}
	blfStates(t, cl, "1002", "terminated")

	cl.ask(callproto.OpBLF, 0, f("blf", "0"))
	if m := cl.ask(callproto.OpBLF, 0, f("blf", "2")); m.Get("ext") != "" {
		t.Fatalf("monitoring after stop all: %s", m)
	}
	waitFor(t, "the subscriptions ended", func() bool { return sw.srv.Subs.Count() == 0 })

	// Closing the socket ends the subscriptions too.
	cl.ask(callproto.OpBLF, 0, f("blf", "1"), f("ext", "1002,1003"))
	waitFor(t, "two subscriptions", func() bool { return sw.srv.Subs.Count() == 2 })
	cl.c.CloseNow()
	waitFor(t, "the subscriptions ended with the session", func() bool { return sw.srv.Subs.Count() == 0 })
}

// rtpPhone is a plain SIP phone with a real RTP socket.
type rtpPhone struct {
	*phone
	conn *net.UDPConn
	got  chan struct{}
}

func newRTPPhone(t *testing.T, sw *testSwitch, ext string) *rtpPhone {
	t.Helper()
	c, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	p := &rtpPhone{phone: newPhone(t, sw, ext), conn: c, got: make(chan struct{}, 1)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 2048)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			if n >= 12 && buf[0]>>6 == 2 {
				select {
				case p.got <- struct{}{}:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() { c.Close(); wg.Wait() })
	return p
}

func (p *rtpPhone) sdp() []byte { return plainSDP(p.conn.LocalAddr().(*net.UDPAddr).Port) }

// talk sends PCMU packets to the switch's address in c's remote SDP
// until stop is closed.
func (p *rtpPhone) talk(t *testing.T, c *ua.Call, stop chan struct{}) {
	t.Helper()
	info, err := media.ParseSDP(c.RemoteSDP())
	if err != nil {
		t.Fatal(err)
	}
	to := net.UDPAddrFromAddrPort(info.Audio().Addr)
	go func() {
		pkt := make([]byte, 12+160)
		pkt[0], pkt[1] = 0x80, 0
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for seq := uint16(1); ; seq++ {
			pkt[2], pkt[3] = byte(seq>>8), byte(seq)
			pkt[8], pkt[9], pkt[10], pkt[11] = 0x12, 0x34, 0x56, 0x78
			p.conn.WriteToUDP(pkt, to)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
}

// The page, in a call with 1002, makes a second call to 1003 (1008: the
// first is held, 9007 reports the second), then hangs up the first
// (1010): the switch connects 1002 and 1003, whose RTP then reaches each
// other, and the page's calls end, the first with cause 200.
func TestAttendedTransfer(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p2, p3 := newRTPPhone(t, sw, "1002"), newRTPPhone(t, sw, "1003")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	br := newBrowser(t)
	cid := cl.ask(callproto.OpCall, 0, f("to", "1002"), f("sdp", br.offer())).Get("cid")
	c2 := recv(t, p2.calls, "1002's call")
	if err := c2.Answer(p2.sdp()); err != nil {
		t.Fatal(err)
	}
	for m := cl.next(); !(m.Op == callproto.EvCallState && m.Get("state") == "2"); m = cl.next() {
		if m.Op == callproto.EvMediaChange {
			br.setAnswer(m.Get("sdp"))
		}
	}
	br.connected()

	cl.ask(callproto.OpSecondCall, -4, f("cid", "nosuchcall"), f("rto", "1003"))
	cl.ask(callproto.OpSecondCall, -2, f("cid", cid), f("rto", "10 03"))
	cl.ask(callproto.OpModify, -2, f("cid", cid), f("type", "2")) // no second call to drop
	second := cl.ask(callproto.OpSecondCall, 0, f("cid", cid), f("rto", "1003")).Get("cid")
	if second == "" || second == cid {
		t.Fatalf("second cid %q", second)
	}
	cl.askLater(callproto.OpSecondCall, -2, f("cid", cid), f("rto", "1003")) // one at a time
	c3 := recv(t, p3.calls, "1003's call")
	if err := c3.Ringing(); err != nil {
		t.Fatal(err)
	}
	held, ringing := false, false
	for !held || !ringing {
		m := cl.next()
		switch {
		case m.Op == callproto.EvCallState && m.Get("cid") == cid && m.Get("state") == "3":
			held = true
		case m.Op == callproto.EvSecondCallState && m.Get("cid") == second && m.Get("state") == "1":
			ringing = true
		case m.Op == callproto.EvMediaChange && m.Get("cid") == cid: // the held SDP
		default:
			t.Fatalf("unexpected %s", m)
		}
	}
	if err := c3.Answer(p3.sdp()); err != nil {
		t.Fatal(err)
	}
	cl.event(callproto.EvSecondCallState, "cid="+second, "state=2")

	cl.ask(callproto.OpDisconnect, 0, f("cid", cid))
	firstDone, secondDone := false, false
	for !firstDone || !secondDone {
		m := cl.next()
		switch {
		case m.Op == callproto.EvCallState && m.Get("cid") == cid && m.Get("state") == "0":
			if m.Get("cause") != "200" {
				t.Fatalf("transfer outcome %s, want cause=200", m)
			}
			firstDone = true
		case m.Op == callproto.EvSecondCallState && m.Get("cid") == second && m.Get("state") == "0":
			secondDone = true
		case m.Op == callproto.EvCallState && m.Get("cid") == cid: // hold changes
		case m.Op == callproto.EvMediaChange:
		default:
			t.Fatalf("unexpected %s", m)
		}
	}
	if c2.State() == ua.CallDisconnected || c3.State() == ua.CallDisconnected {
		t.Fatalf("a remote party was hung up: 1002 %s, 1003 %s", c2.State(), c3.State())
	}
	// Audio both ways between the two phones.
	stop := make(chan struct{})
	defer close(stop)
	drain(p2.got)
	drain(p3.got)
	p2.talk(t, c2, stop)
	recv(t, p3.got, "1002's RTP at 1003")
	p3.talk(t, c3, stop)
	recv(t, p2.got, "1003's RTP at 1002")
	cl.ask(callproto.OpDisconnect, -4, f("cid", cid))
	cl.ask(callproto.OpDisconnect, -4, f("cid", second))
}

func drain(ch chan struct{}) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// 1007 type=2 drops the second call and resumes the first; a ringing
// second call is dropped by 1010 on the first, which is blind-transferred
// to the second's number.
func TestRetrieveAndBlindTransfer(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p2, p3 := newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	cid, c2 := callPhone(t, cl, newBrowser(t), p2, "1002", 30040)

	second := cl.ask(callproto.OpSecondCall, 0, f("cid", cid), f("rto", "1003")).Get("cid")
	c3 := recv(t, p3.calls, "1003's call")
	if err := c3.Ringing(); err != nil {
		t.Fatal(err)
	}
	waitSecond(t, cl, second, "1")
	cl.ask(callproto.OpModify, 0, f("cid", cid), f("type", "2"))
	waitSecond(t, cl, second, "0")
	p3.waitState(t, ua.CallDisconnected)
	for m := cl.next(); !(m.Op == callproto.EvCallState && m.Get("cid") == cid && m.Get("state") == "2"); m = cl.next() {
		if m.Op != callproto.EvCallState && m.Op != callproto.EvMediaChange {
			t.Fatalf("unexpected %s", m)
		}
	}

	// Again, and this time 1010 while 1003 rings: a blind transfer.
	second = cl.ask(callproto.OpSecondCall, 0, f("cid", cid), f("rto", "1003")).Get("cid")
	c3 = recv(t, p3.calls, "1003's second call")
	if err := c3.Ringing(); err != nil {
		t.Fatal(err)
	}
	waitSecond(t, cl, second, "1")
	cl.ask(callproto.OpDisconnect, 0, f("cid", cid))
	waitSecond(t, cl, second, "0")
	// The switch calls 1003 again for 1002.
	c3b := recv(t, p3.calls, "1003's call from the transfer")
	if err := c3b.Answer(plainSDP(30044)); err != nil {
		t.Fatal(err)
	}
	for {
		m := cl.next()
		if m.Op == callproto.EvCallState && m.Get("cid") == cid && m.Get("state") == "0" {
			if m.Get("cause") != "200" {
				t.Fatalf("blind transfer outcome %s", m)
			}
			break
		}
	}
	if c2.State() == ua.CallDisconnected {
		t.Fatal("1002 was hung up")
	}
}

// waitSecond skips the first call's frames until the second call's 9007
// with state.
func waitSecond(t *testing.T, cl *client, cid, state string) {
	t.Helper()
	for {
		m := cl.next()
		switch {
		case m.Op == callproto.EvSecondCallState && m.Get("cid") == cid:
			if m.Get("state") == state {
				return
			}
		case m.Op == callproto.EvCallState || m.Op == callproto.EvMediaChange:
		default:
			t.Fatalf("unexpected %s", m)
		}
	}
}

// With its own sdp, a second call's answer comes as 9003 with the second
// cid, and the page's second peer connection reaches the gateway.
func TestSecondCallOwnMedia(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p2, p3 := newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	cid, _ := callPhone(t, cl, newBrowser(t), p2, "1002", 30050)
	cl.ask(callproto.OpSecondCall, -2, f("cid", cid), f("rto", "1003"), f("sdp", "v=0\r\nnot sdp"))
	br2 := newBrowser(t)
	second := cl.ask(callproto.OpSecondCall, 0, f("cid", cid), f("rto", "1003"), f("sdp", br2.offer())).Get("cid")
	c3 := recv(t, p3.calls, "1003's call")
	if err := c3.Answer(plainSDP(30052)); err != nil {
		t.Fatal(err)
	}
	answered, connected := false, false
	for !answered || !connected {
		m := cl.next()
		switch {
		case m.Op == callproto.EvMediaChange && m.Get("cid") == second:
			br2.setAnswer(m.Get("sdp"))
			answered = true
		case m.Op == callproto.EvSecondCallState && m.Get("cid") == second && m.Get("state") == "2":
			connected = true
		case m.Op == callproto.EvSecondCallState && m.Get("cid") == second:
		case m.Op == callproto.EvCallState && m.Get("cid") == cid, m.Op == callproto.EvMediaChange && m.Get("cid") == cid:
		default:
			t.Fatalf("unexpected %s", m)
		}
	}
	br2.connected()
	cl.askLater(callproto.OpDisconnect, 0, f("cid", second))
	waitSecond(t, cl, second, "0")
}
