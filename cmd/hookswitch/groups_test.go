package main

import (
	"strings"
	"testing"
)

func TestGroupCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			run := func(args ...string) (string, string, int) {
				return cli(t, append(args, "--data", dir)...)
			}
			gr := func(args ...string) (string, string, int) { return run(append([]string{"group"}, args...)...) }
			for _, n := range []string{"1001", "1002", "1003"} {
				if _, errs, code := run("ext", "add", n, "--password", "Tr0ub4dor-and-"+n[3:]); code != 0 {
					t.Fatalf("ext add %s: %s", n, errs)
				}
			}
			if out, errs, code := gr("add", "300", "--name", "Sales", "--members", "1001, 1002", "--strategy", "hunt",
				"--no-answer", "voicemail:1001", "--caller-id-prefix", "Sales: "); code != 0 || !strings.Contains(out, "300 saved") {
				t.Fatalf("add: %q %s", out, errs)
			}
			if _, errs, code := gr("add", "300", "--members", "1001"); code == 0 || !strings.Contains(errs, "exists") {
				t.Fatalf("add twice: %q", errs)
			}
			if _, errs, code := gr("add", "301", "--members", "1001,1009"); code == 0 || !strings.Contains(errs, "members[1]") || !strings.Contains(errs, "1009") {
				t.Fatalf("a member that is no extension: %q", errs)
			}
			if _, errs, code := gr("add", "1003", "--members", "1001"); code == 0 || !strings.Contains(errs, "extension") {
				t.Fatalf("an extension's number: %q", errs)
			}
			if _, errs, code := gr("add", "301", "--members", "1001", "--strategy", "paging"); code == 0 || !strings.Contains(errs, "strategy") {
				t.Fatalf("a bad strategy: %q", errs)
			}
			// set changes only what it is given.
			if _, errs, code := gr("set", "300", "--ring-time", "12", "--members", "1003,1001"); code != 0 {
				t.Fatalf("set: %s", errs)
			}
			out, _, _ := gr("show", "300")
			for _, want := range []string{"Sales", "hunt", "12s", "1003, 1001", "voicemail 1001", `"Sales: "`} {
				if !strings.Contains(out, want) {
					t.Fatalf("show lacks %q:\n%s", want, out)
				}
			}
			if _, errs, code := run("ext", "remove", "1003"); code == 0 || !strings.Contains(errs, "a member of ring group 300") {
				t.Fatalf("remove a member: %q", errs)
			}
			if _, errs, code := gr("set", "300", "--no-answer", ""); code != 0 {
				t.Fatalf("clear no-answer: %s", errs)
			}
			if _, errs, code := gr("set", "309", "--ring-time", "12"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("set a missing group: %q", errs)
			}
			if _, errs, code := run("ext", "add", "300", "--password", "Tr0ub4dor-and-9"); code == 0 || !strings.Contains(errs, "ring group") {
				t.Fatalf("an extension with a group's number: %q", errs)
			}
			if _, errs, code := gr("add", "40", "--members", "1002"); code != 0 {
				t.Fatalf("add 40: %s", errs)
			}
			out, _, _ = gr("list")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 3 || !strings.HasPrefix(lines[1], "40 ") || !strings.HasPrefix(lines[2], "300 ") ||
				!strings.Contains(lines[2], "hangup") || !strings.Contains(lines[2], "1003,1001") {
				t.Fatalf("list:\n%s", out)
			}
			if _, errs, code := run("route", "inbound", "add", "main", "--did", "*", "--dest", "group:300"); code != 0 {
				t.Fatalf("route: %s", errs)
			}
			if _, errs, code := gr("delete", "300"); code == 0 || !strings.Contains(errs, "inbound rule main") {
				t.Fatalf("delete a group in use: %q", errs)
			}
			if _, errs, code := run("route", "inbound", "remove", "main"); code != 0 {
				t.Fatalf("route remove: %s", errs)
			}
			if _, errs, code := gr("delete", "300"); code != 0 {
				t.Fatalf("delete: %s", errs)
			}
			if _, errs, code := gr("show", "300"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("show deleted: %q", errs)
			}
			if _, errs, code := gr("rename", "40"); code == 0 || !strings.Contains(errs, "unknown subcommand") {
				t.Fatalf("unknown subcommand: %q", errs)
			}
		})
	}
}
