package main

import (
	"strings"
	"testing"
)

func TestDialPolicyCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			out, errs, code := cli(t, "dialpolicy", "set", "--block", "0900", "--block", "00881", "--country", "49", "--emergency", "112", "--data", dir)
			if code != 0 || !strings.Contains(out, "0900, 00881") || !strings.Contains(out, "112") {
				t.Fatalf("set: %d %q %q", code, out, errs)
			}
			if _, errs, code := cli(t, "dialpolicy", "set", "--block", "09x", "--data", dir); code == 0 || !strings.Contains(errs, "blocked_prefixes[0]") {
				t.Fatalf("a bad prefix: %q", errs)
			}
			if out, _, _ := cli(t, "dialpolicy", "show", "--data", dir); !strings.Contains(out, "country codes:    49") {
				t.Fatalf("show: %q", out)
			}
		})
	}
}
