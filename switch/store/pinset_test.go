package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestPINSetValidate(t *testing.T) {
	good := PINSet{Name: "staff", Description: "Sales – cost centre 4", PINs: []PIN{{PIN: "1234", Label: "Alice Müller"}, {PIN: "9876543210123456"}}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	many := make([]PIN, MaxPINs+1)
	for i := range many {
		many[i] = PIN{PIN: fmt.Sprintf("%06d", i)}
	}
	if err := (&PINSet{Name: "big", PINs: many[:MaxPINs]}).Validate(); err != nil {
		t.Fatalf("%d PINs: %v", MaxPINs, err)
	}
	for _, tc := range []struct {
		name  string
		set   PINSet
		field string
		says  string
	}{
		{"no name", PINSet{PINs: []PIN{{PIN: "1234"}}}, "name", "required"},
		{"bad name", PINSet{Name: "a b", PINs: []PIN{{PIN: "1234"}}}, "name", ""},
		{"description control", PINSet{Name: "x", Description: "a\nb", PINs: []PIN{{PIN: "1234"}}}, "description", "printable"},
		{"description long", PINSet{Name: "x", Description: strings.Repeat("d", 257), PINs: []PIN{{PIN: "1234"}}}, "description", "256"},
		{"no pins", PINSet{Name: "x"}, "pins", "at least one"},
		{"too many", PINSet{Name: "x", PINs: many}, "pins", "at most 10000"},
		{"short", PINSet{Name: "x", PINs: []PIN{{PIN: "1234"}, {PIN: "567"}}}, "pins[1]", "4-16 digits"},
		{"long", PINSet{Name: "x", PINs: []PIN{{PIN: "12345678901234567"}}}, "pins[0]", "4-16 digits"},
		{"letters", PINSet{Name: "x", PINs: []PIN{{PIN: "12a4"}}}, "pins[0]", "digits"},
		{"sign", PINSet{Name: "x", PINs: []PIN{{PIN: "+1234"}}}, "pins[0]", "digits"},
		{"empty", PINSet{Name: "x", PINs: []PIN{{}}}, "pins[0]", "digits"},
		{"label long", PINSet{Name: "x", PINs: []PIN{{PIN: "1234", Label: strings.Repeat("é", 65)}}}, "pins[0].label", "64"},
		{"label control", PINSet{Name: "x", PINs: []PIN{{PIN: "1234", Label: "a\x00"}}}, "pins[0].label", "printable"},
		{"label bad utf8", PINSet{Name: "x", PINs: []PIN{{PIN: "1234", Label: "\xff"}}}, "pins[0].label", ""},
		{"duplicate", PINSet{Name: "x", PINs: []PIN{{PIN: "55551234"}, {PIN: "1111"}, {PIN: "55551234"}}}, "pins[2]", "pins[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.set.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("%v: want a field error on %s saying %q", err, tc.field, tc.says)
			}
			// A PIN's digits never show in an error.
			for _, p := range tc.set.PINs {
				if len(p.PIN) >= 4 && strings.Contains(err.Error(), p.PIN) {
					t.Fatalf("%v: shows the PIN %s", err, p.PIN)
				}
			}
		})
	}
}

