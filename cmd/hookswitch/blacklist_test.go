package main

import (
	"strings"
	"testing"
)

func TestBlacklistCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			bl := func(args ...string) (string, string, int) {
				return cli(t, append(append([]string{"blacklist"}, args...), "--data", dir)...)
			}
			if _, errs, code := bl("add", "+4930123456"); code != 0 {
				t.Fatalf("add: %s", errs)
			}
			if _, errs, code := bl("add", "not-a-number"); code == 0 || !strings.Contains(errs, "number") {
				t.Fatalf("add of a bad number: %q", errs)
			}
			if out, _, _ := bl("list"); !strings.Contains(out, "+4930123456") || !strings.Contains(out, "admin") {
				t.Fatalf("list: %q", out)
			}
			if _, errs, code := bl("remove", "+4930123456"); code != 0 {
				t.Fatalf("remove: %s", errs)
			}
			if _, errs, code := bl("remove", "+4930123456"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("remove twice: %q", errs)
			}
		})
	}
}
