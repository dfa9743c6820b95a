package rating

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits of a CSV import. The byte cap bounds the memory of an import
// inside a Wasm instance; 100k rows of about 60 bytes fit in it, so both
// caps allow a large international rate deck.
const (
	MaxCSVBytes = 8 << 20 // 8 MiB
	MaxCSVRows  = 100_000 // rates, not counting the header
)

// Header is the header line ExportCSV writes: the columns in its order.
const Header = "prefix,direction,free_seconds,connect_fee,post_call_surcharge,grace_period,price1,price_n,interval1,interval_n"

// columns are Header's names; an array, so that len(columns) is constant.
var columns = [...]string{
	"prefix", "direction", "free_seconds", "connect_fee", "post_call_surcharge",
	"grace_period", "price1", "price_n", "interval1", "interval_n",
}

// column indexes, in columns' order.
const (
	colPrefix = iota
	colDirection
	colFreeSeconds
	colConnectFee
	colSurcharge
	colGracePeriod
	colPrice1
	colPriceN
	colInterval1
	colIntervalN
)

// ImportCSV adds the rates of a CSV file (see ReadCSV) and reports how
// many. It is all or nothing: an invalid row, or a rate with the prefix
// and direction of another row or of a rate already in the table
// (ErrDuplicate; the manual: the import fails), leaves the table as it
// was.
func (t *Table) ImportCSV(r io.Reader) (int, error) {
	rates, lines, err := readCSV(r)
	if err != nil {
		return 0, err
	}
	for i, rt := range rates {
		if t.has(rt.Direction, rt.Prefix) {
			return 0, &LineError{Line: lines[i], Err: fmt.Errorf("%s rate %q: %w: already in the table", rt.Direction, rt.Prefix, ErrDuplicate)}
		}
	}
	for _, rt := range rates {
		t.insert(rt)
	}
	return len(rates), nil
}

// ReadCSV reads rates from CSV: a header naming the columns of Header,
// in any order and case, each once, then one rate per row. Money and
// the surcharge are decimals as ParseMoney reads them, seconds are
// integers, the direction is any case; spaces around a field and a UTF-8
// byte order mark are ignored. Every rate must pass Validate, and no two
// may share prefix and direction. Errors name the line (*LineError) and,
// for a bad value, the column (*FieldError); input beyond MaxCSVBytes or
// MaxCSVRows fails with ErrTooLarge.
func ReadCSV(r io.Reader) ([]Rate, error) {
	rates, _, err := readCSV(r)
	return rates, err
}

// readCSV is ReadCSV, also returning each rate's line.
func readCSV(r io.Reader) ([]Rate, []int, error) {
	// Read one byte past the cap to tell "at the cap" from "beyond".
	data, err := io.ReadAll(io.LimitReader(r, MaxCSVBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("rating: csv: read: %w", err)
	}
	if len(data) > MaxCSVBytes {
		return nil, nil, fmt.Errorf("rating: csv: input is %w: more than %d bytes", ErrTooLarge, MaxCSVBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // spreadsheets write a BOM

	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true // the fields are copied out
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, errors.New("rating: csv: empty input: want a header line")
	}
	if err != nil {
		return nil, nil, csvError(err)
	}
	order, err := headerOrder(header)
	if err != nil {
		line, _ := cr.FieldPos(0) // 1 unless blank lines come first
		return nil, nil, &LineError{Line: line, Err: err}
	}

	var (
		rates []Rate
		lines []int
		seen  = make(map[dirPrefix]int) // line of each rate
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rates) == MaxCSVRows {
			return nil, nil, &LineError{Line: line, Err: fmt.Errorf("%w: more than %d rows", ErrTooLarge, MaxCSVRows)}
		}
		var f [len(columns)]string
		for i, c := range order {
			f[c] = strings.TrimSpace(rec[i])
		}
		rt, fe := parseRow(&f)
		if fe == nil {
			fe = rt.check()
		}
		if fe != nil {
			// Point at the line of the offending field: a quoted field
			// may span lines.
			for i, c := range order {
				if columns[c] == fe.Field {
					line, _ = cr.FieldPos(i)
				}
			}
			return nil, nil, &LineError{Line: line, Err: fe}
		}
		k := dirPrefix{rt.Direction, rt.Prefix}
		if first, dup := seen[k]; dup {
			return nil, nil, &LineError{Line: line, Err: fmt.Errorf("%s rate %q: %w: also on line %d", rt.Direction, rt.Prefix, ErrDuplicate, first)}
		}
		seen[k] = line
		rates = append(rates, rt)
		lines = append(lines, line)
	}
	return rates, lines, nil
}

type dirPrefix struct {
	dir    Direction
	prefix string
}

// headerOrder maps each CSV column to its index in columns.
func headerOrder(header []string) ([]int, error) {
	order := make([]int, len(header))
	seen := make([]bool, len(columns))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		c := -1
		for j, col := range columns {
			if name == col {
				c = j
			}
		}
		switch {
		case c < 0:
			return nil, fmt.Errorf("header: unknown column %q (want %s)", h, Header)
		case seen[c]:
			return nil, fmt.Errorf("header: column %q twice", name)
		}
		seen[c] = true
		order[i] = c
	}
	var missing []string
	for j, ok := range seen {
		if !ok {
			missing = append(missing, columns[j])
		}
	}
	if missing != nil {
		return nil, fmt.Errorf("header: missing column %s", strings.Join(missing, ", "))
	}
	return order, nil
}

