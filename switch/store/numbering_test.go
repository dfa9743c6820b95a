package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// Extensions, ring groups and queues share one number space: each writer
// refuses the others' numbers, naming the owner, every way round.
func TestNumberingPlan(t *testing.T) {
	s := groupStore(t) // extensions 1001-1003
	if err := s.PutGroup(Group{Number: "600", Members: []string{"1001"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutQueue(Queue{Number: "700"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what  string
		write func() error
		owner string
	}{
		{"extension on a group's", func() error { return s.CreateExtension(Extension{Number: "600", Password: "Secret-600-pw"}) }, "600 is a ring group's number"},
		{"extension on a queue's", func() error { return s.CreateExtension(Extension{Number: "700", Password: "Secret-700-pw"}) }, "700 is a queue's number"},
		{"group on an extension's", func() error { return s.PutGroup(Group{Number: "1001", Members: []string{"1002"}}) }, "1001 is an extension's number"},
		{"group on a queue's", func() error { return s.PutGroup(Group{Number: "700", Members: []string{"1002"}}) }, "700 is a queue's number"},
		{"new group on a queue's", func() error { return s.CreateGroup(Group{Number: "700", Members: []string{"1002"}}) }, "700 is a queue's number"},
		{"queue on an extension's", func() error { return s.PutQueue(Queue{Number: "1002"}) }, "1002 is an extension's number"},
		{"queue on a group's", func() error { return s.PutQueue(Queue{Number: "600"}) }, "600 is a ring group's number"},
		{"new queue on a group's", func() error { return s.CreateQueue(Queue{Number: "600"}) }, "600 is a ring group's number"},
	} {
		t.Run(c.what, func(t *testing.T) { wantField(t, c.write(), "number", c.owner) })
	}
	// A record's own number is its own: replacing it is no clash, and
	// creating it twice is ErrExists, not a field error.
	if err := s.PutGroup(Group{Number: "600", Members: []string{"1002"}}); err != nil {
		t.Fatalf("replace group 600: %v", err)
	}
	if err := s.PutQueue(Queue{Number: "700", WrapUp: 5}); err != nil {
		t.Fatalf("replace queue 700: %v", err)
	}
	wantErr(t, s.CreateExtension(Extension{Number: "1001", Password: "Secret-1001-pw"}), ErrExists)
	wantErr(t, s.CreateGroup(Group{Number: "600", Members: []string{"1001"}}), ErrExists)
	wantErr(t, s.CreateQueue(Queue{Number: "700"}), ErrExists)
	// A freed number is free again for any kind.
	if err := s.DeleteQueue("700"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateExtension(Extension{Number: "700", Password: "Secret-700-pw"}); err != nil {
		t.Fatalf("extension on a freed queue number: %v", err)
	}
}

// Writers racing for one number: exactly one of each race wins, so no
// number ever has two owners.
func TestNumberingPlanRace(t *testing.T) {
	s := groupStore(t)
	for i := range 20 {
		n := fmt.Sprint(500 + i)
		var wg sync.WaitGroup
		errs := make([]error, 3)
		wg.Go(func() { errs[0] = s.CreateExtension(Extension{Number: n, Password: "Secret-" + n + "-pw"}) })
		wg.Go(func() { errs[1] = s.CreateGroup(Group{Number: n, Members: []string{"1001"}}) })
		wg.Go(func() { errs[2] = s.CreateQueue(Queue{Number: n}) })
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExists) {
				t.Fatalf("number %s: %v", n, err)
			}
		}
		owners := 0
		if _, err := s.GetExtension(n); err == nil {
			owners++
		}
		if _, err := s.GetGroup(n); err == nil {
			owners++
		}
		if _, err := s.GetQueue(n); err == nil {
			owners++
		}
		if won != 1 || owners != 1 {
			t.Fatalf("number %s: %d writers won, %d owners (%v)", n, won, owners, errs)
		}
	}
}
