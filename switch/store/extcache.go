package store

import "sync"

// extCache keeps extensions in memory: every REGISTER and INVITE reads its
// extension (digest password, limits) and badger plus JSON cost more than
// the rest of the request. This process is the only writer of the data dir,
// so the cache cannot go stale from outside.
type extCache struct {
	mu  sync.RWMutex
	gen uint64 // bumped by every change, so a fill that raced one is dropped
	m   map[string]Extension
}

func (c *extCache) get(number string) (Extension, bool, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[number]
	return e, ok, c.gen
}

// fill stores what a read found, unless a change happened since gen.
func (c *extCache) fill(e Extension, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.m == nil {
		c.m = map[string]Extension{}
	}
	c.m[e.Number] = e
}

// forget drops a number after a change.
func (c *extCache) forget(number string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, number)
}
