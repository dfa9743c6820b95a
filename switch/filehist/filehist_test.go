package filehist

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A history keeps the newest Keep versions, newest first, and reads the
// layout that earlier releases wrote (DIR/.history/NAME/VERSION), skipping
// what is not a version.
func TestHistory(t *testing.T) {
	dir := t.TempDir()
	// As the script editor and the plugin uploads wrote it before this package.
	old := filepath.Join(dir, ".history", "a.lua")
	os.MkdirAll(old, 0o755)
	os.WriteFile(filepath.Join(old, "20200101T000000.000000000Z"), []byte("oldest"), 0o644)
	os.WriteFile(filepath.Join(old, ".edit-123"), []byte("debris"), 0o644)
	os.WriteFile(filepath.Join(old, "notes.txt"), []byte("not ours"), 0o644)

	h := History{Dir: dir, Keep: 3}
	vs, err := h.List("a.lua")
	if err != nil || len(vs) != 1 || vs[0].Version != "20200101T000000.000000000Z" || vs[0].Size != 6 || vs[0].Saved.Year() != 2020 {
		t.Fatalf("old layout: %+v %v", vs, err)
	}
	var saved []string
	for i := range 4 {
		v, err := h.Save("a.lua", fmt.Appendf(nil, "v%d", i))
		if err != nil || !ValidVersion(v) {
			t.Fatalf("save %d: %q %v", i, v, err)
		}
		saved = append(saved, v)
	}
	vs, err = h.List("a.lua")
	if err != nil || len(vs) != 3 {
		t.Fatalf("after 4 saves with Keep 3: %+v %v", vs, err)
	}
	for i, v := range vs { // newest first: v3, v2, v1
		if v.Version != saved[3-i] {
			t.Fatalf("version %d is %s, want %s", i, v.Version, saved[3-i])
		}
		if b, _ := os.ReadFile(h.Path("a.lua", v.Version)); string(b) != fmt.Sprintf("v%d", 3-i) {
			t.Fatalf("version %s holds %q", v.Version, b)
		}
	}
	if _, err := os.Stat(filepath.Join(old, "notes.txt")); err != nil {
		t.Errorf("pruning removed a file that is not a version: %v", err)
	}
	if vs, err := h.List("none.lua"); err != nil || vs == nil || len(vs) != 0 {
		t.Errorf("no history: %v %v, want an empty list", vs, err)
	}
}

func TestHistoryRefusesPaths(t *testing.T) {
	h := History{Dir: t.TempDir(), Keep: 1}
	for _, name := range []string{"", ".", "..", "../x", "a/b", `a\b`} {
		if _, err := h.Save(name, []byte("x")); err == nil {
			t.Errorf("Save(%q) succeeded", name)
		}
		if _, err := h.List(name); err == nil {
			t.Errorf("List(%q) succeeded", name)
		}
	}
	for _, v := range []string{"", "../../x", "20200101T000000Z", "20200101T000000.000000000Z/.."} {
		if ValidVersion(v) {
			t.Errorf("ValidVersion(%q)", v)
		}
	}
}
