package rating

import (
	"fmt"
	"strconv"
	"strings"
)

// Direction is the kind of call a rate applies to.
type Direction string

// The directions of the manual (its "Type" field), plus internal calls.
const (
	Inbound  Direction = "inbound"
	Outbound Direction = "outbound"
	Internal Direction = "internal"
)

// directions in the order Export sorts them.
var directions = [...]Direction{Inbound, Outbound, Internal}

// index is d's position in directions, or -1 for an unknown direction.
func (d Direction) index() int {
	switch d {
	case Inbound:
		return 0
	case Outbound:
		return 1
	case Internal:
		return 2
	}
	return -1
}

// Valid reports whether d is one of Inbound, Outbound and Internal
// (exactly: "Inbound" is not; ParseDirection accepts any case).
func (d Direction) Valid() bool { return d.index() >= 0 }

// ParseDirection reads a direction case-insensitively, ignoring
// surrounding spaces, as a spreadsheet may write it.
func ParseDirection(s string) (Direction, error) {
	d := Direction(strings.ToLower(strings.TrimSpace(s)))
	if !d.Valid() {
		return "", fmt.Errorf("rating: %w", directionError(s))
	}
	return d, nil
}

func directionError(s string) *FieldError {
	return &FieldError{Field: "direction", Value: strconv.Quote(s), Reason: "not inbound, outbound or internal"}
}

// Limits of a rate's fields.
const (
	// MaxPrefixLen is in bytes, with the +: a 15-digit E.164 number
	// after a 3-digit access code (011) fits. It also bounds the trie of
	// a Table: at most MaxPrefixLen nodes of 12 bytes per rate.
	MaxPrefixLen = 20
	// MaxSeconds (a day) bounds FreeSeconds, GracePeriod and the
	// intervals.
	MaxSeconds = 86400
	// MaxSurcharge is 1000 %: beyond is a typo, not a tariff.
	MaxSurcharge Fraction = 10 * One
)

// Rate is one billing rule of the manual (section 5.13). Seconds are
// whole seconds; prices are per minute. Charge documents how the fields
// combine. In JSON (for the host KV, say) the names are the CSV columns
// and amounts are decimal strings.
type Rate struct {
	// Prefix selects the numbers the rate applies to: digits with an
	// optional leading +, which is significant ("+44" and "44" are two
	// prefixes). The longest matching prefix wins (Table.Lookup).
	Prefix    string    `json:"prefix"`
	Direction Direction `json:"direction"`

	FreeSeconds       int      `json:"free_seconds"`        // free seconds granted after Interval1
	ConnectFee        Money    `json:"connect_fee"`         // charged once per charged call
	PostCallSurcharge Fraction `json:"post_call_surcharge"` // applied to the total: 0.01 adds 1 %
	GracePeriod       int      `json:"grace_period"`        // calls shorter than this are free
	Price1            Money    `json:"price1"`              // per minute, for the first Interval1 seconds
	PriceN            Money    `json:"price_n"`             // per minute, for the rest
	Interval1         int      `json:"interval1"`           // first charged interval; 0 means 1 (per second)
	IntervalN         int      `json:"interval_n"`          // rounding of the rest; 0 means 1 (per second)
}

// Validate reports the first invalid field, naming it as its CSV column:
// a prefix that is empty, too long or not digits, an unknown direction,
// negative money or seconds, a surcharge above MaxSurcharge, seconds
// above MaxSeconds.
func (r Rate) Validate() error {
	if fe := r.check(); fe != nil {
		return fmt.Errorf("rating: invalid %s rate %q: %w", r.Direction, r.Prefix, fe)
	}
	return nil
}

// check is Validate without the context, for the CSV import, which
// gives a line number instead.
func (r Rate) check() *FieldError {
	if reason := prefixProblem(r.Prefix); reason != "" {
		return &FieldError{Field: "prefix", Value: strconv.Quote(r.Prefix), Reason: reason}
	}
	if !r.Direction.Valid() {
		return directionError(string(r.Direction))
	}
	for _, m := range [...]struct {
		name string
		v    Money
	}{{"connect_fee", r.ConnectFee}, {"price1", r.Price1}, {"price_n", r.PriceN}} {
		if m.v < 0 {
			return &FieldError{Field: m.name, Value: m.v.String(), Reason: "negative"}
		}
	}
	switch s := r.PostCallSurcharge; {
	case s < 0:
		return &FieldError{Field: "post_call_surcharge", Value: s.String(), Reason: "negative"}
	case s > MaxSurcharge:
		return &FieldError{Field: "post_call_surcharge", Value: s.String(), Reason: "above " + MaxSurcharge.String() + " (1000 %)"}
	}
	for _, f := range [...]struct {
		name string
		v    int
	}{{"free_seconds", r.FreeSeconds}, {"grace_period", r.GracePeriod}, {"interval1", r.Interval1}, {"interval_n", r.IntervalN}} {
		switch {
		case f.v < 0:
			return &FieldError{Field: f.name, Value: strconv.Itoa(f.v), Reason: "negative"}
		case f.v > MaxSeconds:
			return &FieldError{Field: f.name, Value: strconv.Itoa(f.v), Reason: "above one day (86400 s)"}
		}
	}
	return nil
}

// prefixProblem says what is wrong with a prefix, or "".
func prefixProblem(p string) string {
	digits := strings.TrimPrefix(p, "+")
	switch {
	case p == "":
		return "empty"
	case len(p) > MaxPrefixLen:
		return "longer than " + strconv.Itoa(MaxPrefixLen) + " bytes"
	case digits == "":
		return "no digits after the +"
	}
	for i := 0; i < len(digits); i++ {
		if !isDigit(digits[i]) {
			return "not digits (0-9 with an optional leading +)"
		}
	}
	return ""
}
