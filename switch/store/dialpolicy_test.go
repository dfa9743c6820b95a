package store

import (
	"errors"
	"testing"
)

func TestDialPolicyCheck(t *testing.T) {
	p := DialPolicy{BlockedPrefixes: []string{"0900", "00881"}, CountryCodes: []string{"49", "44"}, Emergency: []string{"112", "0900112"}}
	for number, allowed := range map[string]bool{
		"030123456":  true,  // national
		"0900123":    false, // premium rate
		"0900112":    true,  // emergency wins over a blocked prefix
		"0049301234": true,
		"+44201234":  true,
		"0033123456": false, // France is not allowed
		"+1555123":   false,
		"0088112345": false, // blocked prefix, and not allowed anyway
		"112":        true,
	} {
		err := p.Check(number)
		if (err == nil) != allowed {
			t.Errorf("%s: %v, want allowed %v", number, err, allowed)
		}
		if err != nil && !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: %v does not wrap ErrForbidden", number, err)
		}
	}
	if err := (&DialPolicy{BlockedPrefixes: []string{"09a"}}).Validate(); err == nil {
		t.Error("a prefix with a letter passed")
	}
	s := openMem(t)
	if got, err := s.DialPolicy(); err != nil || len(got.BlockedPrefixes) != 0 {
		t.Fatalf("empty store: %+v %v", got, err)
	}
	if err := s.SetDialPolicy(p); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.DialPolicy(); len(got.CountryCodes) != 2 || !got.IsEmergency("112") {
		t.Fatalf("stored %+v", got)
	}
}

func TestDialClasses(t *testing.T) {
	p := DialPolicy{Emergency: []string{"112"}}
	for _, c := range []struct {
		class, number string
		ok            bool
	}{
		{"", "0049301", true},
		{"international", "+44201", true},
		{"national", "0301234", true},
		{"national", "0049301", false},
		{"local", "1234567", true},
		{"local", "0301234", false},
		{"internal", "1234567", false},
		{"internal", "112", true}, // emergency
	} {
		err := p.Allows(c.class, c.number)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrForbidden)) {
			t.Errorf("class %q dialling %s: %v, want allowed %v", c.class, c.number, err, c.ok)
		}
	}
	if err := (&Features{Class: "galactic"}).Validate(); err == nil {
		t.Error("an unknown class passed")
	}
}
