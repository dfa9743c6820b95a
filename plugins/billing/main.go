// Command billing is the rating and prepaid billing plugin (SPEC B2):
// authorize limits a call to what the caller's balance buys under the rate
// of the dialled number, and cdr charges the finished call and debits the
// balance. Rates and balances live in the plugin's KV namespace (see
// ledger); the switch's admin API and CLI import rates and set balances.
// README.md has the rules, the layout and the limits.
package main

import (
	"github.com/hookswitch/hookswitch/sdk/abi"
	hs "github.com/hookswitch/hookswitch/sdk/go"
)

func init() {
	hs.Require(abi.FeatureKV | abi.FeatureKVAdd) // kv_add: the atomic debit
	hs.HandleAuthorize(authorize)
	hs.HandleCDR(cdr)
}

// A c-shared module never runs main; package main needs one all the same.
func main() {}
