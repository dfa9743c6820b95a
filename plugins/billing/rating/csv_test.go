package rating

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

const sampleCSV = Header + `
44,outbound,10,0.10,0.1,0,0.50,0.30,60,30
+4420,outbound,0,0,0,1,0.015,0.015,1,1
1,inbound,0,0,0,0,0,0,0,0
`

func TestImportCSV(t *testing.T) {
	var tb Table
	n, err := tb.ImportCSV(strings.NewReader(sampleCSV))
	if err != nil || n != 3 || tb.Len() != 3 {
		t.Fatalf("ImportCSV = %d, %v; Len %d", n, err, tb.Len())
	}
	r, ok := tb.Lookup(Outbound, "4420")
	if want := manualRate(t); !ok || r != want {
		t.Errorf("Lookup(44) = %+v, %v; want %+v", r, ok, want)
	}
	r, _ = tb.Lookup(Outbound, "+44207")
	if want := (Rate{Prefix: "+4420", Direction: Outbound, GracePeriod: 1, Price1: 15_000, PriceN: 15_000, Interval1: 1, IntervalN: 1}); r != want {
		t.Errorf("Lookup(+4420) = %+v; want %+v", r, want)
	}
}

// Columns in any order and case, spaces around fields, a byte order mark,
// CRLF line ends, quoted fields, a header only.
func TestImportCSVLenient(t *testing.T) {
	in := "\ufeff Interval_N ,PREFIX,direction,price_n,price1,interval1,grace_period,post_call_surcharge,connect_fee,free_seconds\r\n" +
		" 30 , 44 , Outbound ,0.30,0.50,60,0,0.1,0.10,10\r\n" +
		"\r\n" + // blank lines are skipped
		`"0","1","INTERNAL","0","0","0","0","0","0","0"` + "\r\n"
	var tb Table
	if n, err := tb.ImportCSV(strings.NewReader(in)); err != nil || n != 2 {
		t.Fatalf("ImportCSV = %d, %v", n, err)
	}
	if r, _ := tb.Lookup(Outbound, "44"); r != manualRate(t) {
		t.Errorf("Lookup(44) = %+v", r)
	}
	if _, ok := tb.Lookup(Internal, "100"); !ok {
		t.Error("the quoted row is missing")
	}
	if n, err := tb.ImportCSV(strings.NewReader(Header + "\n")); err != nil || n != 0 {
		t.Errorf("ImportCSV(header only) = %d, %v", n, err)
	}
}

