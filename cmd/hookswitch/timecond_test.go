package main

import (
	"strings"
	"testing"
)

func TestTimecondCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			tc := func(args ...string) (string, string, int) {
				return cli(t, append(append([]string{"timecond"}, args...), "--data", dir)...)
			}
			// Open all week, so "open now" is true whenever the test runs.
			if _, errs, code := tc("set", "office", "--zone", "Europe/Berlin", "--schedule", "mon-sun 00:00-24:00", "--holidays", "2099-12-25"); code != 0 {
				t.Fatalf("set: %s", errs)
			}
			out, _, _ := tc("list")
			if !strings.Contains(out, "office") || !strings.Contains(out, "Europe/Berlin") || !strings.Contains(out, "true") {
				t.Fatalf("list: %q", out)
			}
			if _, errs, code := tc("override", "office", "closed"); code != 0 {
				t.Fatalf("override: %s", errs)
			}
			if out, _, _ := tc("list"); !strings.Contains(out, "false") || !strings.Contains(out, "closed") {
				t.Fatalf("list after closing: %q", out)
			}
			if _, errs, code := tc("set", "bad", "--schedule", "mon 18:00-18:00"); code == 0 || !strings.Contains(errs, "schedule") {
				t.Fatalf("a bad schedule: %q", errs)
			}
			if _, errs, code := tc("set", "x", "--zone", "Mars/Base"); code == 0 || !strings.Contains(errs, "Mars/Base") {
				t.Fatalf("a bad zone: %q", errs)
			}
			if _, errs, code := tc("override", "nowhere", "closed"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("override of no condition: %q", errs)
			}
			if _, errs, code := tc("remove", "office"); code != 0 {
				t.Fatalf("remove: %s", errs)
			}
		})
	}
}
