package store

import (
	"errors"
	"testing"
	"time"
)

func TestBlacklist(t *testing.T) {
	s := openMem(t)
	if ok, err := s.Blocked("+4930123"); ok || err != nil {
		t.Fatalf("empty list: %v %v", ok, err)
	}
	if err := s.Block("+4930123", "1001"); err != nil {
		t.Fatal(err)
	}
	if err := s.Block("+4930123", "admin"); err != nil { // twice: the first entry stays
		t.Fatal(err)
	}
	if err := s.Block("12ab", "admin"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a bad number: %v", err)
	}
	if ok, _ := s.Blocked("+4930123"); !ok {
		t.Fatal("blocked number not reported")
	}
	list, err := s.Blacklist()
	if err != nil || len(list) != 1 || list[0].By != "1001" {
		t.Fatalf("list %+v, %v", list, err)
	}
	if err := s.Unblock("+4930123"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.Blocked("+4930123"); ok {
		t.Fatal("unblocked number still blocked (cache)")
	}
	if err := s.Unblock("+4930123"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unblock twice: %v", err)
	}
}

func TestLastCaller(t *testing.T) {
	s := openMem(t)
	now := time.Now()
	cdrs := []*CDR{
		{CallID: "a", Caller: "1002", Callee: "1001", StartTime: now.Add(-3 * time.Minute), EndTime: now.Add(-3 * time.Minute), Status: StatusAnswered},
		{CallID: "b", Caller: "1003", Callee: "1001", StartTime: now.Add(-2 * time.Minute), EndTime: now.Add(-2 * time.Minute), Status: StatusNoAnswer},
		{CallID: "c", Caller: "1001", Callee: "1004", StartTime: now.Add(-time.Minute), EndTime: now.Add(-time.Minute), Status: StatusAnswered},
	}
	if err := s.AddCDRs(cdrs); err != nil {
		t.Fatal(err)
	}
	if got, err := s.LastCaller("1001"); err != nil || got != "1003" {
		t.Fatalf("last caller of 1001: %q, %v; want 1003 (its own outgoing call does not count)", got, err)
	}
	if got, _ := s.LastCaller("1009"); got != "" {
		t.Fatalf("nobody called 1009, got %q", got)
	}
}
