package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"
)

// ErrBadBackup: a store backup stream is malformed, or holds what a
// restore must not load (registrar bindings, a newer schema).
var ErrBadBackup = errors.New("bad store backup")

// maxBackupList bounds one framed KV list of a backup stream. badger's
// stream batches lists of about 4 MiB; values are small here (records
// above MaxMetaValueLen go to the value log but stay far below this).
const maxBackupList = 64 << 20

// SchemaVersion is the on-disk layout version this hookswitch writes and
// reads; a backup from a newer one is refused.
func SchemaVersion() int { return schemaVersion }

// Backup writes the store's content as badger's backup stream (DB.Backup's
// format, framed protobuf KV lists), without the registrar bindings: they
// belong to the phones registered now, not to a configuration (a restore
// keeps the running ones). Reads are from one consistent snapshot.
func (s *Store) Backup(w io.Writer) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return fmt.Errorf("backup: %w", ErrClosed)
	}
	st := s.db.NewStream()
	st.LogPrefix = "store backup"
	st.ChooseKey = func(item *badger.Item) bool { return !bytes.HasPrefix(item.Key(), []byte(bindPrefix)) }
	if _, err := st.Backup(w, 0); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// CheckBackup reads a backup stream through without loading it: the
// framing, every KV list, and the schema it was written with.
func CheckBackup(r io.Reader) error {
	return scanBackup(r)
}

func scanBackup(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	buf := make([]byte, 0, 64<<10)
	for n := 0; ; n++ {
		var sz uint64
		if err := binary.Read(br, binary.LittleEndian, &sz); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("%w: list %d: length: %w", ErrBadBackup, n, err)
		}
		if sz > maxBackupList {
			return fmt.Errorf("%w: list %d: %d bytes (max %d)", ErrBadBackup, n, sz, maxBackupList)
		}
		if uint64(cap(buf)) < sz {
			buf = make([]byte, sz)
		}
		buf = buf[:sz]
		if _, err := io.ReadFull(br, buf); err != nil {
			return fmt.Errorf("%w: list %d: %w", ErrBadBackup, n, err)
		}
		var list pb.KVList
		if err := proto.Unmarshal(buf, &list); err != nil {
			return fmt.Errorf("%w: list %d: %w", ErrBadBackup, n, err)
		}
		for _, kv := range list.Kv {
			if err := checkBackupKV(kv); err != nil {
				return err
			}
		}
	}
}

func checkBackupKV(kv *pb.KV) error {
	switch {
	case len(kv.Key) == 0 || len(kv.Key) > 64<<10:
		return fmt.Errorf("%w: a key of %d bytes", ErrBadBackup, len(kv.Key))
	case bytes.HasPrefix(kv.Key, []byte(bindPrefix)):
		return fmt.Errorf("%w: key %q: registrar bindings are not restored", ErrBadBackup, kv.Key)
	case string(kv.Key) == schemaKey && len(kv.Meta) > 0 && kv.Meta[0]&1 != 0: // bitDelete
		return fmt.Errorf("%w: the schema version is deleted", ErrBadBackup)
	case string(kv.Key) == schemaKey:
		n, err := strconv.Atoi(string(kv.Value))
		if err != nil {
			return fmt.Errorf("%w: key %q: %w", ErrBadBackup, schemaKey, err)
		}
		if n > schemaVersion {
			return fmt.Errorf("%w: written with schema %d, newer than this hookswitch (%d)", ErrBadBackup, n, schemaVersion)
		}
	}
	return nil
}

// Restore replaces the store's content with a backup stream (Backup's
// format). It reads the stream through first (CheckBackup) and changes
// nothing when that fails; then, with every other operation of the store
// held off, it drops everything but the registrar bindings and the meta
// records named in keepMeta (the running node's own, such as its admin
// credential), loads the backup, puts the kept records back and empties the
// in-memory caches. A failure while loading leaves the store partly
// restored: the error says so, and restoring again repairs it.
func (s *Store) Restore(r io.ReadSeeker, keepMeta ...string) error {
	if err := scanBackup(r); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("restore: rewind: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("restore: %w", ErrClosed)
	}
	type kept struct{ k, v []byte }
	var keep []kept
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(bindPrefix), PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			keep = append(keep, kept{it.Item().KeyCopy(nil), v})
		}
		for _, name := range keepMeta {
			item, err := txn.Get([]byte(metaPrefix + name))
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue
			} else if err != nil {
				return err
			}
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			keep = append(keep, kept{item.KeyCopy(nil), v})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("restore: read the records kept: %w", err)
	}
	s.forgetCaches()
	if err := s.db.DropAll(); err != nil {
		return fmt.Errorf("restore: empty the store (nothing restored; the store may be partly emptied): %w", err)
	}
	if err := s.db.Load(r, 256); err != nil {
		return fmt.Errorf("restore: load (the store is partly restored; restore again): %w", err)
	}
	wb := s.db.NewWriteBatch()
	for _, kv := range keep {
		if err := wb.Set(kv.k, kv.v); err != nil {
			wb.Cancel()
			return fmt.Errorf("restore: put back the records kept: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("restore: put back the records kept: %w", err)
	}
	s.forgetCaches() // a read that raced the load must not stay cached
	if err := s.db.Sync(); err != nil {
		return fmt.Errorf("restore: sync: %w", err)
	}
	return nil
}

// forgetCaches empties every in-memory copy of stored records; they fill
// again from the store on the next read.
func (s *Store) forgetCaches() {
	s.tenants.forget()
	s.exts.mu.Lock()
	s.exts.gen++
	s.exts.m = nil
	s.exts.mu.Unlock()
	s.bl.mu.Lock()
	s.bl.loaded, s.bl.set = false, nil
	s.bl.mu.Unlock()
	s.tcs.mu.Lock()
	s.tcs.loaded, s.tcs.m = false, nil
	s.tcs.mu.Unlock()
	s.pins.mu.Lock()
	s.pins.m = nil
	s.pins.gen++
	s.pins.mu.Unlock()
}
