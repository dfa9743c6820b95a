package trunk

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	base, limit := 30*time.Second, 5*time.Minute
	for n, full := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 4: 4 * time.Minute, 5: limit, 50: limit} {
		for range 100 {
			d := backoff(base, limit, n)
			if d > full || d < full*3/4 {
				t.Fatalf("retry %d: %v, want within [%v, %v]", n, d, full*3/4, full)
			}
		}
	}
	if d := backoff(time.Second, 24*time.Hour, 1<<30); d > 24*time.Hour || d <= 0 {
		t.Errorf("huge n: %v", d)
	}
}

func TestRefreshIn(t *testing.T) {
	for _, secs := range []int{1, 60, 3600, 86400} {
		g := time.Duration(secs) * time.Second
		for range 100 {
			d := refreshIn(secs)
			if d < g*8/10 || d > g*9/10 {
				t.Fatalf("%d s: refresh in %v, want 80-90 %%", secs, d)
			}
		}
	}
}
