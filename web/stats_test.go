package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/store"
)

// peakLive is a switch whose call peaks a test sets.
type peakLive struct {
	*fakeLive
	peaks map[int64]int // hour start (Unix) -> peak
}

func (p *peakLive) PeakCalls(now time.Time, hours int) []call.HourPeak {
	var out []call.HourPeak
	last := now.UTC().Truncate(time.Hour)
	for i := hours - 1; i >= 0; i-- {
		h := last.Add(-time.Duration(i) * time.Hour)
		out = append(out, call.HourPeak{Hour: h, Peak: p.peaks[h.Unix()]})
	}
	return out
}

func TestHourlyStats(t *testing.T) {
	st := liveStore(t)
	now := time.Now().UTC()
	hour := now.Truncate(time.Hour)
	prev := hour.Add(-time.Hour)
	var cs []*store.CDR
	for i, c := range []struct {
		at             time.Time
		tenant, status string
	}{
		{hour, "acme", store.StatusAnswered}, {hour, "acme", store.StatusBusy}, {hour, "", store.StatusAnswered},
		{prev, "beta", store.StatusNoAnswer}, {prev.Add(-5 * time.Hour), "acme", store.StatusAnswered},
	} {
		cs = append(cs, &store.CDR{CallID: "s" + string(rune('a'+i)), Caller: "1001", Callee: "1002", Direction: "internal",
			StartTime: c.at.Add(time.Duration(i) * time.Second), EndTime: c.at.Add(time.Minute), Status: c.status, EndedReason: "caller_hangup", Tenant: c.tenant})
	}
	if err := st.AddCDRs(cs); err != nil {
		t.Fatal(err)
	}
	regs := &HourSampler{}
	regs.Note(3, prev.Add(10*time.Minute))
	regs.Note(5, prev.Add(20*time.Minute))
	regs.Note(4, prev.Add(30*time.Minute))
	live := &peakLive{fakeLive: &fakeLive{}, peaks: map[int64]int{hour.Unix(): 2, prev.Unix(): 7}}
	srv := httptest.NewServer((&API{B: st, L: live, Regs: regs}).Handler())
	defer srv.Close()
	var hs []HourlyStats
	if code, _, body := liveGet(t, srv.URL+"/api/v1/stats/hourly?hours=2", &hs); code != 200 || len(hs) != 2 {
		t.Fatalf("%d %s", code, body)
	}
	p, c := hs[0], hs[1]
	if !p.Hour.Equal(prev) || !c.Hour.Equal(hour) {
		t.Fatalf("hours %v %v, want %v %v", p.Hour, c.Hour, prev, hour)
	}
	if c.Attempts != 3 || c.Answered != 2 || c.PeakCalls != 2 || c.Registrations != 0 {
		t.Errorf("this hour %+v", c)
	}
	if p.Attempts != 1 || p.Answered != 0 || p.PeakCalls != 7 || p.Registrations != 5 {
		t.Errorf("last hour %+v", p)
	}
	if len(c.Tenants) != 2 || c.Tenants[0] != (TenantHour{Tenant: "", Attempts: 1, Answered: 1}) || c.Tenants[1] != (TenantHour{Tenant: "acme", Attempts: 2, Answered: 1}) {
		t.Errorf("this hour's tenants %+v", c.Tenants)
	}
	if len(p.Tenants) != 1 || p.Tenants[0] != (TenantHour{Tenant: "beta", Attempts: 1}) {
		t.Errorf("last hour's tenants %+v", p.Tenants)
	}
	// Six hours reach the older acme call.
	if code, _, _ := liveGet(t, srv.URL+"/api/v1/stats/hourly?hours=7", &hs); code != 200 || len(hs) != 7 || hs[0].Attempts != 1 || hs[0].Tenants[0].Tenant != "acme" {
		t.Errorf("seven hours: %+v", hs)
	}
	for _, q := range []string{"?hours=0", "?hours=745", "?hours=x"} {
		if code, _, _ := liveGet(t, srv.URL+"/api/v1/stats/hourly"+q, nil); code != 400 {
			t.Errorf("%s: %d, want 400", q, code)
		}
	}
	// Without peaks or samples: zeros, and tenants still a list.
	bare := httptest.NewServer((&API{B: st, L: &fakeLive{}}).Handler())
	defer bare.Close()
	if _, _, body := liveGet(t, bare.URL+"/api/v1/stats/hourly?hours=1", nil); body == "" || !strings.Contains(body, `"peak_calls":0`) || !strings.Contains(body, `"tenants":[`) {
		t.Errorf("bare: %s", body)
	}
}
