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

// hookStats is updated with atomics: every call of every hook passes here.
type hookStats struct {
	calls, errors, overBudget atomic.Uint64
	sum                       atomic.Int64    // nanoseconds
	buckets                   []atomic.Uint64 // one per latencyBuckets entry, cumulative at write time
}

func newMetrics() *Metrics { return &Metrics{hooks: map[[2]string]*hookStats{}} }

// stats returns the counters of a hook and engine, creating them once.
func (m *Metrics) stats(h Name, engine string) *hookStats {
	k := [2]string{string(h), engine}
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.hooks[k]
	if st == nil {
		st = &hookStats{buckets: make([]atomic.Uint64, len(latencyBuckets))}
		m.hooks[k] = st
	}
	return st
}

func (m *Metrics) observe(h Name, engine string, d time.Duration, err error, overBudget bool) {
	m.stats(h, engine).observe(d, err, overBudget)
}

func (st *hookStats) observe(d time.Duration, err error, overBudget bool) {
	st.calls.Add(1)
	st.sum.Add(int64(d))
	if err != nil {
		st.errors.Add(1)
	}
	if overBudget || errors.Is(err, context.DeadlineExceeded) {
		st.overBudget.Add(1)
	}
	for i, b := range latencyBuckets {
		if d <= b {
			st.buckets[i].Add(1)
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
		if st.calls.Load() == 0 { // bound but never called
			continue
		}
		hs := HookStats{Hook: k[0], Engine: k[1], Calls: st.calls.Load(), Errors: st.errors.Load(), OverBudget: st.overBudget.Load()}
		if hs.Calls > 0 {
			hs.MeanLatency = time.Duration(st.sum.Load()) / time.Duration(hs.Calls)
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
	for k, st := range m.hooks {
		if st.calls.Load() > 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	fmt.Fprintf(w, "# TYPE hookswitch_hook_duration_seconds histogram\n")
	for _, k := range keys {
		st := m.hooks[k]
		lbl := fmt.Sprintf("hook=%q,engine=%q", k[0], k[1])
		var cum uint64
		for i, b := range latencyBuckets {
			cum += st.buckets[i].Load()
			fmt.Fprintf(w, "hookswitch_hook_duration_seconds_bucket{%s,le=\"%g\"} %d\n", lbl, b.Seconds(), cum)
		}
		calls := st.calls.Load()
		fmt.Fprintf(w, "hookswitch_hook_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", lbl, calls)
		fmt.Fprintf(w, "hookswitch_hook_duration_seconds_sum{%s} %g\n", lbl, time.Duration(st.sum.Load()).Seconds())
		fmt.Fprintf(w, "hookswitch_hook_duration_seconds_count{%s} %d\n", lbl, calls)
	}
	fmt.Fprintf(w, "# TYPE hookswitch_hook_errors_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(w, "hookswitch_hook_errors_total{hook=%q,engine=%q} %d\n", k[0], k[1], m.hooks[k].errors.Load())
	}
	fmt.Fprintf(w, "# TYPE hookswitch_hook_over_budget_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(w, "hookswitch_hook_over_budget_total{hook=%q,engine=%q} %d\n", k[0], k[1], m.hooks[k].overBudget.Load())
	}
}
