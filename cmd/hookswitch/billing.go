package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"text/tabwriter"

	"github.com/hookswitch/hookswitch/plugins/billing/ledger"
	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	"github.com/hookswitch/hookswitch/web"
)

const billingUsage = "billing: want 'rates import FILE', 'rates export', 'rates clear', 'balance set EXT AMOUNT', 'balance topup EXT AMOUNT', 'balance get EXT' or 'balance list'"

// billingCmd administers the billing plugin's rates and balances, on the
// data dir or through the running switch (web/billing.go). Amounts are
// decimal here as in the API; the ledger stores balances as integers of
// micro-units, which the plugin debits atomically.
func billingCmd(args []string, stdout io.Writer) error {
	if len(args) < 2 {
		return errors.New(billingUsage)
	}
	what := args[0] + " " + args[1]
	switch what {
	case "rates import", "rates export", "rates clear", "balance set", "balance topup", "balance get", "balance list":
	default:
		return fmt.Errorf("billing: unknown subcommand %q; %s", what, billingUsage[len("billing: "):])
	}
	fs := flag.NewFlagSet("billing "+what, flag.ContinueOnError)
	data := dataFlag(fs)
	pos, err := parse(fs, args[2:])
	if err != nil {
		return err
	}
	want := map[string][]string{"rates import": {"FILE"}, "balance set": {"EXT", "AMOUNT"}, "balance topup": {"EXT", "AMOUNT"}, "balance get": {"EXT"}}[what]
	if len(pos) != len(want) {
		return fmt.Errorf("billing %s: want %q as arguments, got %q", what, want, pos)
	}
	var csvIn []byte
	var amount rating.Money
	switch what { // check the input before touching the data dir
	case "rates import":
		if csvIn, err = os.ReadFile(pos[0]); err != nil {
			return fmt.Errorf("billing rates import: %w", err)
		}
	case "balance set", "balance topup":
		if amount, err = rating.ParseMoney(pos[1]); err != nil {
			return fmt.Errorf("billing %s %s: %w", what, pos[0], err)
		}
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	switch what {
	case "rates import":
		var n int
		if b.st != nil {
			n, err = ledger.ImportRates(b.st, bytes.NewReader(csvIn))
		} else {
			var out struct{ Imported int }
			err = b.call("PUT", "/api/v1/billing/rates", csvIn, &out)
			n = out.Imported
		}
		if err != nil {
			return fmt.Errorf("billing rates import %s: %w", pos[0], err)
		}
		fmt.Fprintf(stdout, "%d rates imported\n", n)
	case "rates export":
		if b.st != nil {
			return ledger.ExportRates(b.st, stdout)
		}
		return b.raw("GET", "/api/v1/billing/rates", stdout)
	case "rates clear":
		var n int
		if b.st != nil {
			n, err = ledger.ClearRates(b.st)
		} else {
			var out struct{ Deleted int }
			err = b.call("DELETE", "/api/v1/billing/rates", nil, &out)
			n = out.Deleted
		}
		if err != nil {
			return fmt.Errorf("billing rates clear: %w", err)
		}
		fmt.Fprintf(stdout, "%d rates deleted\n", n)
	case "balance set":
		ext := pos[0]
		if b.st != nil {
			if _, err = b.st.GetExtension(ext); err == nil {
				err = ledger.SetBalance(b.st, ext, amount)
			}
		} else {
			err = b.call("PUT", "/api/v1/billing/balances/"+url.PathEscape(ext), map[string]string{"balance": amount.String()}, nil)
		}
		if err != nil {
			return fmt.Errorf("billing balance set %s: %w", ext, err)
		}
		fmt.Fprintf(stdout, "balance of %s: %s\n", ext, amount)
	case "balance topup":
		ext := pos[0]
		var bal web.Balance
		if b.st != nil {
			if _, err = b.st.GetExtension(ext); err == nil {
				bal.Balance, err = ledger.TopUp(b.st, ext, amount)
			}
		} else {
			err = b.call("POST", "/api/v1/billing/balances/"+url.PathEscape(ext)+"/topup", map[string]string{"amount": amount.String()}, &bal)
		}
		if err != nil {
			return fmt.Errorf("billing balance topup %s: %w", ext, err)
		}
		fmt.Fprintf(stdout, "balance of %s: %s\n", ext, bal.Balance)
	case "balance get":
		ext := pos[0]
		var bal web.Balance
		if b.st != nil {
			if _, err = b.st.GetExtension(ext); err == nil {
				bal.Balance, bal.Stored, err = ledger.Balance(b.st, ext)
			}
		} else {
			err = b.call("GET", "/api/v1/billing/balances/"+url.PathEscape(ext), nil, &bal)
		}
		if err != nil {
			return fmt.Errorf("billing balance get %s: %w", ext, err)
		}
		note := ""
		if !bal.Stored {
			note = " (none set)"
		}
		fmt.Fprintf(stdout, "%s%s\n", bal.Balance, note)
	case "balance list":
		var all map[string]rating.Money
		if b.st != nil {
			all, err = ledger.Balances(b.st)
		} else {
			err = b.call("GET", "/api/v1/billing/balances", nil, &all)
		}
		if err != nil {
			return fmt.Errorf("billing balance list: %w", err)
		}
		exts := make([]string, 0, len(all))
		for e := range all {
			exts = append(exts, e)
		}
		sort.Strings(exts)
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "EXT\tBALANCE")
		for _, e := range exts {
			fmt.Fprintf(w, "%s\t%s\n", e, all[e])
		}
		return w.Flush()
	}
	return nil
}

// raw does one API request over the control socket and copies the body of
// a successful answer to w.
func (b *backend) raw(method, path string, w io.Writer) error {
	req, _ := http.NewRequest(method, "http://hookswitch"+path, nil)
	res, err := b.http.Do(req)
	if err != nil {
		return fmt.Errorf("data dir is in use but the running switch does not answer on its control socket: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		var e struct{ Error string }
		json.NewDecoder(res.Body).Decode(&e)
		return fmt.Errorf("switch: %s", e.Error)
	}
	_, err = io.Copy(w, res.Body)
	return err
}
