package subscribe

import (
	"strconv"
	"strings"
	"testing"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/tests/torture"
)

// FuzzHeaders: the header parsers never panic, and what they accept is
// what the grammar allows.
func FuzzHeaders(f *testing.F) {
	for _, s := range []string{"message-summary", "dialog;id=1;x", ";", "a;id=b;id=c", "3600", "4294967296",
		"application/*;q=1, */*", "\x00", "x;id=\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if name, id, err := parseEvent(v); err == nil {
			if !isToken(name) || len(name) > maxTokenLen || (id != "" && (!isToken(id) || len(id) > maxTokenLen)) {
				t.Fatalf("parseEvent(%q) = %q, %q", v, name, id)
			}
		}
		if n, err := parseExpires(v); err == nil {
			if n < 0 || n > 1<<32-1 || strconv.FormatInt(n, 10) != strings.TrimLeft(strings.TrimSpace(v), "0") && n != 0 {
				t.Fatalf("parseExpires(%q) = %d", v, n)
			}
		}
		acceptable([]gosip.Header{gosip.NewHeader("Accept", v)}, "application/simple-message-summary")
		if validResource(v) && strings.ContainsAny(v, "\r\n@<> ") {
			t.Fatalf("validResource(%q)", v)
		}
	})
}

// anyUser authenticates every Authorization header, so the fuzzer reaches
// the code after authentication.
type anyUser struct{}

func (anyUser) Challenges(bool) []string { return []string{`Digest realm="x", nonce="y"`} }
func (anyUser) Verify(_, header string, _ func(string) (string, bool)) (string, error) {
	if strings.Contains(header, "1002") {
		return "1002", nil
	}
	return "1001", nil
}

// fuzzSub is the start of a SUBSCRIBE from 1001 for its own mailbox.
const fuzzSub = "SUBSCRIBE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK1\r\n" +
	"From: <sip:1001@127.0.0.1>;tag=a\r\nTo: <sip:1001@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 SUBSCRIBE\r\n" +
	"Contact: <sip:1001@127.0.0.1:5099>\r\nMax-Forwards: 70\r\n"

// fuzzSeeds reach the handler's branches; want is each one's answer.
var fuzzSeeds = []struct {
	msg  string
	want int
}{
	{fuzzSub + "Event: message-summary\r\nExpires: 600\r\nAuthorization: Digest username=\"1001\"\r\nContent-Length: 0\r\n\r\n", 200},
	{fuzzSub + "Event: message-summary;id=9\r\nExpires: 0\r\nAuthorization: Digest u\r\nContent-Length: 0\r\n\r\n", 200},
	{fuzzSub + "o: message-summary\r\nAccept: text/*\r\nContent-Length: 0\r\n\r\n", 406},
	{fuzzSub + "Event: presence\r\nContent-Length: 0\r\n\r\n", 489},
	{fuzzSub + "Event: message-summary\r\nRecord-Route: <sip:p1;lr>,<sip:p2;lr>\r\nAuthorization: Digest 1002\r\nContent-Length: 0\r\n\r\n", 403},
	{fuzzSub + "Event: message-summary\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi", 400},
	{strings.Replace(fuzzSub, "To: <sip:1001@127.0.0.1>", "To: <sip:1001@127.0.0.1>;tag=zz", 1) +
		"Event: message-summary\r\nContent-Length: 0\r\n\r\n", 481},
	{fuzzSub + "Event: message-summary\r\nExpires: 5\r\nContent-Length: 0\r\n\r\n", 423},
}

// FuzzSubscribe: whatever SUBSCRIBE arrives, the handler does not panic,
// answers with a well-formed status, and keeps state only on a 200. The
// handler is called without a transaction, so no NOTIFY is ever sent.
func FuzzSubscribe(f *testing.F) {
	all, err := torture.All()
	if err != nil {
		f.Fatalf("torture corpus: %v", err)
	}
	for _, name := range torture.Names() {
		f.Add(all[name])
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s.msg))
	}
	s := handlerOnly(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, err := gosip.ParseMessage(raw)
		if err != nil {
			return
		}
		req, ok := msg.(*gosip.Request)
		if !ok || sip.Validate(req) != nil {
			return
		}
		before := s.Count()
		r := s.handle(req)
		if r.code < 200 || r.code > 699 {
			t.Fatalf("status %d", r.code)
		}
		if strings.ContainsAny(r.reason, "\r\n") {
			t.Fatalf("reason %q", r.reason)
		}
		for _, h := range r.hdrs {
			if strings.ContainsAny(h.Value(), "\r\n") {
				t.Fatalf("header %s: %q", h.Name(), h.Value())
			}
		}
		if (r.sub != nil) != (r.code == 200) {
			t.Fatalf("status %d with subscription %v", r.code, r.sub != nil)
		}
		if r.code != 200 && s.Count() != before {
			t.Fatalf("a %d changed the subscriptions from %d to %d", r.code, before, s.Count())
		}
		if s.Count() > 64 {
			t.Fatalf("%d subscriptions over the cap", s.Count())
		}
	})
}

// handlerOnly is a server whose stack never listens and whose
// authenticator admits everyone: handle runs all its checks, and no NOTIFY
// can leave (only ServeSIP, after answering, starts a sender).
func handlerOnly(tb testing.TB) *Server {
	tb.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Logger: discard})
	if err != nil {
		tb.Fatalf("store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	stack, err := sip.New(sip.Config{UDP: "127.0.0.1:0", Logger: discard})
	if err != nil {
		tb.Fatalf("stack: %v", err)
	}
	tb.Cleanup(func() { stack.Close() })
	s, err := New(Config{MaxTotal: 64, MaxPerUser: 16}, stack, st, anyUser{}, nil, discard,
		NewMessageSummary(newMailboxes(), func() string { return "127.0.0.1" }))
	if err != nil {
		tb.Fatalf("new: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// The seeds reach past authentication, so the fuzzer explores there too.
func TestFuzzSeeds(t *testing.T) {
	s := handlerOnly(t)
	for i, seed := range fuzzSeeds {
		msg, err := gosip.ParseMessage([]byte(seed.msg))
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		if r := s.handle(msg.(*gosip.Request)); r.code != seed.want {
			t.Errorf("seed %d: %d %s, want %d", i, r.code, r.reason, seed.want)
		}
	}
}