// parseRow converts the trimmed fields of a row, in columns' order. The
// range checks are Validate's.
func parseRow(f *[len(columns)]string) (Rate, *FieldError) {
	r := Rate{Prefix: strings.Clone(f[colPrefix])} // not a slice of the line
	d := Direction(strings.ToLower(f[colDirection]))
	if !d.Valid() {
		return r, directionError(f[colDirection])
	}
	r.Direction = d
	for _, m := range [...]struct {
		col int
		dst *Money
	}{{colConnectFee, &r.ConnectFee}, {colPrice1, &r.Price1}, {colPriceN, &r.PriceN}} {
		v, err := parseDecimal(f[m.col])
		if err != nil {
			return r, &FieldError{Field: columns[m.col], Value: strconv.Quote(f[m.col]), Reason: err.Error()}
		}
		*m.dst = Money(v)
	}
	v, err := parseDecimal(f[colSurcharge])
	if err != nil {
		return r, &FieldError{Field: columns[colSurcharge], Value: strconv.Quote(f[colSurcharge]), Reason: err.Error()}
	}
	r.PostCallSurcharge = Fraction(v)
	for _, s := range [...]struct {
		col int
		dst *int
	}{{colFreeSeconds, &r.FreeSeconds}, {colGracePeriod, &r.GracePeriod}, {colInterval1, &r.Interval1}, {colIntervalN, &r.IntervalN}} {
		n, err := strconv.Atoi(f[s.col])
		if err != nil {
			reason := "not a whole number of seconds"
			if errors.Is(err, strconv.ErrRange) {
				reason = "out of range"
			}
			return r, &FieldError{Field: columns[s.col], Value: strconv.Quote(f[s.col]), Reason: reason}
		}
		*s.dst = n
	}
	return r, nil
}

// csvError gives a syntax error of encoding/csv the package's line form.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{Line: pe.Line, Err: fmt.Errorf("column %d: %w", pe.Column, pe.Err)}
	}
	return fmt.Errorf("rating: csv: %w", err)
}

// ExportCSV writes every rate in the format ImportCSV reads, header
// first, in the order of Rates, so that importing the output into an
// empty table gives the same table, and the same bytes on export.
func (t *Table) ExportCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(columns[:]); err != nil {
		return fmt.Errorf("rating: csv export: %w", err)
	}
	var f [len(columns)]string
	for _, r := range t.Rates() {
		f[colPrefix] = r.Prefix
		f[colDirection] = string(r.Direction)
		f[colFreeSeconds] = strconv.Itoa(r.FreeSeconds)
		f[colConnectFee] = r.ConnectFee.String()
		f[colSurcharge] = r.PostCallSurcharge.String()
		f[colGracePeriod] = strconv.Itoa(r.GracePeriod)
		f[colPrice1] = r.Price1.String()
		f[colPriceN] = r.PriceN.String()
		f[colInterval1] = strconv.Itoa(r.Interval1)
		f[colIntervalN] = strconv.Itoa(r.IntervalN)
		if err := cw.Write(f[:]); err != nil {
			return fmt.Errorf("rating: csv export: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("rating: csv export: %w", err)
	}
	return nil
}
