package queue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

func sales(mod func(*store.Queue)) store.Queue {
	q := store.Queue{Number: "300", Name: "Sales", StaticAgents: []store.QueueMember{{Ext: "1001"}, {Ext: "1002"}}}
	if mod != nil {
		mod(&q)
	}
	return q
}

func TestJoinRefusals(t *testing.T) {
	f := newFixture(t,
		sales(func(q *store.Queue) { q.MaxCallers = 2 }),
		store.Queue{Number: "301", DynamicAgents: []string{"1003"}, JoinEmpty: boolp(false)})
	if _, err := f.m.Join("399", "c0", "100", 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown queue: %v", err)
	}
	f.join(t, "300", "c1", 0)
	f.join(t, "300", "c2", 0)
	if _, err := f.m.Join("300", "c3", "100", 0); !errors.Is(err, ErrFull) {
		t.Fatalf("a third caller: %v", err)
	}
	// 1003 is not logged in: 301 is empty, and does not take callers so.
	if _, err := f.m.Join("301", "c4", "100", 0); !errors.Is(err, ErrEmpty) {
		t.Fatalf("join empty: %v", err)
	}
	if err := f.m.Login("301", "1003"); err != nil {
		t.Fatal(err)
	}
	f.setRegistered("1003", false) // logged in but unreachable: still empty
	if _, err := f.m.Join("301", "c4", "100", 0); !errors.Is(err, ErrEmpty) {
		t.Fatalf("join with the only agent unregistered: %v", err)
	}
	f.setRegistered("1003", true)
	f.join(t, "301", "c4", 0)
	s, _ := f.m.Status("300")
	if s.Counters.Joined != 2 || s.Counters.Refused != 1 {
		t.Fatalf("counters %+v", s.Counters)
	}
}

func TestPriorityAndPositions(t *testing.T) {
	f := newFixture(t, sales(nil))
	a := f.join(t, "300", "a", 0)
	b := f.join(t, "300", "b", 0)
	vip := f.join(t, "300", "vip", 5)
	c := f.join(t, "300", "c", 0)
	vip2 := f.join(t, "300", "vip2", 5)
	got := []int{a.Position(), b.Position(), vip.Position(), c.Position(), vip2.Position()}
	if !slices.Equal(got, []int{3, 4, 1, 5, 2}) {
		t.Fatalf("positions %v", got)
	}
	if j := f.rec.changes(ChangeJoined); len(j) != 5 || j[2].Position != 1 || j[4].Position != 2 || j[3].Position != 4 {
		t.Fatalf("join events %+v", j)
	}
	vip.Leave(ReasonHangup)
	if a.Position() != 2 || vip.Position() != 0 {
		t.Fatalf("after vip left: a at %d, vip at %d", a.Position(), vip.Position())
	}
	f.clock.Advance(42 * time.Second)
	if w := a.Waited(); w != 42*time.Second {
		t.Fatalf("waited %v", w)
	}
	if w := vip.Waited(); w != 0 {
		t.Fatalf("a caller that left keeps waiting: %v", w)
	}
}

func TestAutofillAndAnswer(t *testing.T) {
	f := newFixture(t, sales(func(q *store.Queue) { q.Strategy = store.StrategyLinear }))
	f.setBusy("1002", true)
	c1 := f.join(t, "300", "c1", 0)
	c2 := f.join(t, "300", "c2", 0)
	// One free agent: only the first caller may ring.
	if got := now(t, c2); got != nil {
		t.Fatalf("c2 rang %v before c1", got)
	}
	if got := now(t, c1); !slices.Equal(got, []string{"1001"}) {
		t.Fatalf("c1 got %v", got)
	}
	if err := func() error { _, err := c1.Next(context.Background()); return err }(); !errors.Is(err, ErrRinging) {
		t.Fatalf("Next while ringing: %v", err)
	}
	// c1 is ringing: it no longer holds c2 back, but no agent is free.
	if got := now(t, c2); got != nil {
		t.Fatalf("c2 got %v while every agent is taken", got)
	}
	ch := f.nextAsync(t, c2)
	f.setBusy("1002", false) // the other call ended: Wake
	if r := receive(t, ch); r.err != nil || !slices.Equal(r.agents, []string{"1002"}) {
		t.Fatalf("c2 after 1002 freed: %+v", r)
	}
	c1.Answered("1001")
	if c1.Position() != 0 || c2.Position() != 1 {
		t.Fatalf("positions after the answer: %d %d", c1.Position(), c2.Position())
	}
	c2.Missed([]string{"1002"})
	// 1001 is in a queue call; 1002 free again.
	if got := now(t, c2); !slices.Equal(got, []string{"1002"}) {
		t.Fatalf("c2 after missing 1002: %v", got)
	}
	c2.Missed([]string{"1002"})
	f.setBusy("1002", true)
	ch = f.nextAsync(t, c2)
	f.m.AgentDone("300", "1001") // no wrap-up: free at once
	if r := receive(t, ch); r.err != nil || !slices.Equal(r.agents, []string{"1001"}) {
		t.Fatalf("c2 after 1001's call: %+v", r)
	}
	c2.Answered("1001")
	c1.Leave(ReasonAnswered)
	c2.Leave(ReasonAnswered)
	s, _ := f.m.Status("300")
	if s.Counters.Answered != 2 || s.Counters.Exited != 0 || len(s.Callers) != 0 {
		t.Fatalf("status %+v", s)
	}
	if s.Agents[0].Calls != 2 || s.Agents[0].State != StateInCall || s.Agents[1].Missed != 2 || s.Agents[1].State != StateBusy {
		t.Fatalf("agents %+v", s.Agents)
	}
	if _, err := c2.Next(context.Background()); !errors.Is(err, ErrLeft) {
		t.Fatalf("Next after leaving: %v", err)
	}
}

