package integration

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

func (p *phone) options(t testing.TB) *sip.Response {
	t.Helper()
	d := p.newDialog(sip.GenerateTagN(24), p.aor(p.user), p.switchURI(""), p.switchURI(""))
	return p.do(t, d.request(sip.OPTIONS))
}

func TestOptions(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	res := newPhone(t, sw, "1001").options(t)
	if res.StatusCode != 200 {
		t.Fatalf("OPTIONS: %d, want 200", res.StatusCode)
	}
	allow := res.GetHeader("Allow")
	if allow == nil {
		t.Fatal("200 to OPTIONS has no Allow")
	}
	for _, m := range []string{"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER"} {
		if !strings.Contains(allow.Value(), m) {
			t.Errorf("Allow %q lacks %s", allow.Value(), m)
		}
	}
}

func TestMaxForwardsZero(t *testing.T) {
	t.Parallel()
	_, a, b := pair(t)
	c := a.dialWith(t, "1002", true, func(r *sip.Request) {
		mf := sip.MaxForwardsHeader(0)
		r.ReplaceHeader(&mf)
	})
	if res, _ := c.final(t); res.StatusCode != 483 {
		t.Fatalf("INVITE with Max-Forwards 0: %d, want 483", res.StatusCode)
	}
	select {
	case <-b.incoming:
		t.Fatal("the callee was rung")
	default:
	}
}

// rawExchange sends one datagram to the switch and returns the first reply
// within d, or nil.
func rawExchange(t *testing.T, sw *testSwitch, msg string, d time.Duration) []byte {
	t.Helper()
	conn, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(sw.sip))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 65535)
	n, err := conn.Read(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

func TestMalformedDatagrams(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1001")
	host := sw.sip.String()
	for _, tc := range []struct {
		name    string
		msg     string
		want400 bool // Via and CSeq parse, so a 400 can be matched
	}{
		{"garbage", "HELLO WORLD\r\n\r\n", false},
		{"binary", "\x00\x01\x02\xff\xfe INVITE", false},
		{"broken Via", "INVITE sip:1002@" + host + " SIP/2.0\r\nVia: this is not a via\r\n" +
			"From: <sip:1001@127.0.0.1>;tag=a\r\nTo: <sip:1002@127.0.0.1>\r\nCall-ID: bad-via\r\n" +
			"CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", false},
		{"broken CSeq", "OPTIONS sip:" + host + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-bad\r\n" +
			"From: <sip:1001@127.0.0.1>;tag=a\r\nTo: <sip:1002@127.0.0.1>\r\nCall-ID: bad-cseq\r\n" +
			"CSeq: one OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", false},
		{"broken Max-Forwards", "OPTIONS sip:" + host + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-mf\r\n" +
			"From: <sip:1001@127.0.0.1>;tag=a\r\nTo: <sip:1002@127.0.0.1>\r\nCall-ID: bad-mf\r\n" +
			"CSeq: 1 OPTIONS\r\nMax-Forwards: seventy\r\nContent-Length: 0\r\n\r\n", true},
		{"broken From", "OPTIONS sip:" + host + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-from\r\n" +
			"From: <sip:1001@127.0.0.1;tag=a\r\nTo: <sip:1002@127.0.0.1>\r\nCall-ID: bad-from\r\n" +
			"CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", true},
		{"short body", "OPTIONS sip:" + host + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-cl\r\n" +
			"From: <sip:1001@127.0.0.1>;tag=a\r\nTo: <sip:1002@127.0.0.1>\r\nCall-ID: bad-cl\r\n" +
			"CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 500\r\n\r\nv=0\r\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply := rawExchange(t, sw, tc.msg, 500*time.Millisecond)
			if reply != nil && !bytes.HasPrefix(reply, []byte("SIP/2.0 400 ")) {
				t.Fatalf("reply %q, want a 400 or nothing", reply)
			}
			if tc.want400 && reply == nil {
				t.Fatal("no 400 for a malformed request whose Via and CSeq parse")
			}
			if res := p.options(t); res.StatusCode != 200 {
				t.Fatalf("OPTIONS after the bad datagram: %d", res.StatusCode)
			}
		})
	}
}
