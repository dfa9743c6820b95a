package hook

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
)

// Dispatcher holds the current snapshot and swaps it on reload. Reloads
// are transactional: everything new is built and validated first; a bad
// reload keeps the running generation and returns the error.
type Dispatcher struct {
	dir       string
	factories []Factory
	log       *slog.Logger
	metrics   *Metrics

	mu     sync.Mutex // one reload at a time
	gen    uint64
	closed bool
	cur    atomic.Pointer[Snapshot]
}

// NewDispatcher loads the first generation.
func NewDispatcher(dir string, factories []Factory, log *slog.Logger) (*Dispatcher, error) {
	if log == nil {
		log = slog.Default()
	}
	d := &Dispatcher{dir: dir, factories: factories, log: log, metrics: newMetrics()}
	s, err := load(dir, factories, d.metrics)
	if err != nil {
		return nil, err
	}
	d.gen = 1
	s.Gen = 1
	d.cur.Store(s)
	d.metrics.generation.Store(1)
	return d, nil
}

// Check validates a scripts directory offline, as a reload would.
func Check(dir string, factories []Factory) error {
	s, err := load(dir, factories, newMetrics())
	if err != nil {
		return err
	}
	s.Release()
	return nil
}

// Acquire returns the current snapshot with a reference the caller must
// Release.
func (d *Dispatcher) Acquire() *Snapshot {
	for {
		s := d.cur.Load()
		if s.tryAcquire() {
			return s
		}
		// s was retired between the load and the increment: a reload
		// swapped in a newer one first, so load again. If s is still
		// current, the dispatcher was closed and nothing replaces it: hand
		// it out (its engines are closed, so hooks fail by their policy)
		// rather than spin.
		if d.cur.Load() == s {
			s.refs.Add(1)
			return s
		}
	}
}

// Reload builds a new generation and swaps it in; calls in progress keep
// theirs. It returns the generation now current.
func (d *Dispatcher) Reload() (uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, err := load(d.dir, d.factories, d.metrics)
	if err != nil {
		d.metrics.reloadsFailed.Add(1)
		d.log.Error("reload failed; keeping the running scripts", "generation", d.gen, "error", err)
		return d.gen, fmt.Errorf("reload: %w", err)
	}
	d.gen++
	s.Gen = d.gen
	old := d.cur.Swap(s)
	old.Release()
	d.metrics.reloadsOK.Add(1)
	d.metrics.generation.Store(d.gen)
	d.log.Info("scripts reloaded", "generation", d.gen)
	return d.gen, nil
}

// Generation is the current generation number.
func (d *Dispatcher) Generation() uint64 { return d.cur.Load().Gen }

// Dir is the scripts directory ("" = embedded).
func (d *Dispatcher) Dir() string { return d.dir }

// Metrics returns the counters of every hook and reload.
func (d *Dispatcher) Metrics() *Metrics { return d.metrics }

// Close releases the current generation (calls holding it keep it alive).
func (d *Dispatcher) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed { // a second Release would drop a call's reference
		return
	}
	d.closed = true
	d.cur.Load().Release()
}
