package call

import "time"

// maxPeakHours is how many hours of peaks the manager remembers: 31 days,
// as store.MaxStatHours.
const maxPeakHours = 744

// peakLog keeps the most calls up at once per hour, in a ring indexed by
// the hour. Guarded by Manager.mu: it is updated where calls come and go.
type peakLog struct {
	hour [maxPeakHours]int64 // the hour (Unix seconds / 3600) a slot holds
	peak [maxPeakHours]int
}

// note records that n calls are up at t.
func (p *peakLog) note(n int, t time.Time) {
	h := t.Unix() / 3600
	i := int(h % maxPeakHours)
	if p.hour[i] != h {
		p.hour[i], p.peak[i] = h, 0
	}
	p.peak[i] = max(p.peak[i], n)
}

// HourPeak is the most calls up at once in one hour.
type HourPeak struct {
	Hour time.Time `json:"hour"` // the hour's start, UTC
	Peak int       `json:"peak"`
}

// PeakCalls answers the peak of concurrent calls in each of the hours
// hours up to and including now's, oldest first. An hour in which no
// call started or ended counts the calls carried over into it when known
// (the current hour: the calls up now); otherwise 0.
func (m *Manager) PeakCalls(now time.Time, hours int) []HourPeak {
	hours = min(max(hours, 1), maxPeakHours)
	last := now.Unix() / 3600
	out := make([]HourPeak, hours)
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range out {
		h := last - int64(hours-1-k)
		out[k].Hour = time.Unix(h*3600, 0).UTC()
		if i := int(h % maxPeakHours); m.peaks.hour[i] == h {
			out[k].Peak = m.peaks.peak[i]
		}
	}
	out[hours-1].Peak = max(out[hours-1].Peak, len(m.calls))
	return out
}
