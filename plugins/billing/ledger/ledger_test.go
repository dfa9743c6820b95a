package ledger

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	"github.com/hookswitch/hookswitch/switch/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open("", store.Options{InMemory: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

const deck = `prefix,direction,free_seconds,connect_fee,post_call_surcharge,grace_period,price1,price_n,interval1,interval_n
44,outbound,10,0.10,0.10,0,0.50,0.30,60,30
4420,outbound,0,0,0,0,0.60,0.60,1,1
+44,outbound,0,0,0,0,1,1,60,60
1,internal,0,0,0,0,0,0,0,0
`

func TestCandidates(t *testing.T) {
	for in, want := range map[string]string{
		"4420":                     "4420 442 44 4",
		"+4420":                    "+4420 +442 +44 +4",
		"12a3":                     "12 1",
		"*500":                     "",
		"+":                        "",
		"":                         "",
		"123456789012345678901234": "12345678901234567890 1234567890123456789 123456789012345678 12345678901234567 1234567890123456 123456789012345 12345678901234 1234567890123 123456789012 12345678901 1234567890 123456789 12345678 1234567 123456 12345 1234 123 12 1",
	} {
		if got := strings.Join(Candidates(in), " "); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// Lookups over the store's keys agree with rating.Table.Lookup.
func TestLookupMatchesTable(t *testing.T) {
	s := openStore(t)
	if n, err := ImportRates(s, strings.NewReader(deck)); err != nil || n != 4 {
		t.Fatalf("import: %d %v", n, err)
	}
	var tab rating.Table
	if _, err := tab.ImportCSV(strings.NewReader(deck)); err != nil {
		t.Fatal(err)
	}
	g := get(s)
	for _, dir := range []rating.Direction{rating.Outbound, rating.Internal, rating.Inbound} {
		for _, num := range []string{"442071234567", "4420", "442", "44", "4", "+442071", "+4", "1002", "2", "", "*500", "44x"} {
			want, wok := tab.Lookup(dir, num)
			got, ok, err := LookupRate(g, dir, num)
			if err != nil || ok != wok || got != want {
				t.Errorf("%s %q: %+v %v %v, want %+v %v", dir, num, got, ok, err, want, wok)
			}
		}
	}
}

func TestImportDuplicates(t *testing.T) {
	s := openStore(t)
	if _, err := ImportRates(s, strings.NewReader(deck)); err != nil {
		t.Fatal(err)
	}
	// A duplicate of a stored rate: the line, and nothing written.
	again := rating.Header + "\n33,outbound,0,0,0,0,1,1,1,1\n4420,outbound,0,0,0,0,1,1,1,1\n"
	_, err := ImportRates(s, strings.NewReader(again))
	var le *rating.LineError
	if !errors.Is(err, rating.ErrDuplicate) || !errors.As(err, &le) || le.Line != 3 || !strings.Contains(err.Error(), "already stored") {
		t.Fatalf("duplicate of a stored rate: %v", err)
	}
	if _, ok, _ := LookupRate(get(s), rating.Outbound, "331"); ok {
		t.Fatal("a failed import wrote a rate")
	}
	// A duplicate within the file.
	_, err = ImportRates(s, strings.NewReader(rating.Header+"\n7,inbound,0,0,0,0,1,1,1,1\n7,inbound,0,0,0,0,2,2,1,1\n"))
	if !errors.Is(err, rating.ErrDuplicate) || !errors.As(err, &le) || le.Line != 3 || !strings.Contains(err.Error(), "also on line 2") {
		t.Fatalf("duplicate in the file: %v", err)
	}
	// A malformed row names line and column.
	_, err = ImportRates(s, strings.NewReader(rating.Header+"\n8,inbound,0,0,0,0,1,1,1,1\n9,inbound,0,x,0,0,1,1,1,1\n"))
	if !errors.As(err, &le) || le.Line != 3 || !strings.Contains(err.Error(), "connect_fee") {
		t.Fatalf("malformed: %v", err)
	}
}

func TestExportRoundTrip(t *testing.T) {
	s := openStore(t)
	if _, err := ImportRates(s, strings.NewReader(deck)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := ExportRates(s, &out); err != nil {
		t.Fatal(err)
	}
	want := rating.Header + "\n" +
		"+44,outbound,0,0,0,0,1,1,60,60\n" +
		"44,outbound,10,0.1,0.1,0,0.5,0.3,60,30\n" +
		"4420,outbound,0,0,0,0,0.6,0.6,1,1\n" +
		"1,internal,0,0,0,0,0,0,0,0\n"
	if out.String() != want {
		t.Fatalf("export:\n%s\nwant:\n%s", out.String(), want)
	}
	if n, err := ClearRates(s); err != nil || n != 4 {
		t.Fatalf("clear: %d %v", n, err)
	}
	if n, err := ImportRates(s, bytes.NewReader(out.Bytes())); err != nil || n != 4 {
		t.Fatalf("re-import: %d %v", n, err)
	}
	var again bytes.Buffer
	ExportRates(s, &again)
	if again.String() != want {
		t.Fatalf("second export differs:\n%s", again.String())
	}
}

func TestBalances(t *testing.T) {
	s := openStore(t)
	if _, ok, err := Balance(s, "1001"); ok || err != nil {
		t.Fatalf("no balance: %v %v", ok, err)
	}
	for ext, v := range map[string]rating.Money{"1001": 12_500_000, "1002": -1} {
		if err := SetBalance(s, ext, v); err != nil {
			t.Fatal(err)
		}
	}
	if m, ok, err := Balance(s, "1001"); !ok || err != nil || m.String() != "12.5" {
		t.Fatalf("1001: %v %v %v", m, ok, err)
	}
	all, err := Balances(s)
	if err != nil || len(all) != 2 || all["1002"].String() != "-0.000001" {
		t.Fatalf("all: %v %v", all, err)
	}
	if err := SetBalance(s, "a/b", 1); err == nil {
		t.Fatal("an extension with a / was accepted")
	}
	s.KVSet(Namespace, BalanceKey("1003"), "lots", 0)
	if _, err := Balances(s); err == nil || !strings.Contains(err.Error(), "1003") {
		t.Fatalf("bad stored balance: %v", err)
	}
}

// Balances are stored as integers of micro-units, so that the store's
// atomic add debits them; a decimal amount stored by hand is refused.
func TestBalanceStoredForm(t *testing.T) {
	s := openStore(t)
	if err := SetBalance(s, "1001", 12_500_000); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := s.KVGet(Namespace, BalanceKey("1001")); v != "12500000" {
		t.Fatalf("stored %q", v)
	}
	add := func(key string, delta int64) (int64, error) { return s.KVAdd(Namespace, key, delta) }
	if m, err := AddBalance(add, "1001", -1_320_000); err != nil || m.String() != "11.18" {
		t.Fatalf("debit: %v %v", m, err)
	}
	if m, err := AddBalance(add, "1099", -660_000); err != nil || m.String() != "-0.66" {
		t.Fatalf("debit without a balance: %v %v", m, err)
	}
	if m, ok, err := Balance(s, "1099"); !ok || err != nil || m != -660_000 {
		t.Fatalf("1099: %v %v %v", m, ok, err)
	}
	s.KVSet(Namespace, BalanceKey("1002"), "12.50", 0)
	if _, _, err := Balance(s, "1002"); err == nil || !strings.Contains(err.Error(), `balance of 1002: ledger: stored balance "12.50" is not an integer number of micro-units`) {
		t.Fatalf("decimal stored: %v", err)
	}
	if _, err := AddBalance(add, "1002", -1); err == nil || !strings.Contains(err.Error(), "balance of 1002") {
		t.Fatalf("debit of a decimal: %v", err)
	}
	if v, _, _ := s.KVGet(Namespace, BalanceKey("1002")); v != "12.50" {
		t.Fatalf("a refused debit wrote %q", v)
	}
	for in, want := range map[string]rating.Money{"0": 0, "-1": -1, "+5": 5, "9223372036854775807": rating.MaxMoney} {
		if m, err := DecodeBalance(in); err != nil || m != want {
			t.Errorf("%q: %v %v", in, m, err)
		}
	}
	for _, in := range []string{"", "1.0", "1e3", " 1", "9223372036854775808"} {
		if _, err := DecodeBalance(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if got := EncodeBalance(-300_000); got != "-300000" {
		t.Errorf("encode: %q", got)
	}
}
