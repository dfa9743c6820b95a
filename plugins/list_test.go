package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestList(t *testing.T) {
	builtin, err := List("")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range builtin {
		names[p.Name] = p.Size > 0 && len(p.SHA256) == 64
	}
	if !names["dialplan.wasm"] || !names["billing.wasm"] {
		t.Fatalf("built-in plugins: %+v", builtin)
	}

	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b.wasm"), []byte("\x00asm-b"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.wasm"), []byte("\x00asm-a"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a plugin"), 0o644)
	got, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("\x00asm-a"))
	if len(got) != 2 || got[0].Name != "a.wasm" || got[1].Name != "b.wasm" || got[0].Size != 6 ||
		got[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("List(dir) = %+v", got)
	}
	if _, err := List(filepath.Join(dir, "missing")); err != nil {
		t.Fatalf("a missing dir should list nothing, got %v", err)
	}
}
