package store

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const goodPW = "Xk3mPq9sTr"

func TestExtensionCRUD(t *testing.T) {
	for _, mem := range []bool{false, true} {
		t.Run(fmt.Sprintf("inmemory=%v", mem), func(t *testing.T) {
			var s *Store
			if mem {
				s = openMem(t)
			} else {
				s = openDisk(t)
			}
			before := time.Now().Add(-time.Second)
			e := Extension{Number: "100", Name: "Alice", Password: goodPW, Email: "alice@example.com"}
			if err := s.CreateExtension(e); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateExtension(e); !errors.Is(err, ErrExists) {
				t.Errorf("duplicate create: err = %v, want ErrExists", err)
			}
			got, err := s.GetExtension("100")
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "Alice" || got.Email != e.Email || got.MaxContacts != DefaultMaxContacts {
				t.Errorf("got %+v", got)
			}
			if got.CreatedAt.Before(before) || !got.CreatedAt.Equal(got.UpdatedAt) {
				t.Errorf("times not set: created %v updated %v", got.CreatedAt, got.UpdatedAt)
			}

			time.Sleep(2 * time.Millisecond)
			upd := got
			upd.Name, upd.MaxContacts, upd.CreatedAt = "Alice B", 5, time.Time{}
			if err := s.UpdateExtension(upd); err != nil {
				t.Fatal(err)
			}
			got2, _ := s.GetExtension("100")
			if got2.Name != "Alice B" || got2.MaxContacts != 5 {
				t.Errorf("after update %+v", got2)
			}
			if !got2.CreatedAt.Equal(got.CreatedAt) || !got2.UpdatedAt.After(got.UpdatedAt) {
				t.Errorf("update times: created %v (was %v) updated %v (was %v)", got2.CreatedAt, got.CreatedAt, got2.UpdatedAt, got.UpdatedAt)
			}
			if err := s.UpdateExtension(Extension{Number: "999", Password: goodPW}); !errors.Is(err, ErrNotFound) {
				t.Errorf("update missing: err = %v, want ErrNotFound", err)
			}

			if _, err := s.GetExtension("555"); !errors.Is(err, ErrNotFound) {
				t.Errorf("get missing: err = %v", err)
			}
			if _, err := s.GetExtension("../x\x00"); !errors.Is(err, ErrNotFound) {
				t.Errorf("get bad number: err = %v", err)
			}
			if err := s.DeleteExtension("100"); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteExtension("100"); !errors.Is(err, ErrNotFound) {
				t.Errorf("second delete: err = %v, want ErrNotFound", err)
			}
			if _, err := s.GetExtension("100"); !errors.Is(err, ErrNotFound) {
				t.Errorf("get after delete: err = %v", err)
			}
		})
	}
}

func TestListExtensionsNumericOrder(t *testing.T) {
	s := openMem(t)
	for _, n := range []string{"100", "20", "1000", "099", "21", "99"} {
		if err := s.CreateExtension(Extension{Number: n, Password: goodPW}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListExtensions()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Number)
	}
	if want := "20,21,099,99,100,1000"; strings.Join(got, ",") != want {
		t.Errorf("order %v, want %s", got, want)
	}
}

