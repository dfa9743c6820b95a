package trunk

import (
	"context"
	"sync"
)

// lifecycle runs one background loop at a time for a Registration or a
// Qualifier: Start while running is refused, Stop waits for the loop.
type lifecycle struct {
	mu     sync.Mutex // held through start and stop, cleanup included
	cancel context.CancelFunc
	done   chan struct{}
}

// start runs before, then loop on its own goroutine until stop or the end
// of ctx; false when a loop already runs.
func (l *lifecycle) start(ctx context.Context, before func(), loop func(context.Context)) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cancel != nil {
		return false
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	l.cancel, l.done = cancel, done
	before()
	go func() {
		defer close(done)
		loop(ctx)
	}()
	return true
}

// stop ends the loop, waits for it and runs after, before any new start;
// it does nothing when no loop was started.
func (l *lifecycle) stop(after func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cancel == nil {
		return
	}
	l.cancel()
	<-l.done
	l.cancel, l.done = nil, nil
	after()
}
