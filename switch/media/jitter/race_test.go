package jitter

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A real receiving goroutine pushes while the clock goroutine pops (run it
// with -race). The clock is simulated but shared: the popper moves it, the
// pusher sends each packet once the clock has reached its send time.
func TestConcurrentPushPop(t *testing.T) {
	var now atomic.Int64
	b := New(Config{Now: func() time.Time { return epoch.Add(time.Duration(now.Load())) }})
	const packets = 2000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		payload := make([]byte, 160)
		for k := range packets {
			for now.Load() < int64(k)*int64(20*time.Millisecond) {
				runtime.Gosched()
			}
			for i := range payload {
				payload[i] = byte(k*160 + i)
			}
			b.Push(1, uint16(k), uint32(k*160), k == 0, payload)
			if k%50 == 0 {
				b.Push(1, uint16(k), uint32(k*160), false, payload) // a duplicate
			}
		}
	}()
	dst := make([]byte, 160)
	var full int
	for k := range packets + 20 {
		now.Store(int64(k) * int64(20*time.Millisecond))
		if b.Pop(dst) == Full {
			full++
		}
		runtime.Gosched()
	}
	wg.Wait()
	s := b.Stats()
	if got := s.Received + s.Late + s.Duplicates + s.Invalid; got != packets+packets/50 {
		t.Fatalf("stats %+v account for %d packets, want %d", s, got, packets+packets/50)
	}
	if full == 0 || s.Played != uint64(full) {
		t.Fatalf("stats %+v, %d full frames popped", s, full)
	}
}
