// Package store is hookswitch's embedded storage on badger: extensions,
// registrar bindings, CDRs and small named secrets.
//
// Records are JSON values under prefixed keys ("ext/", "bind/", "cdr/",
// "meta/", "sys/"). Writes that must not be lost are synced before the call
// returns; the rest are synced by a background loop within a second.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// Options tune Open.
type Options struct {
	// InMemory keeps everything in RAM (tests, benchmarks); dir is ignored.
	InMemory bool
	// Logger receives badger's warnings and errors and the store's own
	// background-loop failures. Nil means slog.Default().
	Logger *slog.Logger
}

const (
	syncEvery = time.Second
	gcEvery   = 5 * time.Minute
	// gcDiscardRatio: rewrite a value log file when half of it is garbage
	// (badger's recommendation: lifetime write amplification of 2).
	gcDiscardRatio = 0.5
	// gcMaxRewrites bounds one GC round so it cannot hog the disk.
	gcMaxRewrites = 8

	schemaKey     = "sys/schema"
	schemaVersion = 1
)

// Store is the badger-backed store. It is safe for concurrent use.
type Store struct {
	db   *badger.DB
	log  *slog.Logger
	exts extCache
	bl   blacklist
	tcs  tcCache
	pins pinCache

	tenants tenantCache // the Tenancy view (tenant_cache.go)

	// mu is held for reading by every operation and for writing by Close,
	// so Close waits for operations in flight and later ones get ErrClosed.
	mu     sync.RWMutex
	closed bool

	// Group sync: each write takes a ticket after it commits; a sync that
	// starts after ticket t was issued makes write t durable. Concurrent
	// durable writers thus share one fsync instead of queueing one each.
	writeSeq  atomic.Uint64
	syncMu    sync.Mutex
	syncedSeq uint64 // guarded by syncMu

	stop chan struct{}
	done chan struct{}
}

// Open opens (creating if needed, with mode 0700) the store in dir with a
// small-memory badger profile. If another process holds dir, the error wraps
// ErrLocked.
func Open(dir string, o Options) (*Store, error) {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	bo := badger.DefaultOptions("")
	if o.InMemory {
		bo = bo.WithInMemory(true)
	} else {
		if dir == "" {
			return nil, errors.New("open store: empty data dir")
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("open store: create data dir: %w", err)
		}
		bo = bo.WithDir(dir).WithValueDir(dir)
	}
	bo = bo.
		WithMemTableSize(4 << 20).
		WithNumMemtables(2).
		// No block cache means blocks are read straight from the mmap;
		// badger requires compression off for that to be cheap.
		WithBlockCacheSize(0).
		WithCompression(options.None).
		WithNumCompactors(2).
		// A compaction's table builders take about twice the table size each
		// from a pool of eight that lingers: with the 2 MiB default, about
		// 60 MiB of heap after every compaction (at start, and as CDRs
		// accumulate). Small tables keep that near 8 MiB; a PBX store is small.
		WithBaseTableSize(512 << 10).
		WithValueLogFileSize(16 << 20).
		// Values below this size live in the LSM tree, larger ones in the
		// value log. It must stay under badger's batch limit (15% of
		// MemTableSize). In memory it bounds value size, and badger v4.9.6
		// panics on a value of exactly the threshold (its size check uses >,
		// its write path <), hence threshold = MaxMetaValueLen+1.
		WithValueThreshold(MaxMetaValueLen + 1).
		WithMetricsEnabled(false).
		// Durability is ours to decide per write (see Store.syncTo).
		WithSyncWrites(false).
		WithLogger(badgerLogger{log.With("component", "badger")})

	db, err := badger.Open(bo)
	if err != nil {
		if o.InMemory {
			dir = "(in memory)"
		}
		// badger formats the flock failure with %v, so the text is all we have.
		if strings.Contains(err.Error(), "Another process is using this Badger database") {
			return nil, fmt.Errorf("open store: data dir %s is in use by a running hookswitch: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{db: db, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	if err := s.checkSchema(); err != nil {
		db.Close()
		return nil, err
	}
	go s.background(!o.InMemory)
	return s, nil
}

// Close stops the background loops, syncs and closes the database. Calling
// it again returns nil.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.stop)
	<-s.done
	err := s.db.Sync()
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// checkSchema records the on-disk layout version, and refuses a data dir
// written by a newer hookswitch rather than misreading it.
func (s *Store) checkSchema() error {
	var have int
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(schemaKey))
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			n, err := strconv.Atoi(string(v))
			if err != nil {
				return fmt.Errorf("key %q: %w: %w", schemaKey, ErrCorrupt, err)
			}
			have = n
			return nil
		})
	})
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		err = s.db.Update(func(txn *badger.Txn) error {
			return txn.Set([]byte(schemaKey), []byte(strconv.Itoa(schemaVersion)))
		})
		if err == nil {
			err = s.db.Sync()
		}
		if err != nil {
			return fmt.Errorf("open store: write schema version: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("open store: read schema version: %w", err)
	case have > schemaVersion:
		return fmt.Errorf("open store: data dir has schema %d, newer than this hookswitch (%d)", have, schemaVersion)
	}
	return nil
}

