package store

import (
	"errors"
	"testing"
)

func TestFeaturesValidate(t *testing.T) {
	ok := []Features{
		{},
		{DND: true, Forward: map[string]string{ForwardAll: "1002", ForwardBusy: "+4930123", ForwardNoAnswer: "0049301", ForwardUnavailable: "1003"}},
		{FollowMe: []FollowStep{{Number: "1003", Timeout: 5}, {Number: "+15551234", Timeout: 120}}},
	}
	for i, f := range ok {
		if err := f.Validate(); err != nil {
			t.Errorf("ok[%d]: %v", i, err)
		}
	}
	bad := map[string]Features{
		"forward":              {Forward: map[string]string{"sometimes": "1002"}},
		"forward.all":          {Forward: map[string]string{ForwardAll: "12a"}},
		"follow_me[0].number":  {FollowMe: []FollowStep{{Number: "", Timeout: 10}}},
		"follow_me[1].timeout": {FollowMe: []FollowStep{{Number: "1", Timeout: 10}, {Number: "2", Timeout: 4}}},
		"follow_me":            {FollowMe: make([]FollowStep, MaxFollowMe+1)},
	}
	for field, f := range bad {
		err := f.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want a field error on %s", field, err, field)
		}
	}
}

func TestUpdateFeatures(t *testing.T) {
	s := openMem(t)
	if err := s.CreateExtension(Extension{Number: "1001", Password: "Secret-1001-pw"}); err != nil {
		t.Fatal(err)
	}
	f, err := s.UpdateFeatures("1001", func(f *Features) error {
		f.DND = true
		f.Forward = map[string]string{ForwardBusy: "1002"}
		return nil
	})
	if err != nil || !f.DND || f.Forward[ForwardBusy] != "1002" {
		t.Fatalf("update: %+v, %v", f, err)
	}
	if e, _ := s.GetExtension("1001"); !e.Features.DND || e.Features.Forward[ForwardBusy] != "1002" {
		t.Fatalf("stored %+v", e.Features)
	}
	// A change that does not validate changes nothing.
	if _, err := s.UpdateFeatures("1001", func(f *Features) error {
		f.DND = false
		f.Forward[ForwardAll] = "nope"
		return nil
	}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad update: %v", err)
	}
	if e, _ := s.GetExtension("1001"); !e.Features.DND || len(e.Features.Forward) != 1 {
		t.Fatalf("a refused update changed %+v", e.Features)
	}
	if _, err := s.UpdateFeatures("1999", func(*Features) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no such extension: %v", err)
	}
}
