package ledger

import (
	"encoding/json"
	"fmt"
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

// GetBalance reads an extension's balance; ok is false when it has none.
func GetBalance(get Getter, ext string) (m rating.Money, ok bool, err error) {
	v, ok, err := get(BalanceKey(ext))
	if err != nil || !ok {
		return 0, false, err
	}
	m, err = rating.ParseMoney(v)
	if err != nil {
		return 0, false, fmt.Errorf("ledger: balance of %s: %w", ext, err)
	}
	return m, true, nil
}
