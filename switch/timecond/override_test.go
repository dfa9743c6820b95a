package timecond

import (
	"encoding/json"
	"testing"
	"time"
)

func TestState(t *testing.T) {
	c := cond(t, berlin, "mon-fri 09:00-17:00", "")
	openAt := at(t, berlin, "2026-03-10 10:00")
	closedAt := at(t, berlin, "2026-03-10 20:00")
	until := at(t, berlin, "2026-03-10 12:00")
	for _, tc := range []struct {
		name string
		t    time.Time
		ov   Override
		want bool
	}{
		{"no override, open", openAt, Override{}, true},
		{"no override, closed", closedAt, Override{}, false},
		{"closed until cleared", openAt, Override{Mode: Closed}, false},
		{"open until cleared", closedAt, Override{Mode: Open}, true},
		{"closed before until", openAt, Override{Mode: Closed, Until: until}, false},
		{"closed at until", until, Override{Mode: Closed, Until: until}, true}, // Until exclusive
		{"closed after until", until.Add(time.Hour), Override{Mode: Closed, Until: until}, true},
		{"open after until", closedAt, Override{Mode: Open, Until: until}, false},
		{"none with until", closedAt, Override{Mode: NoOverride, Until: closedAt.Add(time.Hour)}, false},
		{"unknown mode", openAt, Override{Mode: 9}, true},
	} {
		if got := c.State(tc.t, tc.ov); got != tc.want {
			t.Errorf("%s: State = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestOverrideJSON(t *testing.T) {
	until := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	b, err := json.Marshal(Override{Mode: Closed, Until: until})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"mode":"closed","until":"2026-03-10T12:00:00Z"}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	b, _ = json.Marshal(Override{Mode: Open})
	if want := `{"mode":"open"}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	var o Override
	if err := json.Unmarshal([]byte(`{"mode":"closed","until":"2026-03-10T12:00:00Z"}`), &o); err != nil || o.Mode != Closed || !o.Until.Equal(until) {
		t.Errorf("unmarshal: %+v, %v", o, err)
	}
	if err := json.Unmarshal([]byte(`{"mode":"shut"}`), &o); err == nil {
		t.Error("unknown mode accepted")
	}
	if _, err := json.Marshal(Override{Mode: 7}); err == nil {
		t.Error("invalid mode marshalled")
	}
	if Mode(7).String() != "mode(7)" || Closed.String() != "closed" {
		t.Error("Mode.String")
	}
}
