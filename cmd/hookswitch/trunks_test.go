package main

import (
	"strings"
	"testing"
)

func TestTrunkCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			tr := func(args ...string) (string, string, int) {
				return cli(t, append(append([]string{"trunk"}, args...), "--data", dir)...)
			}
			if _, errs, code := tr("set", "upstream", "--kind", "register", "--host", "sip.example.net:5060",
				"--username", "4930123", "--password", "s3cret", "--qualify", "60", "--header", "X-Account: 42"); code != 0 {
				t.Fatalf("set: %s", errs)
			}
			// A change without --password keeps the password.
			if _, errs, code := tr("set", "upstream", "--kind", "register", "--host", "sip.example.net:5060",
				"--username", "4930123", "--max-calls", "8"); code != 0 {
				t.Fatalf("change: %s", errs)
			}
			out, _, _ := tr("list")
			if !strings.Contains(out, "upstream") || !strings.Contains(out, "sip.example.net:5060") || !strings.Contains(out, "8") {
				t.Fatalf("list: %q", out)
			}
			if strings.Contains(out, "s3cret") {
				t.Fatal("the list shows the password")
			}
			if _, errs, code := tr("set", "gw", "--kind", "ip", "--host", "192.0.2.1"); code == 0 || !strings.Contains(errs, "ips") {
				t.Fatalf("an ip trunk without addresses: %q", errs)
			}
			if _, errs, code := tr("set", "gw", "--kind", "ip", "--host", "192.0.2.1", "--ips", "192.0.2.1,not-an-ip"); code == 0 || !strings.Contains(errs, "ips[1]") {
				t.Fatalf("a bad address: %q", errs)
			}
			if _, errs, code := tr("remove", "upstream"); code != 0 {
				t.Fatalf("remove: %s", errs)
			}
			if _, errs, code := tr("remove", "upstream"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("remove twice: %q", errs)
			}
		})
	}
}