func TestImportCSVErrors(t *testing.T) {
	row := "44,outbound,10,0.10,0.1,0,0.50,0.30,60,30"
	for _, tc := range []struct {
		name, in string
		line     int    // 0: no LineError
		msg      string // the whole error
	}{
		{"empty", "", 0, "rating: csv: empty input: want a header line"},
		{"unknown column", Header + ",rounding\n", 1, `rating: csv line 1: header: unknown column "rounding" (want ` + Header + ")"},
		{"missing column", "prefix,direction,free_seconds,connect_fee,post_call_surcharge,grace_period,price1,price_n\n", 1,
			"rating: csv line 1: header: missing column interval1, interval_n"},
		{"header after blank lines", "\n\n" + Header + ",x\n", 3, `rating: csv line 3: header: unknown column "x" (want ` + Header + ")"},
		{"column twice", Header + ",Prefix\n", 1, `rating: csv line 1: header: column "prefix" twice`},
		{"too few fields", Header + "\n" + row + "\n44,inbound\n", 3, "rating: csv line 3: column 1: wrong number of fields"},
		{"bad quote", Header + "\n" + row + "\n4\"4,inbound,0,0,0,0,0,0,0,0\n", 3, `rating: csv line 3: column 2: bare " in non-quoted-field`},
		{"prefix", Header + "\n" + row + "\n4a,inbound,0,0,0,0,0,0,0,0\n", 3, `rating: csv line 3: prefix "4a": not digits (0-9 with an optional leading +)`},
		{"empty prefix", Header + "\n,inbound,0,0,0,0,0,0,0,0\n", 2, `rating: csv line 2: prefix "": empty`},
		{"direction", Header + "\n4,both,0,0,0,0,0,0,0,0\n", 2, `rating: csv line 2: direction "both": not inbound, outbound or internal`},
		{"money decimals", Header + "\n4,inbound,0,0.1234567,0,0,0,0,0,0\n", 2, `rating: csv line 2: connect_fee "0.1234567": more than 6 decimals`},
		{"money syntax", Header + "\n4,inbound,0,0,0,0,1e3,0,0,0\n", 2, `rating: csv line 2: price1 "1e3": unexpected 'e' (want digits with an optional sign and decimal point)`},
		{"negative price", Header + "\n4,inbound,0,0,0,0,0,-0.5,0,0\n", 2, "rating: csv line 2: price_n -0.5: negative"},
		{"empty money", Header + "\n4,inbound,0,0,,0,0,0,0,0\n", 2, `rating: csv line 2: post_call_surcharge "": empty`},
		{"surcharge", Header + "\n4,inbound,0,0,10.5,0,0,0,0,0\n", 2, "rating: csv line 2: post_call_surcharge 10.5: above 10 (1000 %)"},
		{"seconds syntax", Header + "\n4,inbound,1.5,0,0,0,0,0,0,0\n", 2, `rating: csv line 2: free_seconds "1.5": not a whole number of seconds`},
		{"seconds range", Header + "\n4,inbound,0,0,0,99999999999999999999,0,0,0,0\n", 2, `rating: csv line 2: grace_period "99999999999999999999": out of range`},
		{"seconds day", Header + "\n4,inbound,0,0,0,0,0,0,0,86401\n", 2, "rating: csv line 2: interval_n 86401: above one day (86400 s)"},
		{"negative seconds", Header + "\n4,inbound,0,0,0,0,0,0,-1,0\n", 2, "rating: csv line 2: interval1 -1: negative"},
		{"duplicate", Header + "\n" + row + "\n1,inbound,0,0,0,0,0,0,0,0\n44,OUTBOUND,0,0,0,0,0,0,0,0\n", 4,
			`rating: csv line 4: outbound rate "44": duplicate rate: also on line 2`},
		// A quoted field over two lines: the error is at the line of the field.
		{"multi-line field", Header + "\n\"4\n\",inbound,0,0,0,0,0,0,x,0\n", 3, `rating: csv line 3: interval1 "x": not a whole number of seconds`},
	} {
		var tb Table
		if err := tb.Add(Rate{Prefix: "9", Direction: Inbound}); err != nil {
			t.Fatal(err)
		}
		n, err := tb.ImportCSV(strings.NewReader(tc.in))
		var le *LineError
		switch {
		case err == nil:
			t.Errorf("%s: no error", tc.name)
		case err.Error() != tc.msg:
			t.Errorf("%s: error\n%s\nwant\n%s", tc.name, err, tc.msg)
		case tc.line != 0 && (!errors.As(err, &le) || le.Line != tc.line):
			t.Errorf("%s: %v: not a LineError at line %d", tc.name, err, tc.line)
		}
		if n != 0 || tb.Len() != 1 {
			t.Errorf("%s: the failed import changed the table: %d, Len %d", tc.name, n, tb.Len())
		}
	}
}

// The manual: a rate that duplicates one in the table fails the import,
// which changes nothing.
func TestImportCSVDuplicateOfTable(t *testing.T) {
	var tb Table
	if _, err := tb.ImportCSV(strings.NewReader(sampleCSV)); err != nil {
		t.Fatal(err)
	}
	before := tb.Rates()
	in := Header + "\n55,outbound,0,0,0,0,0,0,0,0\n44,outbound,0,0,0,0,9,9,1,1\n"
	n, err := tb.ImportCSV(strings.NewReader(in))
	var le *LineError
	if !errors.Is(err, ErrDuplicate) || !errors.As(err, &le) || le.Line != 3 ||
		err.Error() != `rating: csv line 3: outbound rate "44": duplicate rate: already in the table` {
		t.Errorf("ImportCSV = %d, %v", n, err)
	}
	if !slices.Equal(tb.Rates(), before) {
		t.Error("the failed import changed the table")
	}
}

func TestImportCSVLimits(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(Header + "\n")
	for i := range MaxCSVRows {
		fmt.Fprintf(&b, "%d,outbound,0,0,0,0,0,0,0,0\n", 1_000_000+i)
	}
	var tb Table
	if n, err := tb.ImportCSV(bytes.NewReader(b.Bytes())); err != nil || n != MaxCSVRows {
		t.Fatalf("ImportCSV(%d rows) = %d, %v", MaxCSVRows, n, err)
	}
	b.WriteString("2,outbound,0,0,0,0,0,0,0,0\n")
	tb = Table{}
	n, err := tb.ImportCSV(bytes.NewReader(b.Bytes()))
	want := fmt.Sprintf("rating: csv line %d: too large: more than 100000 rows", MaxCSVRows+2)
	if !errors.Is(err, ErrTooLarge) || err.Error() != want || n != 0 || tb.Len() != 0 {
		t.Errorf("ImportCSV(%d rows) = %d, %v", MaxCSVRows+1, n, err)
	}

	big := Header + "\n" + strings.Repeat(" ", MaxCSVBytes-len(Header)-1) // exactly at the cap
	if _, err := ReadCSV(strings.NewReader(big)); errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadCSV(%d bytes) = %v", len(big), err)
	}
	_, err = ReadCSV(strings.NewReader(big + " "))
	if !errors.Is(err, ErrTooLarge) || err.Error() != "rating: csv: input is too large: more than 8388608 bytes" {
		t.Errorf("ReadCSV(%d bytes) = %v", len(big)+1, err)
	}
}