func TestWrapUpEndsByTimer(t *testing.T) {
	f := newFixture(t, sales(func(q *store.Queue) { q.StaticAgents = q.StaticAgents[:1]; q.WrapUp = 30 }))
	c1 := f.join(t, "300", "c1", 0)
	now(t, c1)
	c1.Answered("1001")
	c1.Leave(ReasonAnswered)
	c2 := f.join(t, "300", "c2", 0)
	f.m.AgentDone("300", "1001")
	if s, _ := f.m.Status("300"); s.Agents[0].State != StateWrapUp {
		t.Fatalf("state %s", s.Agents[0].State)
	}
	if got := now(t, c2); got != nil {
		t.Fatalf("rang %v during wrap-up", got)
	}
	ch := f.nextAsync(t, c2)
	f.clock.Advance(29 * time.Second)
	if got := now(t, f.join(t, "300", "probe", 0)); got != nil {
		t.Fatalf("the agent was free after 29 s: %v", got)
	}
	f.clock.Advance(time.Second)
	if r := receive(t, ch); !slices.Equal(r.agents, []string{"1001"}) {
		t.Fatalf("after wrap-up: %+v", r)
	}
	var states []string
	for _, e := range f.rec.changes(ChangeAgent) {
		states = append(states, e.State)
	}
	if !slices.Equal(states, []string{StateRinging, StateInCall, StateWrapUp, StateReady, StateRinging}) {
		t.Fatalf("agent events %v", states)
	}
}

func TestMaxWaitAndSLA(t *testing.T) {
	f := newFixture(t, sales(func(q *store.Queue) { q.MaxWait = 120; q.SLA = 60 }))
	f.setRegistered("1001", false)
	f.setRegistered("1002", false)
	c := f.join(t, "300", "c1", 0)
	ch := f.nextAsync(t, c)
	f.clock.Advance(59 * time.Second)
	if len(f.rec.changes(ChangeSLA)) != 0 {
		t.Fatal("SLA alert before 60 s")
	}
	f.clock.Advance(time.Second)
	waitFor(t, func() bool { return len(f.rec.changes(ChangeSLA)) == 1 })
	if e := f.rec.changes(ChangeSLA)[0]; e.CallID != "c1" || e.Waited != 60 || e.Position != 1 {
		t.Fatalf("SLA event %+v", e)
	}
	f.clock.Advance(60 * time.Second)
	if r := receive(t, ch); !errors.Is(r.err, ErrTimeout) {
		t.Fatalf("after max_wait: %+v", r)
	}
	c.Leave(ReasonTimeout)
	s, _ := f.m.Status("300")
	if s.Counters.Timeouts != 1 || s.Counters.SLABreaches != 1 {
		t.Fatalf("counters %+v", s.Counters)
	}
	if len(f.rec.changes(ChangeSLA)) != 1 {
		t.Fatal("more than one SLA alert")
	}
}

func TestLeaveWhenEmpty(t *testing.T) {
	f := newFixture(t, store.Queue{Number: "300", DynamicAgents: []string{"1001", "1002"}, LeaveWhenEmpty: true})
	if _, err := f.m.Join("300", "c0", "100", 0); !errors.Is(err, ErrEmpty) {
		t.Fatalf("leave_when_empty implies not joining empty: %v", err)
	}
	for _, ext := range []string{"1001", "1002"} {
		if err := f.m.Login("300", ext); err != nil {
			t.Fatal(err)
		}
	}
	f.setBusy("1001", true)
	f.setBusy("1002", true)
	c := f.join(t, "300", "c1", 0)
	ch := f.nextAsync(t, c)
	if err := f.m.Logout("300", "1001"); err != nil {
		t.Fatal(err)
	}
	if err := f.m.Pause("1002", "lunch"); err != nil { // paused counts as gone
		t.Fatal(err)
	}
	if r := receive(t, ch); !errors.Is(r.err, ErrEmpty) {
		t.Fatalf("after the last agent went: %+v", r)
	}
	c.Leave("empty")
	if s, _ := f.m.Status("300"); s.Counters.Exited != 1 || s.Agents[0].State != StateLoggedOut || s.Agents[1].State != StatePaused ||
		s.Agents[1].PauseReason != "lunch" {
		t.Fatalf("status %+v", s)
	}
}

