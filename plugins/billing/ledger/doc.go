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
//	balance/<extension>         a decimal amount ("12.50"), rating.Money
//
// One key per rate means the plugin holds no table in memory and needs no
// reload when rates change: a lookup is at most rating.MaxPrefixLen KV
// gets, from the longest prefix of the number down to the shortest.
package ledger
