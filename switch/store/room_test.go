package store

import (
	"errors"
	"strings"
	"testing"
)

func TestRoomValidate(t *testing.T) {
	bad := map[string]Room{
		"number":      {Number: ""},
		"pin":         {Number: "8000", PIN: "12a"},
		"admin_pin":   {Number: "8000", PIN: "12", AdminPIN: "12"},
		"wait_leader": {Number: "8000", WaitLeader: true},
		"max_members": {Number: "8000", MaxMembers: MaxRoomMembers + 1},
	}
	for field, r := range bad {
		var fe *FieldError
		if err := r.Validate(); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestRoomCRUD(t *testing.T) {
	s := groupStore(t)
	r := Room{Number: "8001", Name: "Board", PIN: "1234", AdminPIN: "4321", WaitLeader: true, MaxMembers: 10}
	if err := s.CreateRoom(r); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRoom(r); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: %v", err)
	}
	var fe *FieldError
	if err := s.CreateIVR(IVR{Number: "8001"}); !errors.As(err, &fe) || !strings.Contains(err.Error(), "a conference room") {
		t.Fatalf("IVR on a room's number: %v", err)
	}
	if err := s.PutIVR(IVR{Number: "5000", Keys: map[string]Destination{"8": {Kind: DestConference, Target: "8001"}}}); err != nil {
		t.Fatal(err)
	}
	var ce *ConflictError
	if err := s.DeleteRoom("8001"); !errors.As(err, &ce) || !strings.Contains(err.Error(), "keys.8") {
		t.Fatalf("delete a room in use: %v", err)
	}
	r.Name = "Board room"
	if err := s.PutRoom(r); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRoom("8001")
	if err != nil || got.Name != "Board room" || got.PIN != "1234" || got.CreatedAt.IsZero() || !got.UpdatedAt.After(got.CreatedAt) && got.UpdatedAt != got.CreatedAt {
		t.Fatalf("get: %+v %v", got, err)
	}
	if err := s.DeleteIVR("5000"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRoom("8001"); err != nil {
		t.Fatal(err)
	}
	if list, err := s.ListRooms(); err != nil || len(list) != 0 {
		t.Fatalf("list: %+v %v", list, err)
	}
}

func TestAppSettings(t *testing.T) {
	s := groupStore(t)
	a, err := s.GetAppSettings()
	if err != nil || a.Operator != nil || a.BlockAnonymous != nil {
		t.Fatalf("unset: %+v %v", a, err)
	}
	op, tc, on, max := "1001", "office", true, 120
	a = AppSettings{Operator: &op, OfficeHours: &tc, BlockAnonymous: &on, Voicemail: VoicemailSettings{MaxSeconds: &max}}
	if err := s.PutAppSettings(a); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetAppSettings()
	if err != nil || *got.Operator != "1001" || *got.OfficeHours != "office" || !*got.BlockAnonymous || *got.Voicemail.MaxSeconds != 120 || got.Voicemail.MinSeconds != nil {
		t.Fatalf("get: %+v %v", got, err)
	}
	missing, nocond, big := "1999", "nope", 99999
	var fe *FieldError
	for field, a := range map[string]AppSettings{
		"operator":              {Operator: &missing},
		"office_hours":          {OfficeHours: &nocond},
		"voicemail.max_seconds": {Voicemail: VoicemailSettings{MaxSeconds: &big}},
	} {
		if err := s.PutAppSettings(a); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
}
