package main

import (
	"strings"
	"testing"
)

func TestTenantCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			run := func(args ...string) (string, string, int) {
				return cli(t, append(args, "--data", dir)...)
			}
			tn := func(args ...string) (string, string, int) { return run(append([]string{"tenant"}, args...)...) }
			for _, tr := range []string{"up", "gw"} {
				if _, errs, code := run("trunk", "set", tr, "--kind", "ip", "--host", "192.0.2.1", "--ips", "192.0.2.1"); code != 0 {
					t.Fatalf("trunk %s: %s", tr, errs)
				}
			}
			if out, errs, code := tn("set", "acme", "--domain", "Acme.Example.com", "--trunk", "up:44*****; 12000-12999", "--trunk", "gw:*"); code != 0 || !strings.Contains(out, "tenant acme saved") {
				t.Fatalf("set acme: %q %s", out, errs)
			}
			// Refusals name the field, or the tenant in the way with a DID in both.
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"set", "beta", "--domain", "beta.example.com", "--trunk", "up:12500-12599"}, "tenant acme's pool 44*****;12000-12999: both hold DID 12500"},
				{[]string{"set", "beta", "--domain", "beta.example.com", "--trunk", "gw:5"}, "a * pool"},
				{[]string{"set", "beta", "--domain", "acme.example.com"}, "domain acme.example.com is tenant acme's"},
				{[]string{"set", "beta", "--trunk", "up"}, "domain"},
				{[]string{"set", "beta", "--domain", "192.0.2.5"}, "IP address"},
				{[]string{"set", "beta", "--domain", "beta.example.com", "--trunk", "nope"}, `trunks[0].trunk: no trunk named "nope"`},
				{[]string{"set", "beta", "--domain", "beta.example.com", "--trunk", "up:12000-22000"}, "trunks[0].did_pool"},
				{[]string{"set", "beta", "--domain", "beta.example.com", "--trunk", "up:1", "--trunk", "up:2"}, "twice"},
				{[]string{"set"}, "want one NAME"},
				{[]string{"show", "nope"}, "not found"},
				{[]string{"delete", "nope"}, "not found"},
				{[]string{"rename", "acme"}, "unknown subcommand"},
			} {
				if _, errs, code := tn(c.args...); code == 0 || !strings.Contains(errs, c.want) {
					t.Errorf("tenant %v: code %d, %q; want an error with %q", c.args, code, errs, c.want)
				}
			}
			if _, errs, code := tn("set", "beta", "--domain", "beta.example.com", "--trunk", "up:13000-13999", "--trunk", "gw"); code != 0 {
				t.Fatalf("set beta: %s", errs)
			}
			// A change keeps what is not given.
			if _, errs, code := tn("set", "beta", "--domain", "b.example.com"); code != 0 {
				t.Fatalf("change beta's domain: %s", errs)
			}
			out, _, _ := tn("show", "beta")
			for _, want := range []string{"b.example.com", "13000-13999", "calls out only"} {
				if !strings.Contains(out, want) {
					t.Fatalf("show lacks %q:\n%s", want, out)
				}
			}
			out, _, _ = tn("list")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 3 || !strings.HasPrefix(lines[1], "acme ") || !strings.Contains(lines[1], "acme.example.com") ||
				!strings.Contains(lines[1], "up:44*****;12000-12999 gw:*") || !strings.Contains(lines[2], "gw:-") {
				t.Fatalf("list:\n%s", out)
			}
			// Inbound rules of a tenant.
			route := func(args ...string) (string, string, int) {
				return run(append([]string{"route", "inbound", "add"}, args...)...)
			}
			if _, errs, code := route("b1", "--tenant", "beta", "--trunk", "gw", "--did", "5", "--dest", "hangup"); code == 0 || !strings.Contains(errs, "no DID pool on trunk gw") {
				t.Fatalf("a rule on an empty pool: %q", errs)
			}
			if _, errs, code := route("a1", "--tenant", "acme", "--trunk", "up", "--did", "13500", "--dest", "hangup"); code == 0 || !strings.Contains(errs, "outside tenant acme's DID pool") {
				t.Fatalf("a rule outside the pool: %q", errs)
			}
			if _, errs, code := route("a1", "--tenant", "acme", "--trunk", "up", "--did", "4412345", "--dest", "hangup"); code != 0 {
				t.Fatalf("a rule of acme: %s", errs)
			}
			if out, _, _ := run("route", "inbound", "list"); !strings.Contains(out, "TENANT") || !strings.Contains(out, "acme") {
				t.Fatalf("route list:\n%s", out)
			}
			if _, errs, code := tn("set", "acme", "--trunk", "gw:*"); code == 0 || !strings.Contains(errs, "inbound rule a1") {
				t.Fatalf("stranding a1: %q", errs)
			}
			if _, errs, code := tn("delete", "acme"); code == 0 || !strings.Contains(errs, "inbound rule a1") {
				t.Fatalf("delete acme in use: %q", errs)
			}
			if _, errs, code := run("route", "inbound", "remove", "a1"); code != 0 {
				t.Fatalf("remove a1: %s", errs)
			}
			if _, errs, code := run("trunk", "remove", "gw"); code == 0 || !strings.Contains(errs, "tenant acme") {
				t.Fatalf("remove a tenant's trunk: %q", errs)
			}
			if out, errs, code := tn("delete", "acme"); code != 0 || !strings.Contains(out, "tenant acme deleted") {
				t.Fatalf("delete acme: %q %s", out, errs)
			}
			if _, errs, code := tn("show", "acme"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("show deleted: %q", errs)
			}
		})
	}
}

func TestTenantQuotaCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			run := func(args ...string) (string, string, int) {
				return cli(t, append(args, "--data", dir)...)
			}
			if out, errs, code := run("tenant", "add", "acme", "--domain", "acme.example.com", "--max-extensions", "1", "--max-calls", "3"); code != 0 || !strings.Contains(out, "tenant acme saved") {
				t.Fatalf("add acme: %q %s", out, errs)
			}
			if _, errs, code := run("tenant", "add", "acme", "--domain", "acme.example.com"); code == 0 || !strings.Contains(errs, "already exists") {
				t.Fatalf("add twice: %q", errs)
			}
			if _, errs, code := run("tenant", "set", "acme", "--max-calls", "-1"); code == 0 || !strings.Contains(errs, "max_calls") {
				t.Fatalf("negative quota: %q", errs)
			}
			if out, errs, code := run("tenant", "show", "acme"); code != 0 || !strings.Contains(out, "max extensions:  1") || !strings.Contains(out, "max calls:       3") {
				t.Fatalf("show: %q %s", out, errs)
			}
			if _, errs, code := run("ext", "add", "100", "--tenant", "nope"); code == 0 || !strings.Contains(errs, `no tenant named "nope"`) {
				t.Fatalf("ext of no such tenant: %q", errs)
			}
			if _, errs, code := run("ext", "add", "100", "--tenant", "acme"); code != 0 {
				t.Fatalf("ext add: %s", errs)
			}
			if _, errs, code := run("ext", "add", "101", "--tenant", "acme"); code == 0 || !strings.Contains(errs, "quota of 1 extensions reached") {
				t.Fatalf("over quota: %q", errs)
			}
			// set keeps the quota not given.
			if _, errs, code := run("tenant", "set", "acme", "--max-extensions", "2"); code != 0 {
				t.Fatalf("raise quota: %s", errs)
			}
			if out, _, _ := run("tenant", "list"); !strings.Contains(out, "acme  acme.example.com  2         3") {
				t.Fatalf("list: %q", out)
			}
			if _, errs, code := run("ext", "add", "101", "--tenant", "acme"); code != 0 {
				t.Fatalf("ext add after raise: %s", errs)
			}
			if _, errs, code := run("tenant", "delete", "acme"); code == 0 || !strings.Contains(errs, "extension 100, extension 101") {
				t.Fatalf("delete a tenant in use: %q", errs)
			}
		})
	}
}
