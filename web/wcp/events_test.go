package wcp

import (
	"context"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// An intercom call (*80 + the page's extension) asks the page to answer
// at once: 9009 follows its 9002.
func TestNotifyToAnswer(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := p.a.Call(ctx, "*801001", "", plainSDP(30010)); err != nil {
		t.Fatal(err)
	}
	in := cl.event(callproto.EvIncomingCall, "from=1002", "to=1001")
	cl.event(callproto.EvAnswerNow, "cid="+in.Get("cid"))

	// A plain call asks nothing.
	q := newPhone(t, sw, "1003")
	if _, err := q.a.Call(ctx, "1001", "", plainSDP(30012)); err != nil {
		t.Fatal(err)
	}
	in2 := cl.event(callproto.EvIncomingCall, "from=1003", "to=1001")
	cl.ask(callproto.OpReject, 0, f("cid", in2.Get("cid")), f("rc", "486"))
}

// A page calls a queue; when the agent answers, 9010 names the agent.
func TestAgentAnswer(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	if err := sw.srv.Store.PutQueue(store.Queue{Number: "700", StaticAgents: []store.QueueMember{{Ext: "1002"}}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncQueues(); err != nil {
		t.Fatal(err)
	}
	agent := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	br := newBrowser(t)
	cid := cl.ask(callproto.OpCall, 0, f("to", "700"), f("sdp", br.offer())).Get("cid")
	ac := recv(t, agent.calls, "the agent's incoming call")
	if err := ac.Answer(plainSDP(30014)); err != nil {
		t.Fatal(err)
	}
	for {
		m := cl.next()
		switch {
		case m.Op == callproto.EvMediaChange && m.Get("cid") == cid:
			if strings.Contains(m.Get("sdp"), "a=fingerprint:") {
				br.setAnswer(m.Get("sdp"))
			}
		case m.Op == callproto.EvCallState && m.Get("cid") == cid:
		case m.Op == callproto.EvAgentAnswer:
			if m.Get("cid") != cid || m.Get("agtel") != "1002" {
				t.Fatalf("9010 %s, want cid=%s agtel=1002", m, cid)
			}
			return
		default:
			t.Fatalf("unexpected %s", m)
		}
	}
}
