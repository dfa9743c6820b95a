package store

import (
	"errors"
	"strings"
	"testing"
)

func TestQueueValidate(t *testing.T) {
	q := Queue{Number: "300", StaticAgents: []QueueMember{{Ext: "1001", Penalty: 2}}, DynamicAgents: []string{"1002"},
		PeriodicPrompt: "queue/periodic", AnnouncePosition: true}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	// The defaults are filled, the pointer ones explicitly.
	if q.Strategy != StrategyRingAll || q.AgentTimeout != 15 || q.Retry != 5 || q.AnnounceFrequency != 30 ||
		!*q.JoinEmpty || !*q.SkipBusy || q.PeriodicFrequency != 60 {
		t.Fatalf("defaults: %+v", q)
	}
	// An explicit false is a setting, not "the default"; without
	// announcements there is no announcement frequency.
	no := false
	q = Queue{Number: "301", SkipBusy: &no, JoinEmpty: &no}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	if q.SkipsBusy() || q.JoinsEmpty() || q.AnnounceFrequency != 0 {
		t.Fatalf("explicit false: %+v", q)
	}
	// Accessors answer the defaults for a queue never validated.
	var raw Queue
	if !raw.SkipsBusy() || !raw.JoinsEmpty() {
		t.Fatal("accessors on a zero queue")
	}
	// leave_when_empty alone turns join_empty off rather than conflict.
	q = Queue{Number: "302", LeaveWhenEmpty: true}
	if err := q.Validate(); err != nil || q.JoinsEmpty() {
		t.Fatalf("leave_when_empty alone: %v %+v", err, q)
	}
	yes := true
	bad := []struct {
		field string
		q     Queue
	}{
		{"number", Queue{Number: "1"}},
		{"name", Queue{Number: "300", Name: "a\x01b"}},
		{"strategy", Queue{Number: "300", Strategy: "roundrobin"}},
		{"static_agents[1]", Queue{Number: "300", StaticAgents: []QueueMember{{Ext: "1001"}, {Ext: "x"}}}},
		{"static_agents[0]", Queue{Number: "300", StaticAgents: []QueueMember{{Ext: ""}}}},
		{"static_agents[0].penalty", Queue{Number: "300", StaticAgents: []QueueMember{{Ext: "1001", Penalty: 10}}}},
		{"dynamic_agents[0]", Queue{Number: "300", StaticAgents: []QueueMember{{Ext: "1001"}}, DynamicAgents: []string{"1001"}}},
		{"agent_timeout", Queue{Number: "300", AgentTimeout: 4}},
		{"retry", Queue{Number: "300", Retry: 61}},
		{"retry", Queue{Number: "300", Retry: -1}},
		{"wrap_up", Queue{Number: "300", WrapUp: 601}},
		{"max_wait", Queue{Number: "300", MaxWait: 3}},
		{"max_callers", Queue{Number: "300", MaxCallers: -1}},
		{"leave_when_empty", Queue{Number: "300", JoinEmpty: &yes, LeaveWhenEmpty: true}},
		{"music", Queue{Number: "300", Music: "../etc"}},
		{"intro", Queue{Number: "300", Intro: "../../secret"}},
		{"periodic_prompt", Queue{Number: "300", PeriodicPrompt: "a b"}},
		{"periodic_frequency", Queue{Number: "300", PeriodicFrequency: 10}},
		{"announce_frequency", Queue{Number: "300", AnnounceHoldTime: true, AnnounceFrequency: 10}},
		{"sla", Queue{Number: "300", SLA: -5}},
		{"no_answer", Queue{Number: "300", NoAnswer: Destination{Kind: DestQueue, Target: "300"}}},
		{"no_answer", Queue{Number: "300", NoAnswer: Destination{Kind: "fax", Target: "1"}}},
		{"caller_id_prefix", Queue{Number: "300", CallerIDPrefix: `"Sales"`}},
	}
	for _, b := range bad {
		err := b.q.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != b.field {
			t.Errorf("%s: %v, want a field error on %s", b.field, err, b.field)
		}
	}
}