func TestExtensionValidate(t *testing.T) {
	long := strings.Repeat("x", 65)
	cases := []struct {
		name  string
		e     Extension
		field string // "" = valid
	}{
		{"ok", Extension{Number: "10", Password: "p"}, ""},
		{"ok 11 digits", Extension{Number: "12345678901", Password: "p", MaxContacts: 5}, ""},
		{"ok unicode name", Extension{Number: "100", Name: "Zoë Müller", Password: "p", Email: "z@m.example"}, ""},
		{"1 digit", Extension{Number: "1", Password: "p"}, "number"},
		{"12 digits", Extension{Number: "123456789012", Password: "p"}, "number"},
		{"letters", Extension{Number: "10a", Password: "p"}, "number"},
		{"empty number", Extension{Password: "p"}, "number"},
		{"long name", Extension{Number: "100", Name: long, Password: "p"}, "name"},
		{"control name", Extension{Number: "100", Name: "a\nb", Password: "p"}, "name"},
		{"no password", Extension{Number: "100"}, "password"},
		{"long password", Extension{Number: "100", Password: strings.Repeat("a", 129)}, "password"},
		{"email no at", Extension{Number: "100", Password: "p", Email: "alice"}, "email"},
		{"email two at", Extension{Number: "100", Password: "p", Email: "a@b@c.d"}, "email"},
		{"email no dot", Extension{Number: "100", Password: "p", Email: "a@localhost"}, "email"},
		{"email space", Extension{Number: "100", Password: "p", Email: "a b@c.d"}, "email"},
		{"email long", Extension{Number: "100", Password: "p", Email: strings.Repeat("a", 250) + "@c.de"}, "email"},
		{"max contacts 6", Extension{Number: "100", Password: "p", MaxContacts: 6}, "max_contacts"},
		{"max contacts -1", Extension{Number: "100", Password: "p", MaxContacts: -1}, "max_contacts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.e.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if c.e.MaxContacts < 1 {
					t.Errorf("MaxContacts not defaulted: %d", c.e.MaxContacts)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want FieldError on %q wrapping ErrInvalid", err, c.field)
			}
			if !strings.Contains(err.Error(), c.field) {
				t.Errorf("error %q does not name the field", err)
			}
		})
	}
}

func TestCreateExtensionInvalid(t *testing.T) {
	s := openMem(t)
	if err := s.CreateExtension(Extension{Number: "1", Password: goodPW}); !errors.Is(err, ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
	if list, _ := s.ListExtensions(); len(list) != 0 {
		t.Errorf("invalid extension was stored: %v", list)
	}
}

func TestCreateExtensionRace(t *testing.T) {
	s := openDisk(t)
	var ok, exists atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.CreateExtension(Extension{Number: "200", Password: goodPW})
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ErrExists):
				exists.Add(1)
			default:
				t.Errorf("create: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || exists.Load() != 7 {
		t.Errorf("%d creates succeeded and %d got ErrExists, want 1 and 7", ok.Load(), exists.Load())
	}
}

func TestDeleteExtensionRemovesBindings(t *testing.T) {
	s := openDisk(t)
	for _, n := range []string{"10", "100"} {
		if err := s.CreateExtension(Extension{Number: n, Password: goodPW}); err != nil {
			t.Fatal(err)
		}
	}
	exp := time.Now().Add(time.Hour)
	for _, b := range []Binding{
		testBinding("10", "sip:10@192.0.2.1:5060", exp),
		testBinding("10", "sip:10@192.0.2.2:5060", exp),
		testBinding("100", "sip:100@192.0.2.3:5060", exp),
	} {
		if err := s.PutBinding(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteExtension("10"); err != nil {
		t.Fatal(err)
	}
	if bs, err := s.Bindings("10"); err != nil || len(bs) != 0 {
		t.Errorf("bindings of deleted extension: %v, %v", bs, err)
	}
	// The longer number sharing the prefix keeps its binding.
	if bs, err := s.Bindings("100"); err != nil || len(bs) != 1 {
		t.Errorf("bindings of 100: %v, %v", bs, err)
	}
}

func TestCorruptExtension(t *testing.T) {
	s := openMem(t)
	if err := s.CreateExtension(Extension{Number: "100", Password: goodPW}); err != nil {
		t.Fatal(err)
	}
	putRaw(t, s, "ext/200", []byte("{not json"))
	_, err := s.GetExtension("200")
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `"ext/200"`) {
		t.Errorf("get corrupt: err = %v, want ErrCorrupt naming the key", err)
	}
	list, err := s.ListExtensions()
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `"ext/200"`) {
		t.Errorf("list: err = %v, want ErrCorrupt naming the key", err)
	}
	if len(list) != 1 || list[0].Number != "100" {
		t.Errorf("list did not keep the good record: %v", list)
	}
	if err := s.UpdateExtension(Extension{Number: "200", Password: goodPW}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("update over corrupt: err = %v", err)
	}
}
