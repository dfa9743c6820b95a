package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/plugins/billing/ledger"
	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

const cliDeck = rating.Header + `
44,outbound,10,0.10,0.10,0,0.50,0.30,60,30
1,internal,0,0,0,0,0.60,0.60,1,1
`

// billingDir is a data dir with extension 1001 and a deck file beside it.
func billingDir(t *testing.T) (dir, deck string) {
	t.Helper()
	dir = t.TempDir()
	if _, errs, code := cli(t, "ext", "add", "1001", "--password", "Secret1234x", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	deck = filepath.Join(t.TempDir(), "rates.csv")
	if err := os.WriteFile(deck, []byte(cliDeck), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, deck
}

// holdDataDir opens the data dir as the running switch does (so the CLI
// finds it locked) and serves the admin API on its control socket.
func holdDataDir(t *testing.T, dir string) {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", filepath.Join(dir, socketName))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: (&web.API{B: st}).Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); st.Close() })
}

func TestBillingCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir, deck := billingDir(t)
			if mode == "control socket" {
				holdDataDir(t, dir)
			}
			billing := func(args ...string) (string, string, int) {
				return cli(t, append(append([]string{"billing"}, args...), "--data", dir)...)
			}
			if out, errs, code := billing("rates", "import", deck); code != 0 || out != "2 rates imported\n" {
				t.Fatalf("import: %q %q", out, errs)
			}
			out, errs, code := billing("rates", "export")
			want := rating.Header + "\n44,outbound,10,0.1,0.1,0,0.5,0.3,60,30\n1,internal,0,0,0,0,0.6,0.6,1,1\n"
			if code != 0 || out != want {
				t.Fatalf("export: %q %q", out, errs)
			}
			// Importing the same deck again: every rate is a duplicate.
			if _, errs, code := billing("rates", "import", deck); code == 0 || !strings.Contains(errs, "line 2") || !strings.Contains(errs, "duplicate") {
				t.Fatalf("duplicate import: %q", errs)
			}
			bad := filepath.Join(t.TempDir(), "bad.csv")
			os.WriteFile(bad, []byte(rating.Header+"\n55,outbound,0,0,0,0,1,1,1,1\n56,outbound,0,0,0,0,1,1,-1,1\n"), 0o644)
			if _, errs, code := billing("rates", "import", bad); code == 0 || !strings.Contains(errs, "line 3") || !strings.Contains(errs, "interval1") {
				t.Fatalf("malformed import: %q", errs)
			}
			// Round trip: export, clear, import the export.
			exported := filepath.Join(t.TempDir(), "out.csv")
			os.WriteFile(exported, []byte(out), 0o644)
			if out, _, code := billing("rates", "clear"); code != 0 || out != "2 rates deleted\n" {
				t.Fatalf("clear: %q", out)
			}
			if _, errs, code := billing("rates", "import", exported); code != 0 {
				t.Fatalf("re-import: %q", errs)
			}
			if out, _, _ := billing("rates", "export"); out != want {
				t.Fatalf("round trip: %q", out)
			}
			// Balances.
			if out, _, code := billing("balance", "get", "1001"); code != 0 || out != "0 (none set)\n" {
				t.Fatalf("get unset: %q", out)
			}
			if out, errs, code := billing("balance", "set", "1001", "12.50"); code != 0 || out != "balance of 1001: 12.5\n" {
				t.Fatalf("set: %q %q", out, errs)
			}
			if out, _, _ := billing("balance", "get", "1001"); out != "12.5\n" {
				t.Fatalf("get: %q", out)
			}
			if out, _, _ := billing("balance", "list"); !strings.Contains(out, "1001") || !strings.Contains(out, "12.5") {
				t.Fatalf("list: %q", out)
			}
			if _, errs, code := billing("balance", "set", "1099", "1"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("set for no such extension: %q", errs)
			}
			if _, errs, code := billing("balance", "set", "1001", "1,50"); code == 0 || !strings.Contains(errs, "money") {
				t.Fatalf("bad amount: %q", errs)
			}
			if out, errs, code := billing("balance", "topup", "1001", "2.5"); code != 0 || out != "balance of 1001: 15\n" {
				t.Fatalf("topup: %q %q", out, errs)
			}
			if _, errs, code := billing("balance", "topup", "1099", "1"); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("topup for no such extension: %q", errs)
			}
		})
	}
}

func TestBillingCLIUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"billing"}, "want 'rates import FILE'"},
		{[]string{"billing", "rates", "frob"}, "unknown subcommand"},
		{[]string{"billing", "rates", "import"}, `want ["FILE"]`},
		{[]string{"billing", "balance", "set", "1001"}, `want ["EXT" "AMOUNT"]`},
		{[]string{"billing", "rates", "import", "/nonexistent.csv"}, "no such file"},
	} {
		_, errs, code := cli(t, append(tc.args, "--data", dir)...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: want an error mentioning %q, got code %d: %q", tc.args, tc.want, code, errs)
		}
	}
}

// Balances are stored as integers of micro-units but shown as amounts; a
// stored value that is not such an integer is an error naming the
// extension.
func TestBillingCLIStoredBalance(t *testing.T) {
	dir, _ := billingDir(t)
	billing := func(args ...string) (string, string, int) {
		return cli(t, append(append([]string{"billing"}, args...), "--data", dir)...)
	}
	if _, errs, code := billing("balance", "set", "1001", "12.50"); code != 0 {
		t.Fatal(errs)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, _, _ := st.KVGet(ledger.Namespace, ledger.BalanceKey("1001"))
	st.KVSet(ledger.Namespace, ledger.BalanceKey("1001"), "12.50", 0)
	st.Close()
	if v != "12500000" {
		t.Fatalf("stored %q", v)
	}
	for _, args := range [][]string{{"balance", "get", "1001"}, {"balance", "list"}} {
		if _, errs, code := billing(args...); code == 0 || !strings.Contains(errs, "balance of 1001") || !strings.Contains(errs, "not an integer number of micro-units") {
			t.Errorf("%v: %d %q", args, code, errs)
		}
	}
	if out, errs, code := billing("balance", "set", "1001", "2"); code != 0 || out != "balance of 1001: 2\n" {
		t.Fatalf("repair: %q %q", out, errs)
	}
}