func TestQueueCRUD(t *testing.T) {
	s := openMem(t)
	for _, n := range []string{"1001", "1002", "1003"} {
		if err := s.CreateExtension(Extension{Number: n, Password: "Secret-" + n + "-pw"}); err != nil {
			t.Fatal(err)
		}
	}
	q := Queue{Number: "300", Name: "Sales", StaticAgents: []QueueMember{{Ext: "1001"}}, DynamicAgents: []string{"1002", "1003"}}
	if err := s.PutQueue(q); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetQueue("300")
	if err != nil || got.Name != "Sales" || got.CreatedAt.IsZero() || got.Retry != 5 || got.JoinEmpty == nil || !*got.JoinEmpty {
		t.Fatalf("get: %+v, %v", got, err)
	}
	if err := s.CreateQueue(q); !errors.Is(err, ErrExists) {
		t.Fatalf("create twice: %v", err)
	}
	if err := s.CreateGroup(Group{Number: "600", Members: []string{"1001"}}); err != nil {
		t.Fatal(err)
	}
	var fe *FieldError
	if err := s.CreateQueue(Queue{Number: "600"}); !errors.As(err, &fe) || fe.Field != "number" || !strings.Contains(err.Error(), "ring group") {
		t.Fatalf("a queue on a group's number: %v", err)
	}
	if _, err := s.GetQueue("../x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get an odd number: %v", err)
	}
	if err := s.PutQueue(Queue{Number: "1001"}); !errors.As(err, &fe) || fe.Field != "number" || !strings.Contains(err.Error(), "extension") {
		t.Fatalf("a queue on an extension's number: %v", err)
	}
	if err := s.PutQueue(Queue{Number: "301", DynamicAgents: []string{"1001", "1009"}}); !errors.As(err, &fe) || fe.Field != "dynamic_agents[1]" {
		t.Fatalf("an agent that is no extension: %v", err)
	}

	// Agent state: kept per queue and agent; only for agents of the queue.
	if err := s.PutQueueAgent(QueueAgentState{Queue: "300", Ext: "1002", LoggedIn: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutQueueAgent(QueueAgentState{Queue: "300", Ext: "1001", Paused: true, PauseReason: "lunch"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutQueueAgent(QueueAgentState{Queue: "300", Ext: "1003", LoggedIn: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutQueueAgent(QueueAgentState{Queue: "300", Ext: "1009"}); !errors.As(err, &fe) || fe.Field != "ext" {
		t.Fatalf("not an agent: %v", err)
	}
	if err := s.PutQueueAgent(QueueAgentState{Queue: "399", Ext: "1002"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no such queue: %v", err)
	}
	as, err := s.ListQueueAgents()
	if err != nil || len(as) != 3 || as[0].Ext != "1001" || !as[0].LoggedIn || !as[0].Paused || as[0].PauseReason != "lunch" {
		t.Fatalf("agents: %+v, %v", as, err)
	}
	// Dropping 1003 from the queue forgets its state.
	q.DynamicAgents = []string{"1002"}
	if err := s.PutQueue(q); err != nil {
		t.Fatal(err)
	}
	if as, _ := s.ListQueueAgents(); len(as) != 2 || as[1].Ext != "1002" {
		t.Fatalf("after dropping 1003: %+v", as)
	}

	// A queue an inbound rule or another queue sends calls to stays.
	if err := s.PutTrunk(Trunk{Name: "gw", Kind: TrunkIP, Host: "192.0.2.1", IPs: []string{"192.0.2.1"}}); err != nil {
		t.Fatal(err)
	}
	rule := InboundRule{Name: "sales-line", DID: "4930111", Destination: Destination{Kind: DestQueue, Target: "300"}}
	if err := s.PutInboundRule(rule); err != nil {
		t.Fatal(err)
	}
	var ce *ConflictError
	if err := s.DeleteQueue("300"); !errors.As(err, &ce) || !strings.Contains(err.Error(), "sales-line") || !errors.Is(err, ErrExists) {
		t.Fatalf("delete while a rule uses it: %v", err)
	}
	if err := s.DeleteInboundRule("sales-line"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutQueue(Queue{Number: "301", NoAnswer: Destination{Kind: DestQueue, Target: "300"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteQueue("300"); !errors.As(err, &ce) || !strings.Contains(err.Error(), "queue 301") {
		t.Fatalf("delete while queue 301 overflows to it: %v", err)
	}
	if err := s.DeleteQueue("301"); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListQueues(); len(list) != 1 || list[0].Number != "300" {
		t.Fatalf("list: %+v", list)
	}
	if err := s.DeleteQueue("300"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteQueue("300"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if as, _ := s.ListQueueAgents(); len(as) != 0 {
		t.Fatalf("agent state outlived its queue: %+v", as)
	}
}

func TestQueueListOrder(t *testing.T) {
	s := openMem(t)
	for _, n := range []string{"9000", "300", "31"} {
		if err := s.PutQueue(Queue{Number: n}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListQueues()
	if err != nil || len(list) != 3 || list[0].Number != "31" || list[1].Number != "300" || list[2].Number != "9000" {
		t.Fatalf("list: %+v %v", list, err)
	}
}

// A frequency alone is valid: the call plays the shipped periodic prompt.
func TestQueuePeriodicWithoutPrompt(t *testing.T) {
	q := Queue{Number: "300", PeriodicFrequency: 30}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	if q.PeriodicPrompt != "" || q.PeriodicFrequency != 30 {
		t.Fatalf("validated to %q every %d s", q.PeriodicPrompt, q.PeriodicFrequency)
	}
}
