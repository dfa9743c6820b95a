package store

import (
	"errors"
	"testing"
)

func TestContacts(t *testing.T) {
	s := openMem(t)
	for _, n := range []string{"20", "201"} {
		if err := s.CreateExtension(Extension{Number: n, Password: "Secret-pass-1x"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddContact("999", Contact{Name: "A", Number: "1"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no such extension: %v", err)
	}
	b, err := s.AddContact("20", Contact{Name: "bob", Number: "+4930"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.AddContact("20", Contact{Name: "Alice", Number: "201"})
	if err != nil || len(a.ID) != contactIDLen || a.ID == b.ID {
		t.Fatalf("add: %+v %v", a, err)
	}
	if _, err := s.AddContact("201", Contact{Name: "Carol", Number: "20"}); err != nil {
		t.Fatal(err)
	}
	// "20" is a prefix of "201" as text: the books stay apart.
	list, err := s.ListContacts("20")
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Fatalf("list 20: %+v %v", list, err)
	}
	var fe *FieldError
	if _, err := s.AddContact("20", Contact{Name: "x", Number: "12ab"}); !errors.As(err, &fe) || fe.Field != "number" {
		t.Fatalf("bad number: %v", err)
	}
	if _, err := s.UpdateContact("201", a.ID, Contact{Name: "x", Number: "1"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another book's entry: %v", err)
	}
	if _, err := s.UpdateContact("20", "../201", Contact{Name: "x", Number: "1"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a malformed id: %v", err)
	}
	if c, err := s.UpdateContact("20", a.ID, Contact{Name: "Alice B", Number: "202"}); err != nil || c.Name != "Alice B" || !c.Created.Equal(a.Created) {
		t.Fatalf("update: %+v %v", c, err)
	}
	if err := s.DeleteContact("20", b.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteContact("20", b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}

	// A new extension of a deleted one's number starts with an empty book.
	if err := s.DeleteExtension("20"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListContacts("20"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("list of a deleted extension: %v", err)
	}
	if err := s.CreateExtension(Extension{Number: "20", Password: "Secret-pass-2x"}); err != nil {
		t.Fatal(err)
	}
	if list, err := s.ListContacts("20"); err != nil || len(list) != 0 {
		t.Fatalf("the new owner sees %+v %v", list, err)
	}
	if err := s.DeleteContact("20", a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the new owner deletes an old entry: %v", err)
	}
	if _, err := s.AddContact("20", Contact{Name: "New", Number: "1"}); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListContacts("20"); len(list) != 1 || list[0].Name != "New" {
		t.Fatalf("after add: %+v", list)
	}
	if list, _ := s.ListContacts("201"); len(list) != 1 {
		t.Fatalf("201's book: %+v", list)
	}
}
