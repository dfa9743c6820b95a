package ledger

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hookswitch/hookswitch/plugins/billing/rating"
)

// Namespace is the billing plugin's KV namespace: "plugin/" and the name
// of billing.wasm without .wasm, as the switch gives it.
const Namespace = "plugin/billing"

// Key prefixes of the namespace.
const (
	RatePrefix    = "rate/"
	BalancePrefix = "balance/"
)

// RateKey is the key of the rate for dir and prefix.
func RateKey(dir rating.Direction, prefix string) string {
	return RatePrefix + string(dir) + "/" + prefix
}

// BalanceKey is the key of an extension's balance.
func BalanceKey(ext string) string { return BalancePrefix + ext }

// EncodeRate is a rate's stored form: compact JSON with the CSV column
// names, amounts as decimal strings.
func EncodeRate(r rating.Rate) (string, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("ledger: encode rate %q: %w", r.Prefix, err)
	}
	return string(b), nil
}

// DecodeRate reads a stored rate and checks it.
func DecodeRate(s string) (rating.Rate, error) {
	var r rating.Rate
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return rating.Rate{}, fmt.Errorf("ledger: decode rate: %w", err)
	}
	if err := r.Validate(); err != nil {
		return rating.Rate{}, fmt.Errorf("ledger: stored rate: %w", err)
	}
	return r, nil
}

// Candidates are the rate prefixes a number could match, longest first:
// its leading run of digits (after an optional +, which is kept) cut to
// rating.MaxPrefixLen, then each shorter prefix. A number whose first
// character is not a digit (or + and a digit) has none.
func Candidates(number string) []string {
	start := 0
	if strings.HasPrefix(number, "+") {
		start = 1
	}
	end := start
	for end < len(number) && end < rating.MaxPrefixLen && number[end] >= '0' && number[end] <= '9' {
		end++
	}
	if end == start {
		return nil
	}
	out := make([]string, 0, end-start)
	for n := end; n > start; n-- {
		out = append(out, number[:n])
	}
	return out
}

// Getter reads a key of the namespace; ok is false when it is absent.
type Getter func(key string) (val string, ok bool, err error)

// LookupRate finds the rate for a call in direction dir to number: the one
// with the longest prefix of number, as rating.Table.Lookup does, by one
// get per candidate prefix (see Candidates).
func LookupRate(get Getter, dir rating.Direction, number string) (rating.Rate, bool, error) {
	for _, p := range Candidates(number) {
		v, ok, err := get(RateKey(dir, p))
		if err != nil {
			return rating.Rate{}, false, fmt.Errorf("ledger: rate %s/%s: %w", dir, p, err)
		}
		if ok {
			r, err := DecodeRate(v)
			if err != nil {
				return rating.Rate{}, false, fmt.Errorf("ledger: rate %s/%s: %w", dir, p, err)
			}
			return r, true, nil
		}
	}
	return rating.Rate{}, false, nil
}

// EncodeBalance is a balance's stored form: the amount in micro-units
// (rating.Money's own scale) as a base-10 integer, "12500000" for 12.50,
// so that the plugin can debit it with one atomic KV add (hs.KVAdd).
// People never see this form: the REST API and the CLI show and take
// decimal amounts (rating.Money's String and ParseMoney).
func EncodeBalance(m rating.Money) string { return strconv.FormatInt(int64(m), 10) }

// DecodeBalance reads a stored balance: a base-10 integer of micro-units,
// as the store's atomic add reads it (an optional sign, then digits). A
// value that is not one, a decimal amount such as "12.50" included, is an
// error, never a guessed balance.
func DecodeBalance(s string) (rating.Money, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if len(s) > 32 {
			s = s[:32] + "..."
		}
		return 0, fmt.Errorf("ledger: stored balance %q is not an integer number of micro-units (0.000001)", s)
	}
	return rating.Money(v), nil
}

// GetBalance reads an extension's balance; ok is false when it has none.
func GetBalance(get Getter, ext string) (m rating.Money, ok bool, err error) {
	v, ok, err := get(BalanceKey(ext))
	if err != nil || !ok {
		return 0, false, err
	}
	m, err = DecodeBalance(v)
	if err != nil {
		return 0, false, fmt.Errorf("ledger: balance of %s: %w", ext, err)
	}
	return m, true, nil
}

// Adder adds delta to the integer under a key of the namespace, atomically,
// and returns the sum (hs.KVAdd, store.Store.KVAdd); a missing key counts
// as 0.
type Adder func(key string, delta int64) (int64, error)

// AddBalance adds delta (negative to debit) to an extension's balance in
// one atomic step and returns the new balance; none counts as 0. Adds
// that run at the same time are never lost. A stored balance that is not
// an integer of micro-units, or a sum beyond rating.MaxMoney, is an error
// and changes nothing.
func AddBalance(add Adder, ext string, delta rating.Money) (rating.Money, error) {
	v, err := add(BalanceKey(ext), int64(delta))
	if err != nil {
		return 0, fmt.Errorf("ledger: balance of %s: %w", ext, err)
	}
	return rating.Money(v), nil
}
