package trunk

import (
	"math/rand/v2"
	"time"
)

// backoff is the wait before retry number n (n >= 1): base doubled per
// earlier failure up to limit, then jittered into [3/4 d, d] so trunks that
// failed together (the provider went down) do not retry in step.
func backoff(base, limit time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return jitter(min(d, limit))
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d - time.Duration(rand.Int64N(int64(d)/4+1))
}

// refreshIn is when to refresh a binding granted for secs seconds: at 80-90
// % of it, jittered for the same reason as backoff.
func refreshIn(secs int) time.Duration {
	g := time.Duration(secs) * time.Second
	return g*8/10 + time.Duration(rand.Int64N(int64(g)/10+1))
}