func TestAbandonedLog(t *testing.T) {
	f := newFixture(t, sales(nil))
	f.setRegistered("1001", false)
	f.setRegistered("1002", false)
	for i := range maxAbandoned + 5 {
		c := f.join(t, "300", fmt.Sprint("c", i), 0)
		f.clock.Advance(time.Second)
		c.Leave(ReasonHangup)
	}
	log := f.m.Abandoned("300")
	if len(log) != maxAbandoned || log[0].CallID != fmt.Sprint("c", maxAbandoned+4) || log[len(log)-1].CallID != "c5" {
		t.Fatalf("log of %d, newest %+v, oldest %+v", len(log), log[0], log[len(log)-1])
	}
	if log[0].Waited != 1 || log[0].Position != 1 || log[0].Caller != fmt.Sprint("caller-c", maxAbandoned+4) {
		t.Fatalf("entry %+v", log[0])
	}
	if s, _ := f.m.Status("300"); s.Counters.Abandoned != maxAbandoned+5 {
		t.Fatalf("counters %+v", s.Counters)
	}
	if f.m.Abandoned("399") != nil {
		t.Fatal("a log for an unknown queue")
	}
}

func TestLeaveWhileRingingFreesAgents(t *testing.T) {
	f := newFixture(t, sales(nil)) // ringall
	c1 := f.join(t, "300", "c1", 0)
	if got := now(t, c1); !slices.Equal(got, []string{"1001", "1002"}) {
		t.Fatalf("ringall: %v", got)
	}
	c2 := f.join(t, "300", "c2", 0)
	ch := f.nextAsync(t, c2)
	c1.Leave(ReasonHangup)
	if r := receive(t, ch); !slices.Equal(r.agents, []string{"1001", "1002"}) {
		t.Fatalf("c2 after c1 hung up: %+v", r)
	}
	// Answering frees the other agents rung.
	c3 := f.join(t, "300", "c3", 0)
	c2.Answered("1002")
	if got := now(t, c3); !slices.Equal(got, []string{"1001"}) {
		t.Fatalf("c3 got %v", got)
	}
	c2.Answered("1001") // a second answer is ignored
	if s, _ := f.m.Status("300"); s.Counters.Answered != 1 || s.Agents[0].State != StateRinging {
		t.Fatalf("status %+v", s)
	}
}

func TestAutoPauseAndPersistence(t *testing.T) {
	f := newFixture(t, sales(func(q *store.Queue) { q.AutoPause = true; q.Strategy = store.StrategyLinear }))
	c := f.join(t, "300", "c1", 0)
	got := now(t, c)
	c.Missed(got)
	if got := now(t, c); !slices.Equal(got, []string{"1002"}) {
		t.Fatalf("after 1001 was auto-paused: %v", got)
	}
	if len(f.rec.saved) != 1 || f.rec.saved[0] != (store.QueueAgentState{Queue: "300", Ext: "1001", LoggedIn: true, Paused: true, PauseReason: "auto_pause"}) {
		t.Fatalf("saved %+v", f.rec.saved)
	}
	// A refused save refuses the change.
	f.rec.fail = errors.New("disk full")
	if err := f.m.Unpause("1001"); err == nil || !errors.Is(err, f.rec.fail) {
		t.Fatalf("unpause with a failing store: %v", err)
	}
	if s, _ := f.m.Status("300"); s.Agents[0].State != StatePaused {
		t.Fatalf("1001 unpaused although not saved: %s", s.Agents[0].State)
	}
	f.rec.fail = nil
	if err := f.m.Unpause("1001"); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.m.Status("300"); s.Agents[0].State != StateReady || s.Agents[0].PauseReason != "" {
		t.Fatalf("after unpause: %+v", s.Agents[0])
	}
}

