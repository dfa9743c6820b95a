package media

import (
	"sync"
	"time"
)

// FrameSamples is the frame every terminated stream moves per tick: 20 ms
// at 8 kHz.
const (
	FrameSamples = 160
	frameTime    = 20 * time.Millisecond
)

// ticker is what a clock drives every 20 ms: an endpoint playing or
// listening, a conference room, a call recorder.
type ticker interface{ tick() }

// clock drives its tickers from one goroutine, which runs only while it
// has tickers: one goroutine per core for all terminated media instead of
// a goroutine and a timer per call.
type clock struct {
	mu      sync.Mutex
	items   []ticker
	running bool
	batch   []ticker // the loop's copy of items, reused
}

func (c *clock) add(t ticker) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items = append(c.items, t)
	if !c.running {
		c.running = true
		go c.run()
	}
}

func (c *clock) remove(t ticker) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, it := range c.items {
		if it == t {
			last := len(c.items) - 1
			c.items[i] = c.items[last]
			c.items[last] = nil
			c.items = c.items[:last]
			return
		}
	}
}

func (c *clock) load() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// run ticks on an absolute schedule, so a late tick is caught up at once
// and the long-term rate stays exactly 50 frames a second (RTP receivers
// would otherwise drift); after a stall of more than maxLag it
// resynchronises rather than bursting.
func (c *clock) run() {
	const maxLag = 100 * time.Millisecond
	next := time.Now()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		<-t.C
		c.mu.Lock()
		if len(c.items) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		c.batch = append(c.batch[:0], c.items...)
		c.mu.Unlock()
		for _, it := range c.batch {
			it.tick()
		}
		clear(c.batch)
		next = next.Add(frameTime)
		d := time.Until(next)
		if d < -maxLag {
			next, d = time.Now(), 0
		}
		t.Reset(d)
	}
}

// clocks is the engine's set, one per relay worker's worth of cores.
type clocks []*clock

func newClocks(n int) clocks {
	cs := make(clocks, max(n, 1))
	for i := range cs {
		cs[i] = &clock{}
	}
	return cs
}

// pick returns the least loaded clock.
func (cs clocks) pick() *clock {
	best, load := cs[0], cs[0].load()
	for _, c := range cs[1:] {
		if l := c.load(); l < load {
			best, load = c, l
		}
	}
	return best
}
