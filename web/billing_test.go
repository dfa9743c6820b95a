package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hookswitch/hookswitch/plugins/billing/ledger"
	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	"github.com/hookswitch/hookswitch/switch/store"
)

// billingServer is the API over a real in-memory store with extensions
// 1001 and 1002, behind admin credentials.
func billingServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv, _ := billingServerStore(t)
	return srv
}

// billingServerStore is billingServer and its store.
func billingServerStore(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, n := range []string{"1001", "1002"} {
		if err := st.CreateExtension(store.Extension{Number: n, Password: "Secret-" + n + "-pw"}); err != nil {
			t.Fatal(err)
		}
	}
	api := &API{B: st, L: &fakeLive{}, Auth: func(u, p string) bool { return u == "admin" && p == "pw" }}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return srv, st
}

// do sends an authenticated request and returns the status and body.
func do(t *testing.T, srv *httptest.Server, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.SetBasicAuth("admin", "pw")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

const testDeck = rating.Header + `
44,outbound,10,0.10,0.10,0,0.50,0.30,60,30
1,internal,0,0,0,0,0.60,0.60,1,1
`

func TestBillingRatesAPI(t *testing.T) {
	srv := billingServer(t)
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/billing/rates", nil)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 401 {
		t.Fatalf("without credentials: %v %v", res.StatusCode, err)
	}
	if code, body := do(t, srv, "PUT", "/api/v1/billing/rates", testDeck); code != 200 || !strings.Contains(body, `"imported":2`) {
		t.Fatalf("import: %d %s", code, body)
	}
	code, body := do(t, srv, "GET", "/api/v1/billing/rates", "")
	want := rating.Header + "\n44,outbound,10,0.1,0.1,0,0.5,0.3,60,30\n1,internal,0,0,0,0,0.6,0.6,1,1\n"
	if code != 200 || body != want {
		t.Fatalf("export: %d\n%s", code, body)
	}
	// A duplicate of a stored rate: 409 with its line, nothing written.
	dup := rating.Header + "\n33,outbound,0,0,0,0,1,1,1,1\n44,outbound,0,0,0,0,1,1,1,1\n"
	if code, body := do(t, srv, "PUT", "/api/v1/billing/rates", dup); code != 409 || !strings.Contains(body, "line 3") || !strings.Contains(body, "duplicate") {
		t.Fatalf("duplicate: %d %s", code, body)
	}
	// A duplicate within the file: 409.
	dup = rating.Header + "\n7,inbound,0,0,0,0,1,1,1,1\n7,inbound,0,0,0,0,1,1,1,1\n"
	if code, body := do(t, srv, "PUT", "/api/v1/billing/rates", dup); code != 409 || !strings.Contains(body, "also on line 2") {
		t.Fatalf("duplicate in the file: %d %s", code, body)
	}
	// Malformed: 422 with the line and the column.
	for _, bad := range []string{
		rating.Header + "\n8,inbound,0,0,0,0,1,1,1,1\n9,sideways,0,0,0,0,1,1,1,1\n",
		rating.Header + "\n8,inbound,0,0.1234567,0,0,1,1,1,1\n",
		"prefix,direction\n1,inbound\n",
		"",
	} {
		if code, body := do(t, srv, "PUT", "/api/v1/billing/rates", bad); code != 422 {
			t.Errorf("malformed %q: %d %s", bad, code, body)
		}
	}
	if _, body := do(t, srv, "PUT", "/api/v1/billing/rates", rating.Header+"\n8,inbound,0,0,0,0,1,1,1,1\n9,sideways,0,0,0,0,1,1,1,1\n"); !strings.Contains(body, "line 3") || !strings.Contains(body, "direction") {
		t.Errorf("malformed error: %s", body)
	}
	if _, body := do(t, srv, "GET", "/api/v1/billing/rates", ""); body != want {
		t.Fatalf("refused imports changed the rates:\n%s", body)
	}
	// Export, clear, re-import: the same deck.
	if code, body := do(t, srv, "DELETE", "/api/v1/billing/rates", ""); code != 200 || !strings.Contains(body, `"deleted":2`) {
		t.Fatalf("clear: %d %s", code, body)
	}
	if _, body := do(t, srv, "GET", "/api/v1/billing/rates", ""); body != rating.Header+"\n" {
		t.Fatalf("after clear: %q", body)
	}
	if code, _ := do(t, srv, "PUT", "/api/v1/billing/rates", want); code != 200 {
		t.Fatalf("re-import of the export: %d", code)
	}
	if _, body := do(t, srv, "GET", "/api/v1/billing/rates", ""); body != want {
		t.Fatalf("round trip:\n%s", body)
	}
}