// background syncs pending writes every second and, on disk, runs value log
// GC every few minutes.
func (s *Store) background(onDisk bool) {
	defer close(s.done)
	syncT := time.NewTicker(syncEvery)
	defer syncT.Stop()
	gcT := time.NewTicker(gcEvery)
	defer gcT.Stop()
	if !onDisk {
		gcT.Stop()
	}
	for {
		select {
		case <-s.stop:
			return
		case <-syncT.C:
			if err := s.syncTo(s.writeSeq.Load()); err != nil {
				s.log.Warn("store: background sync failed", "err", err)
			}
		case <-gcT.C:
			s.runGC()
		}
	}
}

func (s *Store) runGC() {
	for range gcMaxRewrites {
		select {
		case <-s.stop:
			return
		default:
		}
		err := s.db.RunValueLogGC(gcDiscardRatio)
		if err == nil {
			continue // a file was rewritten; there may be more
		}
		if !errors.Is(err, badger.ErrNoRewrite) && !errors.Is(err, badger.ErrRejected) {
			s.log.Warn("store: value log gc failed", "err", err)
		}
		return
	}
}

// syncTo makes every write with ticket <= t durable, sharing fsyncs between
// concurrent callers.
func (s *Store) syncTo(t uint64) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if s.syncedSeq >= t {
		return nil
	}
	cur := s.writeSeq.Load() // all these commits happened before the Sync below
	if err := s.db.Sync(); err != nil {
		return err
	}
	s.syncedSeq = cur
	return nil
}

// view runs fn in a read-only transaction.
func (s *Store) view(fn func(txn *badger.Txn) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return s.db.View(fn)
}

// update runs fn in a read-write transaction, retrying on conflicts (fn must
// be safe to rerun). If durable, the write is on disk when update returns;
// otherwise the background loop syncs it within a second.
func (s *Store) update(durable bool, fn func(txn *badger.Txn) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	var err error
	for range 5 {
		err = s.db.Update(fn)
		if !errors.Is(err, badger.ErrConflict) {
			break
		}
	}
	if err != nil {
		return err
	}
	t := s.writeSeq.Add(1)
	if durable {
		if err := s.syncTo(t); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
	}
	return nil
}

// decodeItem unmarshals a JSON record; a bad one yields an error naming its key.
func decodeItem(item *badger.Item, v any) error {
	err := item.Value(func(b []byte) error { return json.Unmarshal(b, v) })
	if err != nil {
		return fmt.Errorf("key %q: %w: %w", item.Key(), ErrCorrupt, err)
	}
	return nil
}

// marshal encodes a record; it fails only on times outside years 0-9999.
func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return b, nil
}

// badgerLogger sends badger's warnings and errors to slog and drops the
// chatty info/debug lines.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, v ...any) { b.emit(slog.LevelError, f, v) }

func (b badgerLogger) Warningf(f string, v ...any) { b.emit(slog.LevelWarn, f, v) }

func (badgerLogger) Infof(string, ...any) {}

func (badgerLogger) Debugf(string, ...any) {}

func (b badgerLogger) emit(level slog.Level, f string, v []any) {
	if b.l.Enabled(context.Background(), level) {
		b.l.Log(context.Background(), level, strings.TrimSpace(fmt.Sprintf(f, v...)))
	}
}

// alive is ErrClosed after Close, so cached reads fail like stored ones.
func (s *Store) alive() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return fmt.Errorf("get extension: %w", ErrClosed)
	}
	return nil
}

// deleteKey removes a record: ErrNotFound when it is absent, and the
// error of inUse (when given) when something still refers to it. Synced.
func (s *Store) deleteKey(key []byte, inUse func(*badger.Txn) error) error {
	return s.update(true, func(txn *badger.Txn) error {
		if _, err := txn.Get(key); errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if inUse != nil {
			if err := inUse(txn); err != nil {
				return err
			}
		}
		return txn.Delete(key)
	})
}
