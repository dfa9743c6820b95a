package call

import (
	"testing"
	"time"
)

func TestPeakCalls(t *testing.T) {
	m := &Manager{calls: map[*Call]struct{}{}}
	now := time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	m.peaks.note(3, now.Add(-2*time.Hour))
	m.peaks.note(1, now.Add(-2*time.Hour+time.Minute))
	m.peaks.note(2, now)
	// The same slot a whole ring later: the old hour's peak is gone.
	m.peaks.note(9, now.Add(-maxPeakHours*time.Hour-time.Hour))
	m.peaks.note(4, now.Add(-time.Hour))
	m.calls[&Call{}], m.calls[&Call{}], m.calls[&Call{}] = struct{}{}, struct{}{}, struct{}{}
	got := m.PeakCalls(now, 4)
	want := []int{0, 3, 4, 3} // the current hour: the 3 calls up now beat the noted 2
	for i, p := range got {
		if p.Peak != want[i] || !p.Hour.Equal(now.Truncate(time.Hour).Add(time.Duration(i-3)*time.Hour)) {
			t.Errorf("hour %d: %+v, want peak %d", i, p, want[i])
		}
	}
}
