package main

import (
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/auth"
)

func TestUserAndTokenCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			run := func(args ...string) (string, string, int) {
				return cli(t, append(args, "--data", dir)...)
			}
			if out, errs, code := run("user", "add", "ann", "--role", "operator", "--password", "Kestrel-42-blue"); code != 0 || !strings.Contains(out, "user ann added") {
				t.Fatalf("add: %q %s", out, errs)
			}
			out, errs, code := run("user", "add", "bob", "--role", "supervisor")
			if code != 0 || !strings.Contains(out, "password: ") {
				t.Fatalf("add with a generated password: %q %s", out, errs)
			}
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"user", "add", "carl", "--role", "operator", "--password", "password1"}, "password"},
				{[]string{"user", "add", "carl", "--role", "root", "--password", "Kestrel-42-blue"}, "role"},
				{[]string{"user", "add", "carl", "--role", "tenant_admin", "--password", "Kestrel-42-blue", "--tenant", "nope"}, `no tenant named "nope"`},
				{[]string{"user", "add", "admin", "--role", "admin", "--password", "Kestrel-42-blue"}, "reserved"},
				{[]string{"user", "add", "ann", "--role", "admin", "--password", "Kestrel-42-blue"}, "exists"},
				{[]string{"user", "set", "nobody", "--disabled"}, "not found"},
				{[]string{"user", "frob"}, "unknown subcommand"},
			} {
				if _, errs, code := run(c.args...); code == 0 || !strings.Contains(errs, c.want) {
					t.Errorf("%v: code %d, %q, want %q", c.args, code, errs, c.want)
				}
			}
			if out, errs, code := run("user", "set", "ann", "--disabled", "--role", "supervisor"); code != 0 || !strings.Contains(out, "saved") {
				t.Fatalf("set: %q %s", out, errs)
			}
			if out, errs, code := run("user", "passwd", "ann", "--password", "Osprey-77-green"); code != 0 || !strings.Contains(out, "new password") {
				t.Fatalf("passwd: %q %s", out, errs)
			}
			out, _, _ = run("user", "list")
			if !strings.Contains(out, "ann") || !strings.Contains(out, "disabled") || !strings.Contains(out, "supervisor") || !strings.Contains(out, "bob") {
				t.Fatalf("list: %q", out)
			}
			out, errs, code = run("token", "add", "ci", "--role", "operator", "--expires", "720h")
			if code != 0 || !strings.Contains(out, "hs_") {
				t.Fatalf("token add: %q %s", out, errs)
			}
			id := strings.Fields(out[strings.Index(out, "(id ")+4:])[0]
			id = strings.TrimSuffix(id, ",")
			if out, _, _ := run("token", "list"); !strings.Contains(out, id) || !strings.Contains(out, "operator") || strings.Contains(out, "hs_") {
				t.Fatalf("token list: %q", out)
			}
			if out, errs, code := run("token", "delete", id); code != 0 || !strings.Contains(out, "deleted") {
				t.Fatalf("token delete: %q %s", out, errs)
			}
			if out, errs, code := run("user", "delete", "bob"); code != 0 || !strings.Contains(out, "deleted") {
				t.Fatalf("delete: %q %s", out, errs)
			}
			if mode == "control socket" {
				return
			}
			st, err := store.Open(dir, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			u, err := st.GetUser("ann")
			if err != nil || !auth.CheckPassword(u.Password, "Osprey-77-green") || !u.Disabled || u.Role != "supervisor" {
				t.Fatalf("stored ann %+v %v", u, err)
			}
		})
	}
}

// The admin credential keeps its stored layout and checks as before.
func TestAdminCredential(t *testing.T) {
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out strings.Builder
	c, err := ensureAdmin(st, &out)
	if err != nil {
		t.Fatal(err)
	}
	pw := strings.TrimSpace(out.String()[strings.Index(out.String(), "password:")+len("password:"):])
	if !c.check("admin", pw) || c.check("admin", pw+"x") || c.check("root", pw) {
		t.Fatal("check")
	}
	raw, _ := st.GetMeta(adminMeta)
	for _, k := range []string{`"user":"admin"`, `"salt":`, `"iter":200000`, `"hash":`} {
		if !strings.Contains(string(raw), k) {
			t.Fatalf("stored credential %s lacks %s", raw, k)
		}
	}
	again, err := ensureAdmin(st, &out)
	if err != nil || !again.check("admin", pw) {
		t.Fatalf("reloaded credential: %v", err)
	}
}