func TestPINSetCRUD(t *testing.T) {
	s := openMem(t)
	if _, err := s.GetPINSet("staff"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before put: %v", err)
	}
	if err := s.PutPINSet(PINSet{Name: "staff", PINs: []PIN{{PIN: "1234", Label: "alice"}}}); err != nil {
		t.Fatal(err)
	}
	first, _ := s.GetPINSet("staff")
	if err := s.PutPINSet(PINSet{Name: "staff", Description: "office", PINs: []PIN{{PIN: "1234", Label: "alice"}, {PIN: "5678", Label: "bob"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPINSet(PINSet{Name: "admins", PINs: []PIN{{PIN: "0000"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetPINSet("staff")
	if err != nil || got.Description != "office" || len(got.PINs) != 2 || got.PINs[1] != (PIN{PIN: "5678", Label: "bob"}) {
		t.Fatalf("get: %+v, %v", got, err)
	}
	if !got.CreatedAt.Equal(first.CreatedAt) || got.UpdatedAt.Before(first.UpdatedAt) {
		t.Fatalf("replace: created %v -> %v, updated %v -> %v", first.CreatedAt, got.CreatedAt, first.UpdatedAt, got.UpdatedAt)
	}
	list, err := s.ListPINSets()
	if err != nil || len(list) != 2 || list[0].Name != "admins" || list[1].Name != "staff" {
		t.Fatalf("list: %+v, %v", list, err)
	}
	wantErr(t, s.PutPINSet(PINSet{Name: "bad", PINs: []PIN{{PIN: "12"}}}), ErrInvalid, "put pin set", "pins[0]")
	if err := s.DeletePINSet("staff"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetPINSet("staff"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	wantErr(t, s.DeletePINSet("staff"), ErrNotFound, "delete pin set staff")
}

func TestAddRemovePIN(t *testing.T) {
	s := openMem(t)
	wantErr(t, s.AddPIN("staff", PIN{PIN: "1234"}), ErrNotFound, "add pin to pin set staff")
	if err := s.PutPINSet(PINSet{Name: "staff", PINs: []PIN{{PIN: "1234", Label: "alice"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPIN("staff", PIN{PIN: "5678", Label: "bob"}); err != nil {
		t.Fatal(err)
	}
	err := s.AddPIN("staff", PIN{PIN: "5678", Label: "eve"})
	wantErr(t, err, ErrExists, "already")
	if strings.Contains(err.Error(), "5678") {
		t.Fatalf("%v: shows the PIN", err)
	}
	err = s.AddPIN("staff", PIN{PIN: "12x4"})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "pin" {
		t.Fatalf("bad PIN: %v, want a field error on pin", err)
	}
	if err := s.AddPIN("staff", PIN{PIN: "4321", Label: "a\tb"}); !errors.As(err, &fe) || fe.Field != "label" {
		t.Fatalf("bad label: %v, want a field error on label", err)
	}
	if got, _ := s.GetPINSet("staff"); len(got.PINs) != 2 || got.PINs[1].Label != "bob" {
		t.Fatalf("after adds: %+v", got.PINs)
	}
	wantErr(t, s.RemovePIN("staff", "9999"), ErrNotFound, "remove pin from pin set staff")
	if err := s.RemovePIN("staff", "1234"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.RemovePIN("staff", "5678"), ErrInvalid, "last PIN")
	if got, _ := s.GetPINSet("staff"); len(got.PINs) != 1 || got.PINs[0].PIN != "5678" {
		t.Fatalf("after remove: %+v", got.PINs)
	}
	wantErr(t, s.RemovePIN("nobody", "5678"), ErrNotFound)

	// A full set takes no more.
	full := make([]PIN, MaxPINs)
	for i := range full {
		full[i] = PIN{PIN: fmt.Sprintf("%05d", i)}
	}
	if err := s.PutPINSet(PINSet{Name: "full", PINs: full}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.AddPIN("full", PIN{PIN: "123456"}), ErrInvalid, "10000")
}

func TestCheckPIN(t *testing.T) {
	s := openMem(t)
	if err := s.PutPINSet(PINSet{Name: "staff", PINs: []PIN{{PIN: "1234", Label: "alice"}, {PIN: "99887766"}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pin, label string
		ok         bool
	}{
		{"1234", "alice", true},
		{"99887766", "", true},
		{"1235", "", false},
		{"123", "", false},
		{"12345", "", false},
		{"9988776", "", false},
		{"", "", false},
		{"1234#", "", false},
		{strings.Repeat("1", 10000), "", false},
	} {
		label, ok, err := s.CheckPIN("staff", tc.pin)
		if err != nil || ok != tc.ok || label != tc.label {
			t.Errorf("%.20q: %q %v %v, want %q %v", tc.pin, label, ok, err, tc.label, tc.ok)
		}
	}
	_, ok, err := s.CheckPIN("nobody", "1234")
	wantErr(t, err, ErrNotFound, "pin set nobody")
	if ok || strings.Contains(err.Error(), "1234") {
		t.Fatalf("missing set: %v %v", ok, err)
	}
}

func TestMaskPIN(t *testing.T) {
	for in, want := range map[string]string{"1234": "**34", "9876543210": "********10", "12": "**", "": ""} {
		if got := MaskPIN(in); got != want {
			t.Errorf("MaskPIN(%q) = %q, want %q", in, got, want)
		}
	}
	p := PINSet{Name: "x", PINs: []PIN{{PIN: "123456", Label: "a"}}}
	m := p.Masked()
	if m.PINs[0] != (PIN{PIN: "****56", Label: "a"}) || p.PINs[0].PIN != "123456" {
		t.Fatalf("masked %+v, original %+v", m.PINs, p.PINs)
	}
}

// A rule's PIN set must exist, and a set a rule asks for cannot go.
func TestPINSetReferences(t *testing.T) {
	s := routeStore(t)
	rule := OutboundRule{Name: "intl", Patterns: []OutboundPattern{{Pattern: "00."}}, Sources: []string{"*"}, Trunks: []string{"t1"}, PINSet: "staff"}
	err := s.PutOutboundRule(rule)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "pin_set" || !strings.Contains(err.Error(), `no PIN set named "staff"`) {
		t.Fatalf("unknown set: %v", err)
	}
	if err := s.PutPINSet(PINSet{Name: "staff", PINs: []PIN{{PIN: "1234"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutOutboundRule(rule); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.DeletePINSet("staff"), ErrExists, "delete pin set staff", "in use by outbound rule intl")
	var ce *ConflictError
	if err := s.DeletePINSet("staff"); !errors.As(err, &ce) || ce.Other != "outbound rule intl" {
		t.Fatalf("conflict: %v", err)
	}
	if _, err := s.GetPINSet("staff"); err != nil {
		t.Fatalf("the refused delete removed it: %v", err)
	}
	rule.PINSet = ""
	if err := s.PutOutboundRule(rule); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePINSet("staff"); err != nil {
		t.Fatalf("once unused: %v", err)
	}
}

// fullSet has MaxPINs PINs of digits each, labelled with label(i).
func fullSet(name string, digits int, label func(i int) string) PINSet {
	pins := make([]PIN, MaxPINs)
	for i := range pins {
		pins[i] = PIN{PIN: fmt.Sprintf("%0*d", digits, i*7), Label: label(i)}
	}
	return PINSet{Name: name, PINs: pins}
}

// The largest set the limits allow is stored on disk (in badger's value
// log); an in-memory store, which has none, refuses it with a clear error
// that does not quote the PINs.
func TestPINSetLargest(t *testing.T) {
	longest := fullSet("big", MaxPINLen, func(i int) string { return fmt.Sprintf("%-64s", fmt.Sprintf("<%d>", i)) })
	if err := longest.Validate(); err != nil {
		t.Fatal(err)
	}
	err := openMem(t).PutPINSet(longest)
	wantErr(t, err, ErrInvalid, "pins", "KiB")
	if strings.Contains(err.Error(), longest.PINs[1].PIN) {
		t.Fatalf("%.200v: quotes a PIN", err)
	}
	dir := t.TempDir()
	s, err := Open(dir, Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutPINSet(longest); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir, Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	last := longest.PINs[MaxPINs-1]
	if label, ok, err := s.CheckPIN("big", last.PIN); !ok || err != nil || label != last.Label {
		t.Fatalf("after reopening: %q %v %v", label, ok, err)
	}
}

// BenchmarkCheckPIN: a check against a full set of 8-digit PINs with
// short labels (about 400 KiB stored), as a call asking for a PIN does it.
func BenchmarkCheckPIN(b *testing.B) {
	s, err := Open(b.TempDir(), Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.PutPINSet(fullSet("staff", 8, func(i int) string { return fmt.Sprintf("employee %d", i) })); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.CheckPIN("staff", "00034993"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// CheckPIN's cache follows every write to the set.
func TestCheckPINSeesWrites(t *testing.T) {
	s := openMem(t)
	if err := s.PutPINSet(PINSet{Name: "staff", PINs: []PIN{{PIN: "1234", Label: "ann"}}}); err != nil {
		t.Fatal(err)
	}
	check := func(pin, wantLabel string, want bool) {
		t.Helper()
		label, ok, err := s.CheckPIN("staff", pin)
		if err != nil || ok != want || label != wantLabel {
			t.Fatalf("CheckPIN(%s) = %q %v %v, want %q %v", pin, label, ok, err, wantLabel, want)
		}
	}
	check("1234", "ann", true)
	check("5678", "", false)
	if err := s.AddPIN("staff", PIN{PIN: "5678", Label: "bob"}); err != nil {
		t.Fatal(err)
	}
	check("5678", "bob", true)
	if err := s.RemovePIN("staff", "1234"); err != nil {
		t.Fatal(err)
	}
	check("1234", "", false)
	if err := s.PutPINSet(PINSet{Name: "staff", PINs: []PIN{{PIN: "9999"}}}); err != nil {
		t.Fatal(err)
	}
	check("5678", "", false)
	check("9999", "", true)
	if err := s.DeletePINSet("staff"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CheckPIN("staff", "9999"); err == nil {
		t.Fatal("a deleted set still answers")
	}
}
