package integration

import (
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/store"
)

// Call queues: the caller hears music while the queue engine rings
// agents (scripts/callqueue.lua over the queue primitive); agents log in
// and pause with feature codes; a queue that gives up sends the caller to
// its no-answer destination.

func putQueue(t *testing.T, sw *testSwitch, q store.Queue) {
	t.Helper()
	if err := sw.st.PutQueue(q); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncQueues(); err != nil {
		t.Fatal(err)
	}
}

func queueStatus(t *testing.T, sw *testSwitch, number string) queue.QueueStatus {
	t.Helper()
	st, err := sw.srv.Queues.Status(number)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// A caller waits with music until the static agent answers, then talks to
// it through the relay; the queue counts the answered call.
func TestQueueAnsweredByAgent(t *testing.T) {
	t.Parallel()
	sw, a, b, _ := trioPhones(t)
	putQueue(t, sw, store.Queue{Number: "700", Name: "Support", StaticAgents: []store.QueueMember{{Ext: "1002"}},
		CallerIDPrefix: "Q: "})
	b.setPolicy(policyManual, 0)
	call := a.dial(t, "700")
	d := call.answered(t) // the queue answers the caller itself
	in := b.waitIncoming(t)
	if name := in.req.From().DisplayName; name != "Q: 1001" {
		t.Errorf("the agent sees the caller as %q, want the queue's prefix", name)
	}
	if music := a.rtp.waitAudio(t, len(a.rtp.audio()), 8000); !loud(music) {
		t.Fatal("the caller hears no music while the agent rings")
	}
	close(in.release)
	bd := in.dialog(t)
	a.rtp.waitQuiet(t, 200*time.Millisecond) // the music stops once the agent answered
	exchange(t, a, d.Media(), b, bd.Media(), 25, 15)
	if !sw.srv.Calls.InUse("1002") || !sw.srv.Calls.InUse("1001") || sw.srv.Calls.InUse("1003") {
		t.Error("InUse: want the caller and the agent on a call, 1003 not")
	}
	d.bye(t)
	bd.waitBye(t)
	waitFor(t, "the agent free", func() bool { return !sw.srv.Calls.InUse("1002") && !sw.srv.Calls.InUse("1001") })
	if cdr := sw.waitCDR(t, call.CallID()); cdr.FinalDest != "1002" || cdr.Status != store.StatusAnswered {
		t.Fatalf("CDR %+v, want answered by 1002", cdr)
	}
	st := queueStatus(t, sw, "700")
	if st.Counters.Answered != 1 || len(st.Callers) != 0 || st.Agents[0].Calls != 1 {
		t.Fatalf("queue status %+v, want one answered call by 1002", st)
	}
}

// Two callers wait in order for a dynamic agent who logs in with *51*q;
// the first caller is put through first, the second after the agent's
// first call ended. *95 pauses the agent.
func TestQueueOrderAndAgentCodes(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	putQueue(t, sw, store.Queue{Number: "701", DynamicAgents: []string{"1003"}, Strategy: "linear"})
	if st := queueStatus(t, sw, "701"); st.Ready() != 0 {
		t.Fatalf("a dynamic agent is ready before logging in: %+v", st.Agents)
	}
	first := a.dial(t, "701")
	fd := first.answered(t)
	waitFor(t, "the first caller waiting", func() bool { return len(queueStatus(t, sw, "701").Callers) == 1 })
	second := b.dial(t, "701")
	sd := second.answered(t)
	waitFor(t, "two callers waiting", func() bool { return len(queueStatus(t, sw, "701").Callers) == 2 })
	st := queueStatus(t, sw, "701")
	if st.Callers[0].Caller != "1001" || st.Callers[1].Caller != "1002" || st.Callers[1].Position != 2 {
		t.Fatalf("callers %+v, want 1001 then 1002", st.Callers)
	}

	featureCode(t, c, "*51*701")
	in := c.waitIncoming(t)
	if from := in.req.From().Address.User; from != "1001" {
		t.Fatalf("the agent got %s's call first, want 1001's", from)
	}
	cd := in.dialog(t)
	a.rtp.waitQuiet(t, 200*time.Millisecond) // the caller's music has stopped: only the agent counts
	exchange(t, a, fd.Media(), c, cd.Media(), 25, 15)
	cd.bye(t) // the agent ends the first call
	in = c.waitIncoming(t)
	if from := in.req.From().Address.User; from != "1002" {
		t.Fatalf("the agent's second call is from %s, want 1002", from)
	}
	cd = in.dialog(t)
	b.rtp.waitQuiet(t, 200*time.Millisecond)
	exchange(t, b, sd.Media(), c, cd.Media(), 25, 15)
	cd.bye(t)
	waitFor(t, "both calls answered", func() bool { return queueStatus(t, sw, "701").Counters.Answered == 2 })

	featureCode(t, c, "*95")
	if st := queueStatus(t, sw, "701"); st.Agents[0].State != queue.StatePaused {
		t.Fatalf("after *95 the agent is %q, want paused", st.Agents[0].State)
	}
	third := a.dial(t, "701")
	third.answered(t)
	noCall(t, c)
	featureCode(t, c, "*095")
	c.waitIncoming(t).dialog(t)
}

// A queue without a logged-in agent (join_empty off) sends its caller to
// the no-answer destination at once; one whose agent never answers, when
// its maximum wait passes.
func TestQueueNoAnswerDestination(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	no := false
	putQueue(t, sw, store.Queue{Number: "702", DynamicAgents: []string{"1002"}, JoinEmpty: &no,
		NoAnswer: store.Destination{Kind: store.DestExtension, Target: "1003"}})
	call := a.dial(t, "702")
	c.waitIncoming(t)
	noCall(t, b)
	call.answered(t).bye(t)
	if st := queueStatus(t, sw, "702"); st.Counters.Refused != 1 {
		t.Fatalf("counters %+v, want the caller refused (empty)", st.Counters)
	}

	putQueue(t, sw, store.Queue{Number: "703", StaticAgents: []store.QueueMember{{Ext: "1002"}}, AgentTimeout: 5,
		Retry: 1, MaxWait: 5, NoAnswer: store.Destination{Kind: store.DestExtension, Target: "1003"}})
	b.setPolicy(policyRing, 0)
	call = a.dial(t, "703")
	d := call.answered(t)
	canceledWithin(t, b.waitIncoming(t), 2*wait)
	in := c.waitIncoming(t)
	in.dialog(t)
	d.bye(t)
	st := queueStatus(t, sw, "703")
	if st.Counters.Timeouts != 1 || st.Agents[0].Missed == 0 {
		t.Fatalf("queue status %+v, want a timeout after 1002 missed the call", st)
	}
}
