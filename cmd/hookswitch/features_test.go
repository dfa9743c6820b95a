package main

import (
	"strings"
	"testing"
)

func TestExtFeaturesCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if _, errs, code := cli(t, "ext", "add", "1002", "--password", "Correct1horse-2", "--data", dir); code != 0 {
				t.Fatalf("ext add: %s", errs)
			}
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			ext := func(args ...string) (string, string, int) {
				return cli(t, append(append([]string{"ext", "features"}, args...), "--data", dir)...)
			}
			out, errs, code := ext("1002", "--dnd", "on", "--forward", "busy=1003", "--follow-me", "1004:20,+4930123:15", "--class", "national")
			if code != 0 {
				t.Fatalf("set: %s", errs)
			}
			for _, want := range []string{"dnd: true", "class: national", "forward busy: 1003", "follow-me 1: 1004 for 20 s", "follow-me 2: +4930123 for 15 s"} {
				if !strings.Contains(out, want) {
					t.Errorf("set output %q lacks %q", out, want)
				}
			}
			out, _, _ = ext("1002", "--forward", "busy=", "--follow-me", "")
			if strings.Contains(out, "forward busy") || strings.Contains(out, "follow-me") || !strings.Contains(out, "dnd: true") {
				t.Errorf("clear output %q", out)
			}
			if _, errs, code := ext("1002", "--forward", "busy=abc"); code == 0 || !strings.Contains(errs, "forward.busy") {
				t.Errorf("a bad target: code %d, %q", code, errs)
			}
			if _, errs, code := ext("1002", "--dnd", "maybe"); code == 0 || !strings.Contains(errs, "on or off") {
				t.Errorf("--dnd maybe: %q", errs)
			}
			if _, errs, code := ext("1999"); code == 0 || !strings.Contains(errs, "not found") {
				t.Errorf("no such extension: %q", errs)
			}
		})
	}
}
