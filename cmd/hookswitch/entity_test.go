package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

// TestEntityCommon checks the shared part on both backends: what common
// leaves to the command, and that a missing entity reads as not found.
func TestEntityCommon(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			b, err := openBackend(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer b.close()
			if (b.st == nil) != (mode == "control socket") {
				t.Fatalf("backend: store %v in mode %s", b.st != nil, mode)
			}
			var out bytes.Buffer
			for _, sub := range []string{"show", "set", "add-pin"} { // pin sets show themselves
				if done, err := pinSetEntity.common(b, sub, []string{"p"}, &out); done || err != nil {
					t.Fatalf("common %s: done %v, %v", sub, done, err)
				}
			}
			// The key is escaped: through the socket it still reaches the set's route.
			done, err := pinSetEntity.common(b, "delete", []string{"p/1"}, &out)
			if !done || err == nil || !strings.HasPrefix(err.Error(), "pinset delete p/1: ") || !notFound(b, err) {
				t.Fatalf("delete a missing set: done %v, %v", done, err)
			}
			if _, err := tenantEntity.get(b, "nope"); !notFound(b, err) {
				t.Fatalf("get a missing tenant: %v", err)
			}
			p := store.PINSet{Name: "p-1", PINs: []store.PIN{{PIN: "4711"}}}
			if err := pinSetEntity.put(b, p.Name, p); err != nil {
				t.Fatal(err)
			}
			if done, err := pinSetEntity.common(b, "list", nil, &out); !done || err != nil || !strings.Contains(out.String(), "p-1 ") {
				t.Fatalf("list: done %v, %v\n%s", done, err, out.String())
			}
			out.Reset()
			if done, err := pinSetEntity.common(b, "delete", []string{"p-1"}, &out); !done || err != nil || out.String() != "pin set p-1 deleted\n" {
				t.Fatalf("delete: done %v, %v, %q", done, err, out.String())
			}
			if list, err := pinSetEntity.list(b); err != nil || len(list) != 0 {
				t.Fatalf("after delete: %v %v", list, err)
			}
		})
	}
}
