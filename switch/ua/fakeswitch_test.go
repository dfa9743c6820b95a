package ua

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// fakeSwitch is a raw UDP peer standing in for the switch, to send the
// UA what a real switch never would. It answers REGISTER and SUBSCRIBE
// with 200 by itself and hands every other message to the test.
type fakeSwitch struct {
	conn *net.UDPConn
	addr netip.AddrPort
	msgs chan gosip.Message
}

func newFakeSwitch(t testing.TB) *fakeSwitch {
	t.Helper()
	c, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSwitch{conn: c, addr: netip.MustParseAddrPort(c.LocalAddr().String()), msgs: make(chan gosip.Message, 64)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65535)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			m, err := gosip.ParseMessage(append([]byte(nil), buf[:n]...))
			if err != nil {
				continue
			}
			if req, ok := m.(*gosip.Request); ok && (req.Method == gosip.REGISTER || req.Method == gosip.SUBSCRIBE) {
				res := gosip.NewResponseFromRequest(req, 200, "OK", nil)
				if req.Method == gosip.REGISTER {
					res.AppendHeader(gosip.NewHeader("Contact", "<"+req.Contact().Address.String()+">;expires=600"))
				} else {
					res.To().Params.Add("tag", "fake")
					res.AppendHeader(gosip.NewHeader("Expires", "600"))
				}
				c.WriteToUDPAddrPort([]byte(res.String()), from)
				continue
			}
			select {
			case f.msgs <- m:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		c.Close()
		<-done
	})
	return f
}

// send writes a raw message to the UA, CRLF line ends, Content-Length
// computed.
func (f *fakeSwitch) send(t testing.TB, to netip.AddrPort, head string, body string) {
	t.Helper()
	msg := strings.ReplaceAll(strings.TrimLeft(head, "\n"), "\n", "\r\n")
	msg += fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
	if _, err := f.conn.WriteToUDPAddrPort([]byte(msg), to); err != nil {
		t.Fatal(err)
	}
}

// response waits for the next final response with CSeq method and
// number seq (0: any), skipping the rest.
func (f *fakeSwitch) response(t testing.TB, method string, seq uint32) *gosip.Response {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case m := <-f.msgs:
			if res, ok := m.(*gosip.Response); ok && string(res.CSeq().MethodName) == method && res.StatusCode >= 200 &&
				(seq == 0 || res.CSeq().SeqNo == seq) {
				return res
			}
		case <-deadline:
			t.Fatalf("no %s response within %v", method, wait)
			return nil
		}
	}
}

// request waits for the next request of method m.
func (f *fakeSwitch) request(t testing.TB, method string) *gosip.Request {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case m := <-f.msgs:
			if req, ok := m.(*gosip.Request); ok && string(req.Method) == method {
				return req
			}
		case <-deadline:
			t.Fatalf("no %s request within %v", method, wait)
			return nil
		}
	}
}

// fakeSetup is a stack whose switch is a fakeSwitch, with account 1001.
func fakeSetup(t *testing.T) (*fakeSwitch, *Stack, *Account, *recorder) {
	t.Helper()
	f := newFakeSwitch(t)
	s := newStack(t, f.addr)
	a, r := register(t, s, "1001")
	return f, s, a, r
}

// reqHead builds the start line and headers of a request from the fake
// switch to the account.
func reqHead(f *fakeSwitch, a *Account, method, callID, fromTag, toTag string, cseq int, extra ...string) string {
	ruri := a.Contact()
	to := "<sip:1001@127.0.0.1>"
	if toTag != "" {
		to += ";tag=" + toTag
	}
	h := fmt.Sprintf("%s %s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%s\nFrom: \"Switch\" <sip:2000@127.0.0.1>;tag=%s\nTo: %s\n"+
		"Call-ID: %s\nCSeq: %d %s\nMax-Forwards: 70\nContact: <sip:%s>\n",
		method, ruri, f.addr, gosip.GenerateTagN(10), fromTag, to, callID, cseq, method, f.addr)
	for _, e := range extra {
		h += e + "\n"
	}
	return h
}

// newResponse answers req as the callee would, with tag "callee".
func newResponse(req *gosip.Request, code int, body []byte) *gosip.Response {
	res := gosip.NewResponseFromRequest(req, code, "", body)
	res.To().Params.Add("tag", "callee")
	res.AppendHeader(gosip.NewHeader("Contact", "<sip:callee@"+req.Via().Host+">"))
	if body != nil {
		res.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	}
	return res
}
