package web

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/store"
)

// HourlyStats is one hour of GET /api/v1/stats/hourly.
type HourlyStats struct {
	Hour     time.Time `json:"hour"` // the hour's start, UTC
	Attempts int       `json:"attempts"`
	Answered int       `json:"answered"`
	// PeakCalls is the most calls up at once (tracked live: 0 before the
	// switch started).
	PeakCalls int `json:"peak_calls"`
	// Registrations is the most registered contacts sampled in the hour
	// (0 when none was sampled).
	Registrations int          `json:"registrations"`
	Tenants       []TenantHour `json:"tenants"`
}

// TenantHour is one tenant's calls in an hour ("" is calls of no tenant).
type TenantHour struct {
	Tenant   string `json:"tenant"`
	Attempts int    `json:"attempts"`
	Answered int    `json:"answered"`
}

// PeakSource is the live call peaks (the call manager); a Live without it
// shows no peaks.
type PeakSource interface {
	PeakCalls(now time.Time, hours int) []call.HourPeak
}

// tenantStats is the store's per-tenant count.
type tenantStats interface {
	TenantCallsPerHour(now time.Time, hours int) ([]store.TenantHourStat, error)
}

func (a *API) statsRoutes(r chi.Router) {
	r.Get("/api/v1/stats/hourly", a.hourlyStats)
}

// hourlyStats answers ?hours=N (1 to 744, default 24), oldest first.
func (a *API) hourlyStats(w http.ResponseWriter, r *http.Request) {
	hours, ok := hoursParam(w, r)
	if !ok {
		return
	}
	now := time.Now()
	scope := scopeOf(r)
	var hs []store.HourStat
	var err error
	if scope != "" {
		hs, err = a.tenantCallsPerHour(scope, now, hours)
	} else {
		hs, err = a.B.CallsPerHour(now, hours)
	}
	if err != nil && !errors.Is(err, store.ErrCorrupt) {
		writeErr(w, statusOf(err), err)
		return
	}
	out := make([]HourlyStats, len(hs))
	at := map[int64]int{}
	for i, h := range hs {
		out[i] = HourlyStats{Hour: h.Hour, Attempts: h.Calls, Answered: h.Answered, Tenants: []TenantHour{}}
		at[h.Hour.Unix()] = i
	}
	// Peaks and registrations are the switch's, not a tenant's: a tenant
	// principal gets zeros there.
	if ps, ok := a.L.(PeakSource); ok && scope == "" {
		for _, p := range ps.PeakCalls(now, hours) {
			if i, ok := at[p.Hour.Unix()]; ok {
				out[i].PeakCalls = p.Peak
			}
		}
	}
	if a.Regs != nil && scope == "" {
		for _, p := range a.Regs.Hours(now, hours) {
			if i, ok := at[p.Hour.Unix()]; ok {
				out[i].Registrations = p.Peak
			}
		}
	}
	if ts, ok := a.B.(tenantStats); ok {
		list, err := ts.TenantCallsPerHour(now, hours)
		if err != nil && !errors.Is(err, store.ErrCorrupt) {
			writeErr(w, statusOf(err), err)
			return
		}
		for _, t := range list {
			if !sees(scope, t.Tenant) {
				continue
			}
			if i, ok := at[t.Hour.Unix()]; ok {
				out[i].Tenants = append(out[i].Tenants, TenantHour{Tenant: t.Tenant, Attempts: t.Calls, Answered: t.Answered})
			}
		}
		for i := range out {
			sort.Slice(out[i].Tenants, func(x, y int) bool { return out[i].Tenants[x].Tenant < out[i].Tenants[y].Tenant })
		}
	}
	writeJSON(w, 200, out)
}

// HourSampler keeps the largest value sampled in each hour, for the last
// store.MaxStatHours hours (registrations: a count that has no events).
type HourSampler struct {
	mu  sync.Mutex
	log [store.MaxStatHours]struct {
		hour int64
		max  int
	}
}

// Note records a sample n taken at t.
func (s *HourSampler) Note(n int, t time.Time) {
	h := t.Unix() / 3600
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &s.log[h%store.MaxStatHours]
	if e.hour != h {
		e.hour, e.max = h, n
	}
	e.max = max(e.max, n)
}

// Hours answers the hours hours up to now's, oldest first (0: no sample).
func (s *HourSampler) Hours(now time.Time, hours int) []call.HourPeak {
	hours = min(max(hours, 1), store.MaxStatHours)
	last := now.Unix() / 3600
	out := make([]call.HourPeak, hours)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range out {
		h := last - int64(hours-1-k)
		out[k].Hour = time.Unix(h*3600, 0).UTC()
		if e := s.log[h%store.MaxStatHours]; e.hour == h {
			out[k].Peak = e.max
		}
	}
	return out
}

// Run samples f every every until ctx ends (the first sample at once).
func (s *HourSampler) Run(ctx context.Context, every time.Duration, f func() int) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.Note(f(), time.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
