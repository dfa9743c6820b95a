// Package ledger is where the billing plugin keeps its data, shared by the
// plugin (through the Wasm KV host functions) and the switch's admin
// surface (REST API and CLI, through the store): the key layout of the
// plugin's KV namespace, the encoding of rates and balances, the
// longest-prefix lookup over keys, and the admin operations (import,
// export and clearing of rates; reading and setting balances).
//
// Everything lives in the namespace "plugin/billing" (Namespace):
//
//	rate/<direction>/<prefix>   a rating.Rate as compact JSON
//	balance/<extension>         micro-units as a base-10 integer ("12500000"
//	                            for 12.50): rating.Money, added to atomically
//
// A balance is an integer so that the plugin debits it with one atomic KV
// add (hs.KVAdd) rather than a read and a write that a concurrent debit
// could overwrite; people see and give decimal amounts (the REST API and
// the CLI convert).
//
// One key per rate means the plugin holds no table in memory and needs no
// reload when rates change: a lookup is at most rating.MaxPrefixLen KV
// gets, from the longest prefix of the number down to the shortest.
package ledger
