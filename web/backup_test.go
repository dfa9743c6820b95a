package web

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

// backupLive is fakeLive with a real store and data directories.
type backupLive struct {
	*fakeLive
	st       *store.Store
	data     string
	calls    int
	restored int
}

func (b *backupLive) ActiveCalls() int { return b.calls }
func (b *backupLive) BackupDirs(keys bool) []DataDir {
	var ds []DataDir
	for _, n := range DataDirNames {
		if n != "tls" || keys {
			ds = append(ds, DataDir{Name: n, Path: filepath.Join(b.data, n)})
		}
	}
	return ds
}
func (b *backupLive) TempDir() string                    { return b.data }
func (b *backupLive) BackupStore(w io.Writer) error      { return b.st.Backup(w) }
func (b *backupLive) RestoreStore(r io.ReadSeeker) error { return b.st.Restore(r, "admin_credential") }
func (b *backupLive) Restored() ([]string, error)        { b.restored++; return []string{"test note"}, nil }
func (b *backupLive) Version() string                    { return "test-1" }

func newBackupAPI(t *testing.T, files map[string]string, exts ...string) (*httptest.Server, *backupLive) {
	t.Helper()
	data := t.TempDir()
	st, err := store.Open(filepath.Join(data, "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, n := range exts {
		if err := st.CreateExtension(store.Extension{Number: n, Password: "pw-" + n + "-long-enough", Name: "ext " + n}); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range files {
		p := filepath.Join(data, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l := &backupLive{fakeLive: &fakeLive{plugins: map[string][]byte{}}, st: st, data: data}
	srv := httptest.NewServer((&API{B: st, L: l}).Handler())
	t.Cleanup(srv.Close)
	return srv, l
}

// tree lists the regular files under the data dir's data directories
// (the store's own directory aside) with their contents.
func tree(t *testing.T, data string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range DataDirNames {
		filepath.WalkDir(filepath.Join(data, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(data, p)
			out[filepath.ToSlash(rel)] = string(b)
			return nil
		})
	}
	return out
}

func extNumbers(t *testing.T, st *store.Store) []string {
	t.Helper()
	es, err := st.ListExtensions()
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, e := range es {
		ns = append(ns, e.Number)
	}
	slices.Sort(ns)
	return ns
}

type entry struct {
	hdr  tar.Header
	body []byte
}

func readArchive(t *testing.T, b []byte) []entry {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out []entry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{*h, body})
	}
}

func writeArchive(t *testing.T, es []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range es {
		h := e.hdr
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

var srcFiles = map[string]string{
	"scripts/dialplan.lua": planB,
	"scripts/.history/dialplan.lua/20260101T000000.000000000Z": planA,
	"voicemail/1001/new/20260101-a.wav":                        "RIFF voicemail",
	"recordings/20260101T000000-abcd.wav":                      "RIFF recording",
	"prompts/en/hello.wav":                                     "RIFF prompt",
	"tls/key.pem":                                              "PRIVATE KEY",
	"tls/cert.pem":                                             "CERTIFICATE",
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	src, sl := newBackupAPI(t, srcFiles, "1001", "1002")
	code, archive := sdo(t, "GET", src.URL+"/api/v1/backup", nil)
	if code != 200 {
		t.Fatalf("backup: %d %s", code, archive)
	}
	es := readArchive(t, archive)
	var names []string
	for _, e := range es {
		names = append(names, e.hdr.Name)
	}
	if names[0] != StoreName || names[len(names)-1] != ManifestName {
		t.Fatalf("archive order: %v", names)
	}
	if slices.Contains(names, "files/tls/key.pem") {
		t.Fatal("the TLS key is in a backup without include_keys")
	}
	var m Manifest
	if err := json.Unmarshal(es[len(es)-1].body, &m); err != nil || m.Format != BackupFormat || m.Hookswitch != "test-1" || len(m.Files) != len(es)-1 {
		t.Fatalf("manifest: %+v %v", m, err)
	}
	if code, withKeys := sdo(t, "GET", src.URL+"/api/v1/backup?include_keys=1", nil); code != 200 || !bytes.Contains(gunzip(t, withKeys), []byte("PRIVATE KEY")) {
		t.Fatalf("backup with keys: %d", code)
	}

	// A switch with other data: the restore replaces it.
	dst, dl := newBackupAPI(t, map[string]string{"recordings/stale.wav": "old", "moh/default/a.wav": "old music"}, "9999")
	dl.st.PutMeta("admin_credential", []byte("dst"))
	var res RestoreResult
	if code := sdoJSON(t, "POST", dst.URL+"/api/v1/restore", archive, &res); code != 200 {
		t.Fatalf("restore: %d %+v", code, res)
	}
	if dl.restored != 1 || len(res.Notes) != 1 || res.Manifest.Hookswitch != "test-1" {
		t.Fatalf("restore result: %+v (refreshed %d times)", res, dl.restored)
	}
	if got := extNumbers(t, dl.st); !slices.Equal(got, []string{"1001", "1002"}) {
		t.Fatalf("extensions after restore: %v", got)
	}
	if e, err := dl.st.GetExtension("1001"); err != nil || e.Name != "ext 1001" {
		t.Fatalf("1001: %+v %v", e, err)
	}
	want := tree(t, sl.data)
	delete(want, "tls/key.pem")
	delete(want, "tls/cert.pem")
	if got := tree(t, dl.data); !mapsEqual(got, want) {
		t.Fatalf("files after restore:\n got %v\nwant %v", got, want)
	}
	if v, _ := dl.st.GetMeta("admin_credential"); string(v) != "dst" {
		t.Fatalf("admin credential %q, want the target's kept", v)
	}
	if left := leftovers(t, dl.data); len(left) != 0 {
		t.Fatalf("restore left temporary files: %v", left)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(gz)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// leftovers are staging or trash directories in the data dir.
func leftovers(t *testing.T, data string) []string {
	t.Helper()
	ents, err := os.ReadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if isTempName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

// A refused archive changes nothing: not the store, not a file.
func TestRestoreRefuses(t *testing.T) {
	src, _ := newBackupAPI(t, srcFiles, "1001")
	_, archive := sdo(t, "GET", src.URL+"/api/v1/backup", nil)
	good := readArchive(t, archive)
	dstFiles := map[string]string{"recordings/stale.wav": "old", "scripts/dialplan.lua": planA}
	dst, dl := newBackupAPI(t, dstFiles, "9999")
	before := tree(t, dl.data)

	with := func(edit func([]entry) []entry) []byte {
		es := make([]entry, len(good))
		for i, e := range good {
			es[i] = entry{e.hdr, slices.Clone(e.body)}
		}
		return writeArchive(t, edit(es))
	}
	index := func(es []entry, name string) int {
		for i, e := range es {
			if e.hdr.Name == name {
				return i
			}
		}
		t.Fatalf("no %s in the archive", name)
		return -1
	}
	// insert puts an entry before the manifest.
	insert := func(e entry) func([]entry) []entry {
		return func(es []entry) []entry { return slices.Insert(es, len(es)-1, e) }
	}
	reg := func(name, body string) entry {
		return entry{tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644}, []byte(body)}
	}
	cases := map[string][]byte{
		"not gzip": []byte("plain text, not an archive"),
		"tampered file": with(func(es []entry) []entry {
			i := index(es, "files/recordings/20260101T000000-abcd.wav")
			es[i].body[0] ^= 1
			return es
		}),
		"tampered store": with(func(es []entry) []entry {
			es[index(es, StoreName)].body[10] ^= 1
			return es
		}),
		"no manifest":      with(func(es []entry) []entry { return es[:len(es)-1] }),
		"file missing":     with(func(es []entry) []entry { return slices.Delete(es, 1, 2) }),
		"not in manifest":  with(insert(reg("files/scripts/extra.lua", "x"))),
		"dot dot":          with(insert(reg("files/scripts/../../x", "x"))),
		"leading dot dot":  with(insert(reg("../x", "x"))),
		"absolute":         with(insert(reg("/tmp/x", "x"))),
		"unknown dir":      with(insert(reg("files/etc/passwd", "x"))),
		"unknown entry":    with(insert(reg("other", "x"))),
		"backslash":        with(insert(reg("files\\scripts\\x.lua", "x"))),
		"symlink":          with(insert(entry{tar.Header{Name: "files/scripts/link.lua", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}, nil})),
		"hard link":        with(insert(entry{tar.Header{Name: "files/scripts/hard.lua", Typeflag: tar.TypeLink, Linkname: "../../x"}, nil})),
		"directory entry":  with(insert(entry{tar.Header{Name: "files/scripts/sub/", Typeflag: tar.TypeDir, Mode: 0o755}, nil})),
		"duplicate":        with(func(es []entry) []entry { return slices.Insert(es, 1, es[index(es, "files/scripts/dialplan.lua")]) }),
		"manifest garbage": with(func(es []entry) []entry { es[len(es)-1].body = []byte("{nope"); return es }),
		"future format": with(func(es []entry) []entry {
			es[len(es)-1].body = bytes.Replace(es[len(es)-1].body, []byte(`"format": 1`), []byte(`"format": 99`), 1)
			return es
		}),
	}
	for name, body := range cases {
		var out struct{ Error string }
		if code := sdoJSON(t, "POST", dst.URL+"/api/v1/restore", body, &out); code != 422 {
			t.Errorf("%s: %d %q, want 422", name, code, out.Error)
		}
		t.Logf("%s: %s", name, out.Error)
	}
	if got := extNumbers(t, dl.st); !slices.Equal(got, []string{"9999"}) {
		t.Fatalf("the store changed: %v", got)
	}
	if after := tree(t, dl.data); !mapsEqual(after, before) {
		t.Fatalf("files changed:\n got %v\nwant %v", after, before)
	}
	if dl.restored != 0 {
		t.Fatal("a refused restore refreshed the switch")
	}
	if left := leftovers(t, dl.data); len(left) != 0 {
		t.Fatalf("refused restores left temporary files: %v", left)
	}
	for _, p := range []string{"x", "../x", filepath.Join(dl.data, "files")} {
		if _, err := os.Lstat(filepath.Join(dl.data, p)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s exists after the refusals", p)
		}
	}

	// Calls up: 409 unless forced.
	dl.calls = 1
	if code, b := sdo(t, "POST", dst.URL+"/api/v1/restore", archive); code != 409 {
		t.Fatalf("restore with calls up: %d %s", code, b)
	}
	// Too large a body: 413.
	dl.calls = 0
	defer func(n int64) { maxRestoreUpload = n }(maxRestoreUpload)
	maxRestoreUpload = int64(len(archive) / 2)
	if code, b := sdo(t, "POST", dst.URL+"/api/v1/restore", archive); code != 413 {
		t.Fatalf("oversize restore: %d %s", code, b)
	}
	if got := extNumbers(t, dl.st); !slices.Equal(got, []string{"9999"}) {
		t.Fatalf("the store changed: %v", got)
	}
	maxRestoreUpload = 4 << 30
	dl.calls = 1
	if code, b := sdo(t, "POST", dst.URL+"/api/v1/restore?force=1", archive); code != 200 {
		t.Fatalf("forced restore: %d %s", code, b)
	}
	if got := extNumbers(t, dl.st); !slices.Equal(got, []string{"1001"}) {
		t.Fatalf("after the forced restore: %v", got)
	}
}

func TestCheckEntryName(t *testing.T) {
	for _, ok := range []string{"store.badger", "files/scripts/dialplan.lua", "files/scripts/.history/dialplan.lua/20260101T000000.000000000Z", "files/voicemail/1001/new/x.wav"} {
		if err := checkEntryName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/abs", "../x", "a/../b", "a/./b", "a//b", "a/", ".", "a\\b", "a\x00b", "a\nb", strings.Repeat("a", maxEntryName+1)} {
		if err := checkEntryName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
