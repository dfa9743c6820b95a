package main

import (
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

func TestPINSetCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			ps := func(args ...string) (string, string, int) {
				return cli(t, append(append([]string{"pinset"}, args...), "--data", dir)...)
			}
			// secret PINs: shown only by show --reveal.
			hides := func(what, out string) {
				t.Helper()
				for _, p := range []string{"48151623", "42424242", "90210333"} {
					if strings.Contains(out, p) {
						t.Fatalf("%s shows the PIN %s: %q", what, p, out)
					}
				}
			}
			out, errs, code := ps("set", "staff", "--pins", "48151623:Alice Smith, 42424242", "--description", "sales")
			if code != 0 || !strings.Contains(out, "pin set staff saved (2 PINs)") {
				t.Fatalf("set: %d %q %q", code, out, errs)
			}
			hides("set", out)
			out, _, _ = ps("show", "staff")
			if !strings.Contains(out, "******23") || !strings.Contains(out, "Alice Smith") || !strings.Contains(out, "******42") || !strings.Contains(out, "sales") {
				t.Fatalf("show: %q", out)
			}
			hides("show", out)
			out, _, _ = ps("show", "staff", "--reveal")
			if !strings.Contains(out, "48151623") || !strings.Contains(out, "42424242") {
				t.Fatalf("show --reveal: %q", out)
			}
			// set without --pins keeps them; without --description keeps it.
			if _, errs, code := ps("set", "staff", "--description", "sales team"); code != 0 {
				t.Fatalf("set description: %s", errs)
			}
			if _, errs, code := ps("add-pin", "staff", "90210333:Bob: night shift"); code != 0 {
				t.Fatalf("add-pin: %s", errs)
			}
			out, _, _ = ps("show", "staff", "--reveal")
			if !strings.Contains(out, "sales team") || !strings.Contains(out, "48151623") || !strings.Contains(out, "Bob: night shift") {
				t.Fatalf("after changes: %q", out)
			}
			out, _, _ = ps("list")
			if !strings.Contains(out, "staff") || !strings.Contains(out, "3") || !strings.Contains(out, "sales team") {
				t.Fatalf("list: %q", out)
			}
			hides("list", out)
			// Errors name the field and never quote a PIN.
			for _, tc := range []struct {
				args []string
				says string
			}{
				{[]string{"add-pin", "staff", "90210333"}, "already"},
				{[]string{"add-pin", "staff", "12"}, "pin"},
				{[]string{"add-pin", "nobody", "1234"}, "not found"},
				{[]string{"remove-pin", "staff", "11111111"}, "not found"},
				{[]string{"set", "staff", "--pins", "48151623,48151623"}, "pins[1]"},
				{[]string{"set", "staff", "--pins", ""}, "at least one PIN"},
				{[]string{"set", "fresh"}, "at least one PIN"},
				{[]string{"set", "a b", "--pins", "1234"}, "name"},
				{[]string{"show", "nobody"}, "not found"},
				{[]string{"frobnicate"}, "unknown subcommand"},
				{[]string{"add-pin", "staff"}, "NAME PIN[:LABEL]"},
			} {
				_, errs, code := ps(tc.args...)
				if code == 0 || !strings.Contains(errs, tc.says) {
					t.Errorf("%v: %d %q, want it to say %q", tc.args, code, errs, tc.says)
				}
				hides(strings.Join(tc.args, " "), errs)
			}
			if _, errs, code := ps("remove-pin", "staff", "42424242"); code != 0 {
				t.Fatalf("remove-pin: %s", errs)
			}
			out, _, _ = ps("show", "staff", "--reveal")
			if strings.Contains(out, "42424242") || !strings.Contains(out, "48151623") || !strings.Contains(out, "90210333") {
				t.Fatalf("after remove-pin: %q", out)
			}
			// A rule asks for the set: it cannot go.
			if _, errs, code := cli(t, "trunk", "set", "t1", "--kind", "ip", "--host", "192.0.2.1", "--ips", "192.0.2.1", "--data", dir); code != 0 {
				t.Fatalf("trunk: %s", errs)
			}
			if _, errs, code := cli(t, "route", "outbound", "add", "intl", "--pattern", "00.", "--trunk", "t1", "--pin-set", "staff", "--data", dir); code != 0 {
				t.Fatalf("rule: %s", errs)
			}
			if _, errs, code := ps("delete", "staff"); code == 0 || !strings.Contains(errs, "outbound rule intl") {
				t.Fatalf("delete in use: %d %q", code, errs)
			}
			if _, errs, code := cli(t, "route", "outbound", "remove", "intl", "--data", dir); code != 0 {
				t.Fatalf("remove rule: %s", errs)
			}
			if out, errs, code := ps("delete", "staff"); code != 0 || !strings.Contains(out, "deleted") {
				t.Fatalf("delete: %q", errs)
			}
			if _, errs, code := ps("delete", "staff"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("delete twice: %q", errs)
			}
		})
	}
}

func TestParsePIN(t *testing.T) {
	for in, want := range map[string]store.PIN{
		"1234":                {PIN: "1234"},
		" 1234 : alice ":      {PIN: "1234", Label: "alice"},
		"1234:Bob: late, 2nd": {PIN: "1234", Label: "Bob: late, 2nd"},
		"1234:":               {PIN: "1234"},
	} {
		if got := parsePIN(in); got != want {
			t.Errorf("parsePIN(%q) = %+v, want %+v", in, got, want)
		}
	}
}
