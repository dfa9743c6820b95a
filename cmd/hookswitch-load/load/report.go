package load

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Pass criteria of issue 4, per step.
const (
	MaxSetupP99  = 200 * time.Millisecond
	MaxLossPct   = 0.1
	MaxJitterP99 = 5 * time.Millisecond
)

// Percentiles of a duration histogram, in milliseconds.
type Percentiles struct {
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func percentiles(h *Hist) Percentiles {
	return Percentiles{P50: ms(h.Quantile(0.50)), P95: ms(h.Quantile(0.95)), P99: ms(h.Quantile(0.99)),
		Max: ms(h.Max()), Mean: ms(h.Mean())}
}

// RTPResult sums the RTP streams of one role.
type RTPResult struct {
	Streams    uint64      `json:"streams"`
	Silent     uint64      `json:"silent_streams"` // streams that received no packet
	Sent       uint64      `json:"packets_sent"`
	Received   uint64      `json:"packets_received"`
	Expected   uint64      `json:"packets_expected"`
	Lost       uint64      `json:"packets_lost"`
	LossPct    float64     `json:"loss_pct"`
	Reordered  uint64      `json:"reordered"`
	JitterMs   Percentiles `json:"jitter_ipdv_ms"`
	DelayMs    Percentiles `json:"delay_ms"`
	ForeignPkt uint64      `json:"foreign_packets,omitempty"`
	// KernelTimed packets had their arrival time from the kernel
	// (SO_TIMESTAMPNS); the others were timed when the reader woke up.
	KernelTimed uint64 `json:"kernel_timed_packets"`
}

func rtpResult(s *RTPStats) *RTPResult {
	r := &RTPResult{Streams: s.Streams.Load(), Silent: s.Silent.Load(), Sent: s.Sent.Load(),
		Received: s.Received.Load(), Expected: s.Expected.Load(), Reordered: s.Reorder.Load(),
		JitterMs: percentiles(&s.IPDV), DelayMs: percentiles(&s.Delay), ForeignPkt: s.Foreign.Load(), KernelTimed: s.Kernel.Load()}
	if r.Expected > r.Received {
		r.Lost = r.Expected - r.Received
	}
	if r.Expected > 0 {
		r.LossPct = 100 * float64(r.Lost) / float64(r.Expected)
	}
	return r
}

// Result is what one run (or one step) measured; the JSON is the table's
// content with every figure.
type Result struct {
	Mode         string            `json:"mode"` // calls, register, uas
	Target       string            `json:"target,omitempty"`
	Step         int               `json:"step,omitempty"`
	RateTarget   float64           `json:"rate_target"`
	RateAchieved float64           `json:"rate_achieved"` // attempts per second while sending
	DurationS    float64           `json:"duration_s"`
	Attempted    uint64            `json:"attempted"`
	OK           uint64            `json:"ok"`
	Failed       uint64            `json:"failed"` // every attempt that did not end well, timeouts included
	Timeouts     uint64            `json:"timeouts"`
	Skipped      uint64            `json:"skipped,omitempty"` // not started: concurrency cap or user busy
	Failures     map[string]uint64 `json:"failures,omitempty"`
	Challenges   uint64            `json:"challenges"`
	Retransmits  uint64            `json:"retransmissions"`
	MaxActive    int64             `json:"max_active,omitempty"`
	SetupMs      Percentiles       `json:"setup_ms"` // calls: INVITE -> 200; register: first REGISTER -> 200
	RTP          *RTPResult        `json:"rtp,omitempty"`
	UAS          *UASCounts        `json:"uas,omitempty"`
	Pass         bool              `json:"pass"`
	Why          []string          `json:"why,omitempty"` // failed criteria
}

// judge applies the pass criteria.
func (r *Result) judge(rtp bool) {
	r.Why = nil
	if r.Attempted == 0 {
		r.Why = append(r.Why, "nothing attempted")
	}
	if r.Failed > 0 {
		r.Why = append(r.Why, fmt.Sprintf("%d failed", r.Failed))
	}
	if r.SetupMs.P99 >= ms(MaxSetupP99) {
		r.Why = append(r.Why, fmt.Sprintf("p99 %.1f ms >= %v", r.SetupMs.P99, MaxSetupP99))
	}
	if rtp && r.RTP != nil {
		if r.RTP.Received == 0 {
			r.Why = append(r.Why, "no rtp received")
		}
		if r.RTP.LossPct > MaxLossPct {
			r.Why = append(r.Why, fmt.Sprintf("loss %.3f%% > %.1f%%", r.RTP.LossPct, MaxLossPct))
		}
		if r.RTP.JitterMs.P99 > ms(MaxJitterP99) {
			r.Why = append(r.Why, fmt.Sprintf("jitter p99 %.2f ms > %v", r.RTP.JitterMs.P99, MaxJitterP99))
		}
	}
	r.Pass = len(r.Why) == 0
}

// counters are the live figures of a run.
type counters struct {
	attempted, ok, failed, timeouts, skipped atomic.Uint64
	challenges, retransmits                  atomic.Uint64
	active, maxActive                        atomic.Int64
	setup                                    Hist
	mu                                       sync.Mutex
	failures                                 map[string]uint64
}

func (c *counters) fail(reason string) {
	c.failed.Add(1)
	c.mu.Lock()
	if c.failures == nil {
		c.failures = map[string]uint64{}
	}
	c.failures[reason]++
	c.mu.Unlock()
}

func (c *counters) enter() {
	n := c.active.Add(1)
	for {
		m := c.maxActive.Load()
		if n <= m || c.maxActive.CompareAndSwap(m, n) {
			return
		}
	}
}

func (c *counters) result(mode string, rate float64, sending time.Duration) *Result {
	r := &Result{Mode: mode, RateTarget: rate, DurationS: sending.Seconds(),
		Attempted: c.attempted.Load(), OK: c.ok.Load(), Failed: c.failed.Load(), Timeouts: c.timeouts.Load(),
		Skipped: c.skipped.Load(), Challenges: c.challenges.Load(), Retransmits: c.retransmits.Load(),
		MaxActive: c.maxActive.Load(), SetupMs: percentiles(&c.setup)}
	if sending > 0 {
		r.RateAchieved = float64(r.Attempted) / sending.Seconds()
	}
	c.mu.Lock()
	if len(c.failures) > 0 {
		r.Failures = maps.Clone(c.failures)
	}
	c.mu.Unlock()
	return r
}

// PrintHeader writes the table header.
func PrintHeader(w io.Writer) {
	fmt.Fprintf(w, "%-4s %-8s %9s %9s %8s %8s %7s %8s %8s %8s %9s %9s %7s %9s %-4s %s\n",
		"step", "mode", "rate", "achieved", "attempt", "ok", "failed", "p50ms", "p95ms", "p99ms",
		"rtp_sent", "rtp_recv", "loss%", "jit99ms", "pass", "notes")
}

// PrintRow writes one result as a table row.
func PrintRow(w io.Writer, r *Result) {
	sent, recv, loss, jit := "-", "-", "-", "-"
	if r.RTP != nil {
		sent, recv = fmt.Sprint(r.RTP.Sent), fmt.Sprint(r.RTP.Received)
		loss, jit = fmt.Sprintf("%.3f", r.RTP.LossPct), fmt.Sprintf("%.2f", r.RTP.JitterMs.P99)
	}
	pass := "FAIL"
	if r.Pass {
		pass = "ok"
	}
	var notes []string
	for _, k := range slices.Sorted(maps.Keys(r.Failures)) {
		notes = append(notes, fmt.Sprintf("%s=%d", k, r.Failures[k]))
	}
	if r.Skipped > 0 {
		notes = append(notes, fmt.Sprintf("skipped=%d", r.Skipped))
	}
	if r.MaxActive > 0 {
		notes = append(notes, fmt.Sprintf("max_active=%d", r.MaxActive))
	}
	if r.UAS != nil {
		notes = append(notes, r.UAS.String())
	}
	fmt.Fprintf(w, "%-4d %-8s %9.1f %9.1f %8d %8d %7d %8.2f %8.2f %8.2f %9s %9s %7s %9s %-4s %s\n",
		r.Step, r.Mode, r.RateTarget, r.RateAchieved, r.Attempted, r.OK, r.Failed,
		r.SetupMs.P50, r.SetupMs.P95, r.SetupMs.P99, sent, recv, loss, jit, pass, strings.Join(notes, " "))
}

// WriteJSON writes v, indented, to path.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("json: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
