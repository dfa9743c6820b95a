package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAuditBoundedAndQueried(t *testing.T) {
	s := openMem(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 10 {
		user := "ann"
		if i%2 == 1 {
			user = "bob"
		}
		e := &AuditEntry{Time: t0.Add(time.Duration(i) * time.Minute), User: user, Method: "POST", Route: "/api/v1/extensions", Path: "/api/v1/extensions", Status: 201, Summary: string(rune('a' + i))}
		if err := s.AddAudit(e, 6); err != nil {
			t.Fatal(err)
		}
		if e.ID == "" {
			t.Fatal("no id assigned")
		}
	}
	all, err := s.ListAudit(AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range all {
		got = append(got, e.Summary)
	}
	if strings.Join(got, "") != "jihgfe" { // the newest 6, newest first
		t.Fatalf("kept %q", got)
	}
	bob, _ := s.ListAudit(AuditQuery{User: "bob", Limit: 2})
	if len(bob) != 2 || bob[0].Summary != "j" || bob[1].Summary != "h" {
		t.Fatalf("bob %+v", bob)
	}
	page, _ := s.ListAudit(AuditQuery{Offset: 2, Limit: 2})
	if len(page) != 2 || page[0].Summary != "h" {
		t.Fatalf("page %+v", page)
	}
	win, _ := s.ListAudit(AuditQuery{Since: t0.Add(5 * time.Minute), Until: t0.Add(7 * time.Minute)})
	if len(win) != 2 || win[0].Summary != "g" || win[1].Summary != "f" {
		t.Fatalf("window %+v", win)
	}
	if _, err := s.ListAudit(AuditQuery{Limit: MaxAuditList + 1}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("limit: %v", err)
	}
	if err := s.AddAudit(&AuditEntry{User: "x\n", Method: "POST"}, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("control chars: %v", err)
	}
}
