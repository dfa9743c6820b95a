package main

import "github.com/hookswitch/hookswitch/plugins/billing/rating"

// callDirection is the rate direction of a call about to be bridged:
// internal between extensions (no trunk), outbound when it leaves through
// a trunk. Inbound applies to calls that come in by a trunk, which the
// switch does not have yet; this is where they will be told apart.
func callDirection(trunk string) rating.Direction {
	if trunk == "" {
		return rating.Internal
	}
	return rating.Outbound
}

// recordDirection is the rate direction of a finished call: its record's
// direction when it is one of the rate directions, else as callDirection
// says for a call without a trunk.
func recordDirection(dir string) rating.Direction {
	if d := rating.Direction(dir); d.Valid() {
		return d
	}
	return callDirection("")
}