func TestLoginLogoutRules(t *testing.T) {
	f := newFixture(t,
		store.Queue{Number: "300", StaticAgents: []store.QueueMember{{Ext: "1001"}}, DynamicAgents: []string{"1002"}},
		store.Queue{Number: "301", DynamicAgents: []string{"1002", "1003"}, AutoReady: true})
	for _, c := range []struct {
		err  error
		want error
	}{
		{f.m.Login("399", "1002"), ErrNotFound},
		{f.m.Login("300", "1003"), ErrNotAgent},
		{f.m.Login("300", "1001"), ErrStatic},
		{f.m.Logout("", "1001"), ErrNotAgent}, // a static agent of every queue it is in
		{f.m.Pause("1009", ""), ErrNotAgent},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%v, want %v", c.err, c.want)
		}
	}
	st := func(q string) []string {
		s, err := f.m.Status(q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range s.Agents {
			out = append(out, a.Ext+"="+a.State)
		}
		return out
	}
	// auto_ready: dynamic agents of 301 start logged in; of 300 not.
	if got := st("300"); !slices.Equal(got, []string{"1001=ready", "1002=logged_out"}) {
		t.Fatalf("300: %v", got)
	}
	if got := st("301"); !slices.Equal(got, []string{"1002=ready", "1003=ready"}) {
		t.Fatalf("301: %v", got)
	}
	// "" is every queue the agent is a dynamic agent of.
	if err := f.m.Login("", "1002"); err != nil {
		t.Fatal(err)
	}
	if err := f.m.Logout("301", "1003"); err != nil {
		t.Fatal(err)
	}
	if err := f.m.Pause("1002", "break"); err != nil {
		t.Fatal(err)
	}
	if got := st("300"); !slices.Equal(got, []string{"1001=ready", "1002=paused"}) {
		t.Fatalf("300: %v", got)
	}
	if got := st("301"); !slices.Equal(got, []string{"1002=paused", "1003=logged_out"}) {
		t.Fatalf("301: %v", got)
	}
	if err := f.m.SetPaused("301", "1002", false, ""); err != nil {
		t.Fatal(err)
	}
	if got := st("301"); !slices.Equal(got, []string{"1002=ready", "1003=logged_out"}) {
		t.Fatalf("301 after unpausing there: %v", got)
	}
	// Every change was saved, per queue and agent.
	var saved []string
	for _, s := range f.rec.saved {
		saved = append(saved, fmt.Sprintf("%s/%s:%v,%v", s.Queue, s.Ext, s.LoggedIn, s.Paused))
	}
	want := []string{"300/1002:true,false", "301/1002:true,false", "301/1003:false,false",
		"300/1002:true,true", "301/1002:true,true", "301/1002:true,false"}
	if !slices.Equal(saved, want) {
		t.Fatalf("saved %v\nwant  %v", saved, want)
	}
}

func TestSyncKeepsCallersAndAgents(t *testing.T) {
	f := newFixture(t, sales(func(q *store.Queue) { q.DynamicAgents = []string{"1003"} }), store.Queue{Number: "301"})
	states := []store.QueueAgentState{{Queue: "300", Ext: "1003", LoggedIn: true}, {Queue: "300", Ext: "1004", LoggedIn: true}}
	a := f.join(t, "300", "a", 0)
	b := f.join(t, "300", "b", 0)
	gone := f.join(t, "301", "x", 0)
	if got := now(t, a); len(got) != 2 {
		t.Fatalf("a: %v", got)
	}
	a.Answered("1001")
	if err := f.m.Login("300", "1003"); err != nil {
		t.Fatal(err)
	}
	// A new config: 1002 leaves, 1004 joins (its stored login applies),
	// 1003 keeps its login, queue 301 goes.
	f.m.Sync([]store.Queue{sales(func(q *store.Queue) {
		q.StaticAgents = q.StaticAgents[:1]
		q.DynamicAgents = []string{"1003", "1004"}
		q.Name = "Sales 2"
	})}, states)
	if b.Position() != 1 || b.Config().Name != "Sales 2" {
		t.Fatalf("b at %d, config %q", b.Position(), b.Config().Name)
	}
	s, _ := f.m.Status("300")
	var got []string
	for _, ag := range s.Agents {
		got = append(got, fmt.Sprintf("%s=%s/%d", ag.Ext, ag.State, ag.Calls))
	}
	if !slices.Equal(got, []string{"1001=in_call/1", "1003=ready/0", "1004=ready/0"}) {
		t.Fatalf("agents %v", got)
	}
	if _, err := gone.Next(context.Background()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a caller of a removed queue: %v", err)
	}
	gone.Leave(ReasonHangup) // harmless
	if _, err := f.m.Status("301"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("status of a removed queue: %v", err)
	}
	// A queue that does not validate is left out, the others kept.
	f.m.Sync([]store.Queue{sales(nil), {Number: "3x"}}, nil)
	if l := f.m.List(); len(l) != 1 || l[0].Number != "300" {
		t.Fatalf("list %+v", l)
	}
}