func TestBillingBalancesAPI(t *testing.T) {
	srv := billingServer(t)
	if code, body := do(t, srv, "GET", "/api/v1/billing/balances/1001", ""); code != 200 || !strings.Contains(body, `"balance":"0"`) || !strings.Contains(body, `"stored":false`) {
		t.Fatalf("no balance: %d %s", code, body)
	}
	if code, body := do(t, srv, "PUT", "/api/v1/billing/balances/1001", `{"balance":"12.50"}`); code != 200 || !strings.Contains(body, `"balance":"12.5"`) {
		t.Fatalf("set: %d %s", code, body)
	}
	if code, _ := do(t, srv, "PUT", "/api/v1/billing/balances/1002", `{"balance": -0.25}`); code != 200 {
		t.Fatalf("set a JSON number: %d", code)
	}
	code, body := do(t, srv, "GET", "/api/v1/billing/balances/1001", "")
	var b Balance
	json.Unmarshal([]byte(body), &b)
	if code != 200 || b.Balance != 12_500_000 || !b.Stored || b.Extension != "1001" {
		t.Fatalf("get: %d %s", code, body)
	}
	var all map[string]string
	code, body = do(t, srv, "GET", "/api/v1/billing/balances", "")
	if json.Unmarshal([]byte(body), &all); code != 200 || len(all) != 2 || all["1001"] != "12.5" || all["1002"] != "-0.25" {
		t.Fatalf("all: %d %s", code, body)
	}
	for _, tc := range []struct {
		path, body string
		code       int
	}{
		{"/api/v1/billing/balances/1099", `{"balance":"1"}`, 404},
		{"/api/v1/billing/balances/1001", `{"balance":"1.0000001"}`, 422},
		{"/api/v1/billing/balances/1001", `{"balance":"1e3"}`, 422},
		{"/api/v1/billing/balances/1001", `{"balance":null}`, 422},
		{"/api/v1/billing/balances/1001", `{"amount":"1"}`, 400},
		{"/api/v1/billing/balances/1001", `{}`, 400},
		{"/api/v1/billing/balances/1001", `12`, 400},
	} {
		if code, body := do(t, srv, "PUT", tc.path, tc.body); code != tc.code {
			t.Errorf("PUT %s %s: %d %s, want %d", tc.path, tc.body, code, body, tc.code)
		}
	}
	if code, _ := do(t, srv, "GET", "/api/v1/billing/balances/1099", ""); code != 404 {
		t.Errorf("get of no such extension: %d", code)
	}
	if _, body := do(t, srv, "GET", "/api/v1/billing/balances/1001", ""); !strings.Contains(body, `"balance":"12.5"`) {
		t.Fatalf("a refused PUT changed the balance: %s", body)
	} // Top-ups add atomically: many at once lose none.
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, body := do(t, srv, "POST", "/api/v1/billing/balances/1001/topup", `{"amount":"0.25"}`); code != 200 {
				t.Errorf("topup: %d %s", code, body)
			}
		}()
	}
	wg.Wait()
	if code, body := do(t, srv, "POST", "/api/v1/billing/balances/1001/topup", `{"amount":-2.5}`); code != 200 || !strings.Contains(body, `"balance":"15"`) {
		t.Fatalf("after 20 top-ups of 0.25 and a correction of -2.5 on 12.50: %d %s", code, body)
	}
	for _, tc := range []struct {
		path, body string
		code       int
	}{
		{"/api/v1/billing/balances/1099/topup", `{"amount":"1"}`, 404},
		{"/api/v1/billing/balances/1001/topup", `{"amount":"1.0000001"}`, 422},
		{"/api/v1/billing/balances/1001/topup", `{"balance":"1"}`, 400},
		{"/api/v1/billing/balances/1001/topup", `{"amount":"9223372036854"}`, 422},
	} {
		if code, body := do(t, srv, "POST", tc.path, tc.body); code != tc.code {
			t.Errorf("POST %s %s: %d %s, want %d", tc.path, tc.body, code, body, tc.code)
		}
	}
}

// The API shows and takes decimal amounts; the store keeps integers of
// micro-units (what the plugin's atomic debit adds to). A stored value
// that is not one is a 500 naming the extension, never a wrong amount.
func TestBillingBalanceStoredForm(t *testing.T) {
	srv, st := billingServerStore(t)
	if code, body := do(t, srv, "PUT", "/api/v1/billing/balances/1001", `{"balance":"12.50"}`); code != 200 {
		t.Fatalf("set: %d %s", code, body)
	}
	if v, _, _ := st.KVGet(ledger.Namespace, ledger.BalanceKey("1001")); v != "12500000" {
		t.Fatalf("stored %q", v)
	}
	// A debit as the plugin does it, then the API's view of it.
	if _, err := st.KVAdd(ledger.Namespace, ledger.BalanceKey("1001"), -1_320_000); err != nil {
		t.Fatal(err)
	}
	if _, body := do(t, srv, "GET", "/api/v1/billing/balances/1001", ""); !strings.Contains(body, `"balance":"11.18"`) {
		t.Fatalf("after a debit: %s", body)
	}
	st.KVSet(ledger.Namespace, ledger.BalanceKey("1002"), "12.50", 0)
	for _, path := range []string{"/api/v1/billing/balances/1002", "/api/v1/billing/balances"} {
		if code, body := do(t, srv, "GET", path, ""); code != 500 || !strings.Contains(body, "balance of 1002") || !strings.Contains(body, "not an integer number of micro-units") {
			t.Errorf("GET %s of a decimal stored balance: %d %s", path, code, body)
		}
	}
	// Setting it again repairs it.
	if code, _ := do(t, srv, "PUT", "/api/v1/billing/balances/1002", `{"balance":"3"}`); code != 200 {
		t.Fatalf("repair: %d", code)
	}
	if code, body := do(t, srv, "GET", "/api/v1/billing/balances", ""); code != 200 || !strings.Contains(body, `"1002":"3"`) {
		t.Fatalf("after repair: %d %s", code, body)
	}
}
