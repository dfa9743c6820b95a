package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// destStore is groupStore (extensions 1001-1003, trunks, office) with
// ring group 600 (member 1001) and queue 700 (agents 1002, 1003).
func destStore(t *testing.T) *Store {
	t.Helper()
	s := groupStore(t)
	if err := s.PutGroup(Group{Number: "600", Members: []string{"1001"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutQueue(Queue{Number: "700", StaticAgents: []QueueMember{{Ext: "1002"}}, DynamicAgents: []string{"1003"}}); err != nil {
		t.Fatal(err)
	}
	return s
}

// (wantField and wantConflict are tenant_test.go's.)

// Every writer of a destination refuses one to an extension, group or
// queue that does not exist.
func TestDestinationsMustExist(t *testing.T) {
	s := destStore(t)
	for _, c := range []struct {
		d    Destination
		says string
	}{
		{Destination{DestGroup, "601"}, "group 601 does not exist"},
		{Destination{DestQueue, "701"}, "queue 701 does not exist"},
		{Destination{DestExtension, "1009"}, "extension 1009 does not exist"},
		{Destination{DestVoicemail, "1009"}, "voicemail 1009: extension 1009 does not exist"},
	} {
		wantField(t, s.PutInboundRule(InboundRule{Name: "in", DID: "*", Destination: c.d}), "destination", c.says)
		wantField(t, s.PutInboundRule(InboundRule{Name: "in", DID: "*", TimeCondition: "office", Destination: ext("1001"), Closed: c.d}),
			"closed_destination", c.says)
		wantField(t, s.PutGroup(Group{Number: "610", Members: []string{"1001"}, NoAnswer: c.d}), "no_answer", c.says)
		wantField(t, s.CreateQueue(Queue{Number: "710", NoAnswer: c.d}), "no_answer", c.says)
	}
	if _, err := s.GetGroup("610"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a refused group was stored: %v", err)
	}
	// Those that exist are accepted, as are the kinds the scripts own.
	for i, d := range []Destination{{DestGroup, "600"}, {DestQueue, "700"}, ext("1003"), {DestVoicemail, "1003"},
		{DestIVR, "main"}, {DestConference, "800"}, {DestExternal, "+4930123"}, {DestHangup, ""}} {
		if err := s.PutInboundRule(InboundRule{Name: fmt.Sprint("in", i), DID: fmt.Sprint(5550 + i), Destination: d}); err != nil {
			t.Fatalf("rule to %v: %v", d, err)
		}
		if d.Kind != DestGroup {
			if err := s.PutGroup(Group{Number: "610", Members: []string{"1001"}, NoAnswer: d}); err != nil {
				t.Fatalf("group 610 to %v: %v", d, err)
			}
		}
		if d.Kind != DestQueue {
			if err := s.PutQueue(Queue{Number: "710", NoAnswer: d}); err != nil {
				t.Fatalf("queue 710 to %v: %v", d, err)
			}
		}
	}
}

// Deleting what a destination names is refused, naming the user, whoever
// it is: a rule (open or closed), a group's or a queue's no_answer.
func TestDestinationInUse(t *testing.T) {
	s := destStore(t)
	del := map[string]func() error{
		"group 600":      func() error { return s.DeleteGroup("600") },
		"queue 700":      func() error { return s.DeleteQueue("700") },
		"extension 1001": func() error { return s.DeleteExtension("1001") },
	}
	for _, c := range []struct {
		target string // a key of del
		d      Destination
	}{
		{"group 600", Destination{DestGroup, "600"}},
		{"queue 700", Destination{DestQueue, "700"}},
		{"extension 1001", ext("1001")},
		{"extension 1001", Destination{DestVoicemail, "1001"}},
	} {
		// Extension 1001 is group 600's member: give the group another
		// one, so only the destination holds it.
		if err := s.PutGroup(Group{Number: "600", Members: []string{"1003"}}); err != nil {
			t.Fatal(err)
		}
		for _, user := range []struct {
			name, part string
			put        func() error
			drop       func() error
		}{
			{"inbound rule in", "in use by inbound rule in (destination)",
				func() error { return s.PutInboundRule(InboundRule{Name: "in", DID: "*", Destination: c.d}) },
				func() error { return s.DeleteInboundRule("in") }},
			{"inbound rule in", "in use by inbound rule in (closed_destination)",
				func() error {
					return s.PutInboundRule(InboundRule{Name: "in", DID: "*", TimeCondition: "office", Destination: Destination{DestHangup, ""}, Closed: c.d})
				},
				func() error { return s.DeleteInboundRule("in") }},
			{"ring group 610", "in use by ring group 610 (no_answer)",
				func() error { return s.PutGroup(Group{Number: "610", Members: []string{"1002"}, NoAnswer: c.d}) },
				func() error { return s.DeleteGroup("610") }},
			{"queue 710", "in use by queue 710 (no_answer)",
				func() error { return s.PutQueue(Queue{Number: "710", NoAnswer: c.d}) },
				func() error { return s.DeleteQueue("710") }},
		} {
			if err := user.put(); err != nil {
				t.Fatalf("%s to %v: %v", user.name, c.d, err)
			}
			wantConflict(t, del[c.target](), user.name, "delete "+c.target, user.part)
			if err := user.drop(); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Unused, each goes.
	if err := s.DeleteGroup("600"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteQueue("700"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteExtension("1001"); err != nil {
		t.Fatal(err)
	}
}

// An extension that a group rings or a queue calls stays until the admin
// takes it out there.
func TestDeleteExtensionMemberOrAgent(t *testing.T) {
	s := destStore(t)
	for _, c := range []struct{ ext, other, says string }{
		{"1001", "ring group 600", "delete extension 1001: a member of ring group 600: remove it from the group first"},
		{"1002", "queue 700", "an agent of queue 700"}, // static
		{"1003", "queue 700", "an agent of queue 700"}, // dynamic
	} {
		wantConflict(t, s.DeleteExtension(c.ext), c.other, c.says)
		if _, err := s.GetExtension(c.ext); err != nil {
			t.Fatalf("extension %s went: %v", c.ext, err)
		}
	}
	if err := s.PutQueue(Queue{Number: "700", StaticAgents: []QueueMember{{Ext: "1002"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteExtension("1003"); err != nil {
		t.Fatalf("1003 once out of the queue: %v", err)
	}
	if err := s.DeleteExtension("1009"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no such extension: %v", err)
	}
}

// no_answer chains through groups and queues may not come back to where
// they started.
func TestNoAnswerLoopRefused(t *testing.T) {
	s := destStore(t)
	if err := s.PutGroup(Group{Number: "600", Members: []string{"1001"}, NoAnswer: Destination{DestQueue, "700"}}); err != nil {
		t.Fatal(err)
	}
	wantField(t, s.PutQueue(Queue{Number: "700", NoAnswer: Destination{DestGroup, "600"}}), "no_answer",
		"queue 700 -> group 600 -> queue 700: unanswered calls would go round for ever")
	// Longer: 610 -> 600 -> 700 -> 610.
	if err := s.PutGroup(Group{Number: "610", Members: []string{"1001"}, NoAnswer: Destination{DestGroup, "600"}}); err != nil {
		t.Fatal(err)
	}
	wantField(t, s.PutQueue(Queue{Number: "700", NoAnswer: Destination{DestGroup, "610"}}), "no_answer",
		"queue 700 -> group 610 -> group 600 -> queue 700")
	// A chain that ends elsewhere is fine.
	if err := s.PutQueue(Queue{Number: "700", NoAnswer: Destination{DestVoicemail, "1002"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutGroup(Group{Number: "620", Members: []string{"1001"}, NoAnswer: Destination{DestGroup, "610"}}); err != nil {
		t.Fatal(err)
	}
}

// A delete racing a write that adds a reference to the deleted record:
// one of them loses, so no reference ever dangles (refer).
func TestDestinationDeleteRace(t *testing.T) {
	s := destStore(t)
	for i := range 30 {
		g := fmt.Sprint(650 + i)
		if err := s.PutGroup(Group{Number: g, Members: []string{"1001"}}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var delErr, ruleErr, queueErr error
		rule := fmt.Sprint("r", i)
		wg.Go(func() { delErr = s.DeleteGroup(g) })
		wg.Go(func() {
			ruleErr = s.PutInboundRule(InboundRule{Name: rule, DID: fmt.Sprint(4000 + i), Destination: Destination{DestGroup, g}})
		})
		wg.Go(func() { queueErr = s.PutQueue(Queue{Number: fmt.Sprint(750 + i), NoAnswer: Destination{DestGroup, g}}) })
		wg.Wait()
		_, gone := s.GetGroup(g)
		if !errors.Is(gone, ErrNotFound) {
			if delErr == nil {
				t.Fatalf("group %s: deleted without error, yet still there", g)
			}
			continue // a reference may have won; the group stays with it
		}
		// The delete won: neither reference may have been stored.
		if _, err := s.GetInboundRule(rule); !errors.Is(err, ErrNotFound) {
			t.Fatalf("group %s deleted, yet rule %s to it stored (delete %v, rule %v)", g, rule, delErr, ruleErr)
		}
		if _, err := s.GetQueue(fmt.Sprint(750 + i)); !errors.Is(err, ErrNotFound) {
			t.Fatalf("group %s deleted, yet a queue overflowing to it stored (delete %v, queue %v)", g, delErr, queueErr)
		}
	}
}
