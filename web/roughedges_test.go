package web

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// TestListsAreLists: empty lists answer [], never null.
func TestListsAreLists(t *testing.T) {
	api := &API{B: liveStore(t), L: &fakeLive{plugins: map[string][]byte{}}, Queues: queue.New(queue.Options{})}
	srv := httptest.NewServer(api.Handler())
	defer srv.Close()
	for _, p := range []string{"/api/v1/registrations", "/api/v1/plugins", "/api/v1/queues/status"} {
		if code, _, body := liveGet(t, srv.URL+p, nil); code != 200 || strings.TrimSpace(body) != "[]" {
			t.Errorf("%s: %d %q, want []", p, code, body)
		}
	}
}

// TestLiveJSONNames: trunk and conference state in snake_case, the RTT
// in milliseconds.
func TestLiveJSONNames(t *testing.T) {
	rep := trunk.Report{Name: "carrier", Kind: "register",
		Registration: &trunk.Status{Name: "carrier", State: trunk.StateRegistered, Code: 200, Reason: "OK"},
		Qualify:      &trunk.QualifyStatus{Name: "carrier", Health: trunk.HealthUp, RTT: 12500 * time.Microsecond, RTTMs: 12.5}}
	b, _ := json.Marshal(rep)
	var m map[string]map[string]any
	json.Unmarshal(b, &m)
	if m["registration"]["state"] != "registered" || m["registration"]["last_error"] != "" || m["qualify"]["health"] != "up" || m["qualify"]["rtt_ms"] != 12.5 {
		t.Errorf("trunk report JSON %s", b)
	}
	if strings.Contains(string(b), `"RTT"`) || strings.Contains(string(b), `"State"`) {
		t.Errorf("CamelCase left in %s", b)
	}
	srv := httptest.NewServer((&API{B: liveStore(t), L: &fakeLive{}, Rooms: openAPIRooms{}}).Handler())
	defer srv.Close()
	_, _, body := liveGet(t, srv.URL+"/api/v1/conferences", nil)
	for _, k := range []string{`"name":"sales"`, `"locked":true`, `"members":[{"call_id":"c1@test"`, `"admin":true`} {
		if !strings.Contains(body, k) {
			t.Errorf("conferences %s: no %s", body, k)
		}
	}
}
