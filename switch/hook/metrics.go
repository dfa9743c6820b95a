package hook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// latencyBuckets are the upper bounds of the hook latency histogram.
var latencyBuckets = []time.Duration{
	10 * time.Microsecond, 50 * time.Microsecond, 100 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond, 100 * time.Millisecond,
	500 * time.Millisecond, time.Second,
}

// Metrics counts reloads and hook calls per hook and engine.
type Metrics struct {
	reloadsOK, reloadsFailed atomic.Uint64
	generation               atomic.Uint64

	mu    sync.Mutex
	hooks map[[2]string]*hookStats // {hook, engine}
}

type hookStats struct {
	calls, errors, overBudget uint64
	sum                       time.Duration
	buckets                   []uint64 // one per latencyBuckets entry, cumulative at write time
}

func newMetrics() *Metrics { return &Metrics{hooks: map[[2]string]*hookStats{}} }

func (m *Metrics) observe(h Name, engine string, d time.Duration, err error, overBudget bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{string(h), engine}
	st := m.hooks[k]
	if st == nil {
		st = &hookStats{buckets: make([]uint64, len(latencyBuckets))}
		m.hooks[k] = st
	}
	st.calls++
	st.sum += d
	if err != nil {
		st.errors++
	}
	if overBudget || errors.Is(err, context.DeadlineExceeded) {
		st.overBudget++
	}
	for i, b := range latencyBuckets {
		if d <= b {
			st.buckets[i]++
			break
		}
	}
}

// HookStats is one hook and engine's counters.
type HookStats struct {
	Hook, Engine  string
	Calls, Errors uint64
	OverBudget    uint64
	MeanLatency   time.Duration
}

// Snapshot returns the reload counters and every hook's stats.
func (m *Metrics) Snapshot() (ok, failed, gen uint64, hooks []HookStats) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, st := range m.hooks {
		hs := HookStats{Hook: k[0], Engine: k[1], Calls: st.calls, Errors: st.errors, OverBudget: st.overBudget}
		if st.calls > 0 {
			hs.MeanLatency = st.sum / time.Duration(st.calls)
		}
		hooks = append(hooks, hs)
	}
	sort.Slice(hooks, func(i, j int) bool {
		return hooks[i].Hook+hooks[i].Engine < hooks[j].Hook+hooks[j].Engine
	})
	return m.reloadsOK.Load(), m.reloadsFailed.Load(), m.generation.Load(), hooks
}

// WritePrometheus writes the metrics in the Prometheus text format.
func (m *Metrics) WritePrometheus(w io.Writer) {
	fmt.Fprintf(w, "# TYPE hookswitch_script_reloads_total counter\n")
	fmt.Fprintf(w, "hookswitch_script_reloads_total{result=\"ok\"} %d\n", m.reloadsOK.Load())
	fmt.Fprintf(w, "hookswitch_script_reloads_total{result=\"failed\"} %d\n", m.reloadsFailed.Load())
	fmt.Fprintf(w, "# TYPE hookswitch_script_generation gauge\nhookswitch_script_generation %d\n", m.generation.Load())
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([][2]string, 0, len(m.hooks))
	for k := range m.hooks {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	fmt.Fprintf(w, "# TYPE hookswitch_hook_duration_seconds histogram\n")
	for _, k := range keys {
		st := m.hooks[k]
		lbl := fmt.Sprintf("hook=%q,engine=%q", k[0], k[1])
		var cum uint64
		for i, b := range latencyBuckets {
			cum += st.buckets[i]
			fmt.Fprintf(w, "hookswitch_hook_duration_seconds_bucket{%s,le=\"%g\"} %d\n", lbl, b.Seconds(), cum)
		}
		fmt.Fprintf(w, "hookswitch_hook_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", lbl, st.calls)
		fmt.Fprintf(w, "hookswitch_hook_duration_seconds_sum{%s} %g\n", lbl, st.sum.Seconds())
		fmt.Fprintf(w, "hookswitch_hook_duration_seconds_count{%s} %d\n", lbl, st.calls)
	}
	fmt.Fprintf(w, "# TYPE hookswitch_hook_errors_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(w, "hookswitch_hook_errors_total{hook=%q,engine=%q} %d\n", k[0], k[1], m.hooks[k].errors)
	}
	fmt.Fprintf(w, "# TYPE hookswitch_hook_over_budget_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(w, "hookswitch_hook_over_budget_total{hook=%q,engine=%q} %d\n", k[0], k[1], m.hooks[k].overBudget)
	}
}
