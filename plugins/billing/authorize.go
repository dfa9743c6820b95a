package main

import (
	"math"
	"time"

	"github.com/hookswitch/hookswitch/plugins/billing/ledger"
	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	hs "github.com/hookswitch/hookswitch/sdk/go"
)

// Refusal of a call the balance cannot pay: 402 Payment Required.
const (
	refuseCode   = 402
	refuseReason = "Insufficient Balance"
)

// maxCap is the longest cap the ABI carries (u32 milliseconds, 49.7
// days), in whole seconds as MaxDuration gives them.
const maxCap = time.Duration(math.MaxUint32) * time.Millisecond / time.Second * time.Second

// authorize allows a call to a number without a rate as it is; for a rated
// number it refuses the call (402) when the caller's balance (none counts
// as 0) cannot pay the first part of the charge, and otherwise caps the
// call at the talk time the balance buys.
func authorize(r *hs.AuthorizeRequest) (hs.AuthorizeDecision, error) {
	rate, ok, err := ledger.LookupRate(hs.KVGet, callDirection(r.Trunk), r.To)
	if err != nil {
		return hs.AuthorizeDecision{}, err
	}
	if !ok {
		return hs.AuthorizeDecision{Allow: true}, nil
	}
	balance, _, err := ledger.GetBalance(hs.KVGet, r.From)
	if err != nil {
		return hs.AuthorizeDecision{}, err
	}
	d, ok := rating.MaxDuration(rate, balance)
	if !ok {
		return hs.AuthorizeDecision{Code: refuseCode, Reason: refuseReason}, nil
	}
	return hs.AuthorizeDecision{Allow: true, MaxDuration: min(d, maxCap)}, nil
}
