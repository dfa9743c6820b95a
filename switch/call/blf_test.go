package call

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/store"
)

// blfCall is a call from 1001 (display "Alice") to dial, as far as the
// BLF book reads it.
func blfCall(t *testing.T, m *Manager, dial string) *Call {
	t.Helper()
	req := gosip.NewRequest(gosip.INVITE, gosip.Uri{Scheme: "sip", User: dial, Host: "127.0.0.1"})
	from := &gosip.FromHeader{DisplayName: "Alice", Address: gosip.Uri{Scheme: "sip", User: "1001", Host: "127.0.0.1"}, Params: gosip.NewParams()}
	from.Params.Add("tag", "caller-tag")
	cid := gosip.CallIDHeader("caller-call@" + dial)
	req.AppendHeader(from)
	req.AppendHeader(&cid)
	c := &Call{m: m, req: req, callerID: "1001", done: make(chan struct{}),
		info: hook.RouteRequest{From: "1001", To: dial, Authenticated: true}}
	c.cdr.CallerName = "Alice"
	c.a = &leg{call: c, invite: req, d: &dialog{callID: "caller-call@" + dial, localTag: "our-a-tag", remoteTag: "caller-tag"}}
	return c
}

// blfFork is a fork of c ringing ext.
func blfFork(c *Call, ext, callID string) *fork {
	return &fork{t: target{ext: ext}, leg: &leg{call: c, d: &dialog{callID: callID, localTag: "our-" + callID}}}
}

func ringing(tag string) *gosip.Response {
	res := gosip.NewResponse(180, "Ringing")
	to := &gosip.ToHeader{Address: gosip.Uri{Scheme: "sip", User: "x", Host: "h"}, Params: gosip.NewParams()}
	to.Params.Add("tag", tag)
	res.AppendHeader(to)
	return res
}

