package web

import (
	"strings"
	"testing"
)

func TestTimeConditionRoutes(t *testing.T) {
	srv := billingServer(t)
	for _, c := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"PUT", "/api/v1/timeconditions/office", `{"zone": "Europe/Berlin", "weekdays": {"mon": ["00:00-24:00"], "tue": ["00:00-24:00"], "wed": ["00:00-24:00"], "thu": ["00:00-24:00"], "fri": ["00:00-24:00"], "sat": ["00:00-24:00"], "sun": ["00:00-24:00"]}}`, 200, `"open":true`},
		{"PUT", "/api/v1/timeconditions/office", `null`, 400, "time condition object"},
		{"PUT", "/api/v1/timeconditions/office", `{"zone": "Mars/Base"}`, 400, "Mars/Base"},
		{"PUT", "/api/v1/timeconditions/office", `{"zone": "UTC", "weekdays": {"mon": ["18:00-18:00"]}}`, 400, "weekdays.mon[0]"},
		{"PUT", "/api/v1/timeconditions/office/override", `{"mode": "closed"}`, 204, ""},
		{"GET", "/api/v1/timeconditions", "", 200, `"mode":"closed"`},
		{"PUT", "/api/v1/timeconditions/office/override", `{"mode": "sometimes"}`, 400, "invalid JSON"},
		{"PUT", "/api/v1/timeconditions/nowhere/override", `{"mode": "closed"}`, 404, "not found"},
		{"DELETE", "/api/v1/timeconditions/office", "", 204, ""},
		{"DELETE", "/api/v1/timeconditions/office", "", 404, "not found"},
	} {
		code, body := do(t, srv, c.method, c.path, c.body)
		if code != c.code || !strings.Contains(body, c.says) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", c.method, c.path, c.body, code, body, c.code, c.says)
		}
	}
}
