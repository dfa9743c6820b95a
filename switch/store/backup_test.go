package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"
)

// A backup restored into another store brings the configuration across,
// replaces what was there, keeps the target's bindings and kept meta, and
// the caches show the restored records at once.
func TestBackupRestore(t *testing.T) {
	src, dst := openDisk(t), openDisk(t)
	exp := time.Now().Add(time.Hour)
	for _, n := range []string{"1001", "1002"} {
		if err := src.CreateExtension(Extension{Number: n, Password: "pw-" + n + "-secret", Name: "src " + n}); err != nil {
			t.Fatal(err)
		}
	}
	if err := src.Block("5551234", "admin"); err != nil {
		t.Fatal(err)
	}
	if err := src.PutPINSet(PINSet{Name: "intl", PINs: []PIN{{PIN: "123456", Label: "boss"}}}); err != nil {
		t.Fatal(err)
	}
	if err := src.PutMeta("admin_credential", []byte("src-admin")); err != nil {
		t.Fatal(err)
	}
	if err := src.PutBinding(testBinding("1001", "sip:1001@192.0.2.9", exp)); err != nil {
		t.Fatal(err)
	}

	// The target has its own records, some of them cached.
	if err := dst.CreateExtension(Extension{Number: "1001", Password: "pw-dst-1001-secret", Name: "dst"}); err != nil {
		t.Fatal(err)
	}
	if err := dst.CreateExtension(Extension{Number: "2001", Password: "pw-dst-2001-secret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.GetExtension("1001"); err != nil { // cached now
		t.Fatal(err)
	}
	if blocked, _ := dst.Blocked("5551234"); blocked {
		t.Fatal("blocked before the restore")
	}
	if _, ok, _ := dst.CheckPIN("intl", "123456"); ok {
		t.Fatal("PIN before the restore")
	}
	if err := dst.PutMeta("admin_credential", []byte("dst-admin")); err != nil {
		t.Fatal(err)
	}
	if err := dst.PutBinding(testBinding("2001", "sip:2001@192.0.2.7", exp)); err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	if err := src.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(bindPrefix+"1001")) {
		t.Fatal("the backup holds a registrar binding")
	}
	if err := dst.Restore(bytes.NewReader(buf.Bytes()), "admin_credential"); err != nil {
		t.Fatal(err)
	}

	if e, err := dst.GetExtension("1001"); err != nil || e.Name != "src 1001" || e.Password != "pw-1001-secret" {
		t.Fatalf("1001 after restore: %+v %v (want the backup's)", e, err)
	}
	if _, err := dst.GetExtension("2001"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("2001 after restore: %v, want not found (not in the backup)", err)
	}
	if blocked, err := dst.Blocked("5551234"); err != nil || !blocked {
		t.Fatalf("blacklist after restore: %v %v", blocked, err)
	}
	if label, ok, err := dst.CheckPIN("intl", "123456"); err != nil || !ok || label != "boss" {
		t.Fatalf("PIN after restore: %q %v %v", label, ok, err)
	}
	if v, err := dst.GetMeta("admin_credential"); err != nil || string(v) != "dst-admin" {
		t.Fatalf("admin credential: %q %v, want the target's kept", v, err)
	}
	bs, err := dst.AllBindings()
	if err != nil || len(bs) != 1 || bs[0].AOR != "2001" {
		t.Fatalf("bindings after restore: %+v %v, want the target's 2001 only", bs, err)
	}
	// The store works on: writes after the restore are visible.
	if err := dst.CreateExtension(Extension{Number: "3001", Password: "pw-3001-secret"}); err != nil {
		t.Fatal(err)
	}
	if es, err := dst.ListExtensions(); err != nil || len(es) != 3 {
		t.Fatalf("extensions after restore and a create: %d %v", len(es), err)
	}
}

// frame writes one KV list as DB.Backup frames it.
func frame(t *testing.T, kvs ...*pb.KV) []byte {
	t.Helper()
	b, err := proto.Marshal(&pb.KVList{Kv: kvs})
	if err != nil {
		t.Fatal(err)
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(b)))
	return append(out, b...)
}

// A malformed or unacceptable backup changes nothing.
func TestRestoreRefusesBadBackups(t *testing.T) {
	s := openMem(t)
	if err := s.CreateExtension(Extension{Number: "1001", Password: "pw-1001-secret"}); err != nil {
		t.Fatal(err)
	}
	good := frame(t, &pb.KV{Key: []byte("ext/9999"), Value: []byte(`{"number":"9999"}`), Version: 1})
	for name, b := range map[string][]byte{
		"truncated":  good[:len(good)-3],
		"garbage":    []byte("this is not a badger backup at all"),
		"oversize":   binary.LittleEndian.AppendUint64(nil, maxBackupList+1),
		"binding":    frame(t, &pb.KV{Key: []byte(bindPrefix + "1001/x"), Value: []byte("{}"), Version: 1}),
		"new schema": frame(t, &pb.KV{Key: []byte(schemaKey), Value: []byte(strconv.Itoa(schemaVersion + 1)), Version: 1}),
		"empty key":  frame(t, &pb.KV{Key: nil, Value: []byte("x"), Version: 1}),
	} {
		err := s.Restore(bytes.NewReader(b))
		if !errors.Is(err, ErrBadBackup) {
			t.Errorf("%s: %v, want ErrBadBackup", name, err)
		}
		if _, err := s.GetExtension("1001"); err != nil {
			t.Fatalf("%s: the store changed: %v", name, err)
		}
		if _, err := s.GetExtension("9999"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("%s: part of the backup was loaded: %v", name, err)
		}
	}
	s.Close()
	if err := s.Backup(&bytes.Buffer{}); !errors.Is(err, ErrClosed) {
		t.Errorf("backup after close: %v", err)
	}
}