func blfManager(t *testing.T) *Manager {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open("", store.Options{InMemory: true, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for n, name := range map[string]string{"1001": "Alice Store", "1002": "Bob", "1003": ""} {
		if err := st.CreateExtension(store.Extension{Number: n, Name: name, Password: "Secret-" + n + "-pw"}); err != nil {
			t.Fatal(err)
		}
	}
	return &Manager{st: st, log: log}
}

func TestBLFBook(t *testing.T) {
	m := blfManager(t)
	c := blfCall(t, m, "600") // a ring group with 1002 and 1003
	c.blfCaller()
	got := m.ExtDialogs("1001")
	if len(got) != 1 || !got[0].Initiator || got[0].Confirmed || got[0].Other != "600" || got[0].CallID != "caller-call@600" ||
		got[0].LocalTag != "caller-tag" || got[0].RemoteTag != "our-a-tag" || got[0].ID == "" {
		t.Fatalf("caller: %+v", got)
	}

	f2, f3 := blfFork(c, "1002", "f2"), blfFork(c, "1003", "f3")
	c.blfRing(f2, ringing("phone2"))
	c.blfRing(f3, ringing("phone3"))
	c.blfRing(f3, ringing("phone3")) // a second 180 changes nothing
	got = m.ExtDialogs("1002")
	if len(got) != 1 || got[0].Initiator || got[0].Confirmed || got[0].Other != "1001" || got[0].OtherName != "Alice" ||
		got[0].CallID != "f2" || got[0].LocalTag != "phone2" || got[0].RemoteTag != "our-f2" {
		t.Fatalf("callee 1002 ringing: %+v", got)
	}
	if len(m.ExtDialogs("1003")) != 1 {
		t.Fatal("1003 not ringing")
	}

	// 1002 answers; 1003 loses the fork.
	c.blfWin(f2, ringing("phone2"))
	c.cancelFork(f3) // no provisional recorded on the fork itself: only the book changes
	if got := m.ExtDialogs("1003"); len(got) != 0 {
		t.Fatalf("the fork that lost still shows: %+v", got)
	}
	if got := m.ExtDialogs("1002"); len(got) != 1 || !got[0].Confirmed {
		t.Fatalf("callee after the answer: %+v", got)
	}
	c.blfAnswered()
	got = m.ExtDialogs("1001")
	if len(got) != 1 || !got[0].Confirmed || got[0].Other != "1002" || got[0].OtherName != "Bob" {
		t.Fatalf("caller after the answer (name from the store): %+v", got)
	}

	// The end forgets everything; nothing comes back after it.
	c.mu.Lock()
	c.ended = true
	c.mu.Unlock()
	c.blfEnd()
	c.blfRing(f3, ringing("phone3"))
	c.blfWin(f2, ringing("phone2"))
	for _, ext := range []string{"1001", "1002", "1003"} {
		if got := m.ExtDialogs(ext); len(got) != 0 {
			t.Errorf("%s after the end: %+v", ext, got)
		}
	}
	if len(m.blf.entries) != 0 || len(m.blf.byCall) != 0 {
		t.Errorf("book keeps %d entries, %d calls", len(m.blf.entries), len(m.blf.byCall))
	}

	// A trunk target lights nothing.
	c2 := blfCall(t, m, "0049301234")
	c2.blfRing(&fork{t: target{ext: "0049301234", trunk: &store.Trunk{Name: "t"}}, leg: &leg{call: c2, d: &dialog{}}}, ringing("x"))
	if got := m.ExtDialogs("0049301234"); len(got) != 0 {
		t.Errorf("trunk target: %+v", got)
	}
}

// The change callback runs off the call's path: one that blocks holds up
// no call, and the changes it missed meanwhile come as one call per
// extension.
func TestBLFChangeCallback(t *testing.T) {
	m := blfManager(t)
	var mu sync.Mutex
	seen := map[string]int{}
	gate := make(chan struct{})
	calls := make(chan string, 100)
	entered := make(chan struct{}, 1)
	m.OnExtChange(func(ext string) {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-gate
		mu.Lock()
		seen[ext]++
		mu.Unlock()
		calls <- ext
	})
	c := blfCall(t, m, "1002")
	c.blfCaller() // the runner takes 1001 and blocks on the gate
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no change callback")
	}
	f := blfFork(c, "1002", "f")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 10 {
			c.blfRing(f, ringing("p"))
			c.blfWin(f, ringing("p"))
			c.blfAnswered()
			c.blfDrop(f.leg)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a blocked change callback held up the call path")
	}
	close(gate)
	// 1001 (the first change), then 1001 and 1002 once each.
	var got []string
	for len(got) < 3 {
		select {
		case ext := <-calls:
			got = append(got, ext)
		case <-time.After(10 * time.Second):
			t.Fatalf("callbacks %v, want 3", got)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if seen["1001"] != 2 || seen["1002"] != 1 {
		t.Errorf("callbacks per extension %v, want 1001 twice and 1002 once (coalesced)", seen)
	}
	// The runner ends once nothing is queued.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		m.blf.mu.Lock()
		running := m.blf.running
		m.blf.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the callback runner never ended")
		}
	}
}

// After a transfer moved legs, blfSync shows the call as it is now: a
// blind transfer by 1001 leaves 1002 (once rung) on leg a calling 1003.
func TestBLFSync(t *testing.T) {
	m := blfManager(t)
	c := blfCall(t, m, "1002")
	c.callerExt = "1001"
	c.blfCaller()
	f := blfFork(c, "1002", "f2")
	f.leg.d.remoteTag = "phone2"
	f.leg.invite = gosip.NewRequest(gosip.INVITE, gosip.Uri{Scheme: "sip", User: "1002", Host: "h"})
	c.blfWin(f, ringing("phone2"))
	c.answered, c.b, c.calleeExt = true, f.leg, "1002"
	c.blfAnswered()
	c.blfSync() // nothing moved: the same picture
	if got := m.ExtDialogs("1001"); len(got) != 1 || !got[0].Initiator || !got[0].Confirmed || got[0].Other != "1002" {
		t.Fatalf("1001 before the transfer: %+v", got)
	}
	if got := m.ExtDialogs("1002"); len(got) != 1 || got[0].Initiator || !got[0].Confirmed || got[0].LocalTag != "phone2" {
		t.Fatalf("1002 before the transfer: %+v", got)
	}

	c.a, c.b, c.callerExt, c.calleeExt, c.info.To = f.leg, nil, "1002", "", "1003"
	c.blfSync()
	if got := m.ExtDialogs("1001"); len(got) != 0 {
		t.Errorf("the transferrer still shows: %+v", got)
	}
	got := m.ExtDialogs("1002")
	if len(got) != 1 || got[0].Initiator || got[0].Other != "1003" || got[0].CallID != "f2" || got[0].LocalTag != "phone2" {
		t.Errorf("the transferee: %+v", got)
	}
}
