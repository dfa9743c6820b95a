package main

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/hookswitch/hookswitch/plugins/billing/ledger"
	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	hs "github.com/hookswitch/hookswitch/sdk/go"
)

// record is what the plugin reads of a call record (store.CDR's JSON).
type record struct {
	Caller    string `json:"caller"`
	Callee    string `json:"callee"`
	Direction string `json:"direction"`
	Status    string `json:"call_status"`
	Talk      int    `json:"talk_duration"` // whole seconds, as the switch rounds them
}

// The fields cdr adds to the record of a charged call.
const (
	fieldCost    = "billing_cost"    // the charge, "1.32"
	fieldRate    = "billing_rate"    // the rate applied, "outbound/44"
	fieldBalance = "billing_balance" // the caller's balance after the debit
)

// cdr charges an answered call to a rated number: its talk time under the
// rate, debited from the caller's balance (none counts as 0, so the
// balance may go negative) in one atomic KV add, so that calls of one
// caller ending at the same time each debit it. Other calls get no fields.
func cdr(req *hs.CDRRequest) (hs.CDRDecision, error) {
	var rec record
	if err := json.Unmarshal([]byte(req.Record), &rec); err != nil {
		return hs.CDRDecision{}, errors.New("billing: cdr: " + err.Error())
	}
	if rec.Status != "answered" {
		return hs.CDRDecision{}, nil
	}
	dir := recordDirection(rec.Direction)
	rate, ok, err := ledger.LookupRate(hs.KVGet, dir, rec.Callee)
	if err != nil || !ok {
		return hs.CDRDecision{}, err
	}
	cost := rating.Charge(rate, time.Duration(rec.Talk)*time.Second)
	var after rating.Money
	if cost == 0 {
		after, _, err = ledger.GetBalance(hs.KVGet, rec.Caller)
	} else {
		after, err = ledger.AddBalance(hs.KVAdd, rec.Caller, -cost) // Charge is never negative
	}
	if err != nil {
		return hs.CDRDecision{}, errors.New("billing: cdr: debit " + rec.Caller + ": " + err.Error())
	}
	return hs.CDRDecision{Extra: map[string]string{
		fieldCost:    cost.String(),
		fieldRate:    string(dir) + "/" + rate.Prefix,
		fieldBalance: after.String(),
	}}, nil
}
