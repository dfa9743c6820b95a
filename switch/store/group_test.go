package store

import (
	"errors"
	"strings"
	"testing"
)

// groupStore is routeStore (trunks, an office condition) with extensions
// 1001-1003.
func groupStore(t *testing.T) *Store {
	t.Helper()
	s := routeStore(t)
	for _, n := range []string{"1001", "1002", "1003"} {
		if err := s.CreateExtension(Extension{Number: n, Password: "Secret-" + n + "-pw"}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestGroupValidate(t *testing.T) {
	g := Group{Number: "300", Members: []string{"1001"}}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if g.Strategy != "ringall" || g.RingTime != DefaultGroupRing {
		t.Fatalf("defaults: %+v", g)
	}
	good := Group{Number: "3000", Name: "Sales", Strategy: "leastworked", RingTime: 15, Members: []string{"1001", "1002"},
		NoAnswer: Destination{Kind: DestVoicemail, Target: "1001"}, CallerIDPrefix: "Sales: ", OutboundCallerID: "+4930123"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	tooMany := make([]string, MaxGroupMembers+1)
	for i := range tooMany {
		tooMany[i] = "1001"
	}
	m := []string{"1001"}
	bad := map[string]Group{
		"number":             {Number: "3", Members: m},
		"number ":            {Number: "12345678901", Members: m},
		"number  ":           {Number: "30a", Members: m},
		"name":               {Number: "300", Members: m, Name: "a\x00b"},
		"strategy":           {Number: "300", Members: m, Strategy: "paging"},
		"ring_time":          {Number: "300", Members: m, RingTime: 4},
		"ring_time ":         {Number: "300", Members: m, RingTime: 301},
		"members":            {Number: "300"},
		"members ":           {Number: "300", Members: tooMany},
		"members[1]":         {Number: "300", Members: []string{"1001", "x"}},
		"members[2]":         {Number: "300", Members: []string{"1001", "1002", "1001"}},
		"no_answer":          {Number: "300", Members: m, NoAnswer: Destination{Kind: "elsewhere"}},
		"no_answer ":         {Number: "300", Members: m, NoAnswer: Destination{Kind: DestGroup, Target: "300"}},
		"no_answer  ":        {Number: "300", Members: m, NoAnswer: Destination{Kind: DestExternal, Target: "abc"}},
		"caller_id_prefix":   {Number: "300", Members: m, CallerIDPrefix: `"Sales"`},
		"caller_id_prefix ":  {Number: "300", Members: m, CallerIDPrefix: strings.Repeat("x", 33)},
		"outbound_caller_id": {Number: "300", Members: m, OutboundCallerID: "12a"},
	}
	for name, g := range bad {
		field := strings.TrimSpace(name)
		err := g.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want a field error on %s", name, err, field)
		}
	}
}

func TestGroupCRUD(t *testing.T) {
	s := groupStore(t)
	g := Group{Number: "300", Name: "Sales", Members: []string{"1002", "1001"}}
	if err := s.CreateGroup(g); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateGroup(g); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "300") {
		t.Fatalf("create twice: %v", err)
	}
	got, err := s.GetGroup("300")
	if err != nil || got.Name != "Sales" || got.Strategy != "ringall" || got.RingTime != 20 || got.CreatedAt.IsZero() ||
		len(got.Members) != 2 || got.Members[0] != "1002" {
		t.Fatalf("get: %+v, %v", got, err)
	}
	g.Strategy, g.Members = "hunt", []string{"1003"}
	if err := s.PutGroup(g); err != nil {
		t.Fatal(err)
	}
	again, _ := s.GetGroup("300")
	if again.Strategy != "hunt" || len(again.Members) != 1 || !again.CreatedAt.Equal(got.CreatedAt) {
		t.Fatalf("replaced: %+v", again)
	}
	if err := s.PutGroup(Group{Number: "40", Members: []string{"1001"}}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListGroups()
	if err != nil || len(list) != 2 || list[0].Number != "40" || list[1].Number != "300" {
		t.Fatalf("list (numeric order): %+v, %v", list, err)
	}
	if err := s.DeleteGroup("300"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"300", "x/../ext/1001", ""} {
		if _, err := s.GetGroup(n); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get %q: %v", n, err)
		}
		if err := s.DeleteGroup(n); !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete %q: %v", n, err)
		}
	}
}

// A group's number is never an extension's, either way round, and its
// members are extensions.
func TestGroupNumbersAndMembers(t *testing.T) {
	s := groupStore(t)
	var fe *FieldError
	err := s.PutGroup(Group{Number: "1001", Members: []string{"1002"}})
	if !errors.As(err, &fe) || fe.Field != "number" || !strings.Contains(err.Error(), "extension") {
		t.Fatalf("group 1001: %v", err)
	}
	err = s.PutGroup(Group{Number: "300", Members: []string{"1001", "1009"}})
	if !errors.As(err, &fe) || fe.Field != "members[1]" || !strings.Contains(err.Error(), "1009") {
		t.Fatalf("member 1009: %v", err)
	}
	if err := s.PutGroup(Group{Number: "300", Members: []string{"1001"}}); err != nil {
		t.Fatal(err)
	}
	err = s.CreateExtension(Extension{Number: "300", Password: "Secret-300-pw"})
	if !errors.As(err, &fe) || fe.Field != "number" || !strings.Contains(err.Error(), "group") {
		t.Fatalf("extension 300: %v", err)
	}
}

func TestGroupInUse(t *testing.T) {
	s := groupStore(t)
	for _, g := range []Group{{Number: "300", Members: []string{"1001"}}, {Number: "301", Members: []string{"1002"}}} {
		if err := s.PutGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutInboundRule(InboundRule{Name: "main", DID: "*", Destination: Destination{Kind: DestGroup, Target: "300"}}); err != nil {
		t.Fatal(err)
	}
	err := s.DeleteGroup("300")
	var ce *ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "inbound rule main") {
		t.Fatalf("delete 300 used by a rule: %v", err)
	}
	// The closed destination counts too.
	if err := s.PutInboundRule(InboundRule{Name: "main", DID: "*", TimeCondition: "office",
		Destination: Destination{Kind: DestExtension, Target: "1001"},
		Closed:      Destination{Kind: DestGroup, Target: "300"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteGroup("300"); !errors.As(err, &ce) || !strings.Contains(err.Error(), "inbound rule main") {
		t.Fatalf("delete 300, the closed destination: %v", err)
	}
	if err := s.DeleteInboundRule("main"); err != nil {
		t.Fatal(err)
	}
	// Another group's no-answer destination.
	if err := s.PutGroup(Group{Number: "301", Members: []string{"1002"}, NoAnswer: Destination{Kind: DestGroup, Target: "300"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteGroup("300"); !errors.As(err, &ce) || !strings.Contains(err.Error(), "group 301") {
		t.Fatalf("delete 300, 301's no_answer: %v", err)
	}
	if err := s.DeleteGroup("301"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteGroup("300"); err != nil {
		t.Fatal(err)
	}
}