func TestImportCSVReadError(t *testing.T) {
	_, err := ReadCSV(failingReader{})
	if !errors.Is(err, os.ErrClosed) || !strings.HasPrefix(err.Error(), "rating: csv: read: ") {
		t.Errorf("ReadCSV(failing) = %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, os.ErrClosed }

func TestExportCSV(t *testing.T) {
	var tb Table
	if _, err := tb.ImportCSV(strings.NewReader(sampleCSV)); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tb.ExportCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := Header + `
1,inbound,0,0,0,0,0,0,0,0
+4420,outbound,0,0,0,1,0.015,0.015,1,1
44,outbound,10,0.1,0.1,0,0.5,0.3,60,30
`
	if b.String() != want {
		t.Errorf("ExportCSV:\n%s\nwant\n%s", b.String(), want)
	}
}

// import(export(t)) is t, and exports the same bytes.
func TestCSVRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	tb, _ := randTable(rng, 5000, 10)
	var out bytes.Buffer
	if err := tb.ExportCSV(&out); err != nil {
		t.Fatal(err)
	}
	var back Table
	if n, err := back.ImportCSV(bytes.NewReader(out.Bytes())); err != nil || n != tb.Len() {
		t.Fatalf("ImportCSV(export) = %d, %v; want %d", n, err, tb.Len())
	}
	if !slices.Equal(back.Rates(), tb.Rates()) {
		t.Fatal("the round trip changed the rates")
	}
	var again bytes.Buffer
	if err := back.ExportCSV(&again); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
		t.Fatalf("the second export differs: %v", err)
	}
	// Importing the export again into the same table: every row is a duplicate.
	if _, err := back.ImportCSV(bytes.NewReader(out.Bytes())); !errors.Is(err, ErrDuplicate) {
		t.Errorf("re-import = %v, want ErrDuplicate", err)
	}
}

// Any input gives an error and no change, or valid rates that round-trip.
func FuzzImportCSV(f *testing.F) {
	f.Add(sampleCSV)
	f.Add(Header + "\n44,outbound,0,0,0,0,0,0,0,0\n44,outbound,0,0,0,0,0,0,0,0\n")
	f.Add("\ufeffPREFIX,Direction,interval_n,interval1,price_n,price1,grace_period,post_call_surcharge,connect_fee,free_seconds\n\"+1\",inbound,1,1,1,1,1,1,1,1\n")
	f.Add(Header + "\n\"4\n4\",inbound,0,0,0,0,0,0,0,0\n")
	f.Add(Header + "\n9,internal,86400,9223372036854.775807,10,86400,-0,+0.000001,0,0\n")
	f.Add("prefix\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		var tb Table
		if err := tb.Add(Rate{Prefix: "9", Direction: Inbound}); err != nil {
			t.Fatal(err)
		}
		before := tb.Rates()
		n, err := tb.ImportCSV(strings.NewReader(in))
		if err != nil {
			if n != 0 || !slices.Equal(tb.Rates(), before) {
				t.Fatalf("failed import %v changed the table", err)
			}
			return
		}
		if tb.Len() != len(before)+n {
			t.Fatalf("imported %d, Len %d", n, tb.Len())
		}
		for _, r := range tb.Rates() {
			if err := r.Validate(); err != nil {
				t.Fatalf("imported an invalid rate: %v", err)
			}
			if got, ok := tb.Lookup(r.Direction, r.Prefix); !ok || got != r {
				t.Fatalf("Lookup(%s, %s) = %+v, %v", r.Direction, r.Prefix, got, ok)
			}
		}
		var out bytes.Buffer
		if err := tb.ExportCSV(&out); err != nil {
			t.Fatal(err)
		}
		var back Table
		if _, err := back.ImportCSV(&out); err != nil || !slices.Equal(back.Rates(), tb.Rates()) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func BenchmarkImportCSV10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(17, 18))
	tb, _ := randTable(rng, 10000, 8)
	var out bytes.Buffer
	if err := tb.ExportCSV(&out); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(out.Len()))
	b.ReportAllocs()
	for b.Loop() {
		var t Table
		if _, err := t.ImportCSV(bytes.NewReader(out.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}
