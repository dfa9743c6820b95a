package hook

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMetricsHistogram(t *testing.T) {
	m := newMetrics()
	m.observe(Route, "lua", 5*time.Microsecond, nil, false)
	m.observe(Route, "lua", 2*time.Millisecond, errors.New("x"), false)
	m.observe(Route, "lua", 2*time.Second, context.DeadlineExceeded, false) // counted over budget by its error
	m.observe(Register, "http", time.Millisecond, nil, true)
	var buf bytes.Buffer
	m.WritePrometheus(&buf)
	out := buf.String()
	for _, want := range []string{
		`hookswitch_hook_duration_seconds_bucket{hook="route",engine="lua",le="1e-05"} 1`,
		`hookswitch_hook_duration_seconds_bucket{hook="route",engine="lua",le="0.001"} 1`,
		`hookswitch_hook_duration_seconds_bucket{hook="route",engine="lua",le="0.005"} 2`,
		`hookswitch_hook_duration_seconds_bucket{hook="route",engine="lua",le="1"} 2`,
		`hookswitch_hook_duration_seconds_bucket{hook="route",engine="lua",le="+Inf"} 3`,
		`hookswitch_hook_duration_seconds_sum{hook="route",engine="lua"} 2.002005`,
		`hookswitch_hook_duration_seconds_count{hook="route",engine="lua"} 3`,
		`hookswitch_hook_duration_seconds_bucket{hook="register",engine="http",le="0.001"} 1`,
		`hookswitch_hook_errors_total{hook="route",engine="lua"} 2`,
		`hookswitch_hook_errors_total{hook="register",engine="http"} 0`,
		`hookswitch_hook_over_budget_total{hook="route",engine="lua"} 1`,
		`hookswitch_hook_over_budget_total{hook="register",engine="http"} 1`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	checkExposition(t, out)
	_, _, _, hs := m.Snapshot()
	if len(hs) != 2 || hs[0].Hook != "register" || hs[1].Hook != "route" {
		t.Fatalf("stats not sorted: %+v", hs)
	}
	if r := hs[1]; r.Calls != 3 || r.Errors != 2 || r.OverBudget != 1 || r.MeanLatency != (5*time.Microsecond+2*time.Millisecond+2*time.Second)/3 {
		t.Errorf("route stats %+v", r)
	}
}

// checkExposition checks the text format: every sample's family was
// declared by a TYPE line, values parse, and buckets never decrease.
func checkExposition(t *testing.T, out string) {
	t.Helper()
	types := map[string]string{}
	last := map[string]float64{} // series without le -> previous bucket
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			f := strings.Fields(rest)
			if len(f) != 2 {
				t.Errorf("bad TYPE line %q", line)
				continue
			}
			types[f[0]] = f[1]
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Errorf("bad sample %q", line)
			continue
		}
		series, val := line[:i], line[i+1:]
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			t.Errorf("bad value in %q", line)
		}
		name, _, _ := strings.Cut(series, "{")
		family := name
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			if f, ok := strings.CutSuffix(name, suf); ok && types[f] == "histogram" {
				family = f
			}
		}
		if types[family] == "" {
			t.Errorf("sample %q before its TYPE line", line)
		}
		if strings.HasSuffix(name, "_bucket") {
			key := series[:strings.Index(series, ",le=")]
			if prev, ok := last[key]; ok && v < prev {
				t.Errorf("bucket decreases at %q", line)
			}
			last[key] = v
		}
	}
}

// Hook calls through a snapshot end up in the dispatcher's Prometheus output.
func TestMetricsFromInvoke(t *testing.T) {
	n := 0
	f := &testFactory{t: t, name: "lua", invoke: func(ctx context.Context, req Request) (Decision, error) {
		n++
		switch n {
		case 1:
			return bridge("100"), nil
		case 2:
			return nil, errors.New("script error")
		default:
			time.Sleep(40 * time.Millisecond) // past the 20 ms budget, ignoring ctx
			return bridge("100"), nil
		}
	}}
	d, err := NewDispatcher(scriptsDir(t, `{"hooks": {"route": {"budget": "20ms"}}}`), factories(f), quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s := d.Acquire()
	for range 3 {
		s.Invoke(context.Background(), RouteRequest{To: "100"})
	}
	s.Release()
	if _, err := d.Reload(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	d.Metrics().WritePrometheus(&buf)
	out := buf.String()
	for _, want := range []string{
		`hookswitch_script_reloads_total{result="ok"} 1`,
		`hookswitch_script_reloads_total{result="failed"} 0`,
		`hookswitch_script_generation 2`,
		`hookswitch_hook_duration_seconds_count{hook="route",engine="lua"} 3`,
		`hookswitch_hook_duration_seconds_bucket{hook="route",engine="lua",le="+Inf"} 3`,
		`hookswitch_hook_errors_total{hook="route",engine="lua"} 2`,
		`hookswitch_hook_over_budget_total{hook="route",engine="lua"} 1`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	checkExposition(t, out)
}
